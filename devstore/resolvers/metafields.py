"""Metafields on customers and products: `metafieldsSet`, `metafieldDefinitionCreate`, and the
`metafield(namespace, key)` / `metafields` fields that read them back.

Rules as implemented (shopify.dev metafieldsSet reference and MetafieldsSetUserErrorCode):
at most 25 inputs per call; the call is atomic (any error and nothing is written); a namespace
of 3-255 and a key of 2-64 characters from letters, digits, `-` and `_`; no namespace means
the app-reserved one (`app--<app id>`); `type` is needed unless a definition or an existing
metafield gives it, and must agree with them; values are checked against the type; a
`compareDigest` that no longer matches refuses the input (STALE_OBJECT). Messages are the
devstore's own wording.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from datetime import UTC, datetime
from typing import Any

from graphql import GraphQLResolveInfo

from devstore.resolvers.common import Typed
from devstore.resolvers.connections import page
from devstore.store import parse_gid

Info = GraphQLResolveInfo
METAFIELDS_SET_LIMIT = 25
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]+$")
OWNERS = {"Customer": ("customers", "CUSTOMER"), "Product": ("products", "PRODUCT")}
REFERENCE_TYPES = {
    "product_reference": "Product",
    "customer_reference": "Customer",
    "variant_reference": "ProductVariant",
}
TYPES_SUPPORTED = {
    "single_line_text_field",
    "multi_line_text_field",
    "number_integer",
    "number_decimal",
    "boolean",
    "json",
    "date",
    "date_time",
    "url",
    *REFERENCE_TYPES,
    *(f"list.{t}" for t in ("single_line_text_field", "number_integer", *REFERENCE_TYPES)),
}
_ids = itertools.count(31_000_000_000)


def metafield_store(shop: Any) -> dict[str, Any]:
    """Per-shop metafields {(owner gid, namespace, key): metafield} and definitions."""
    found = getattr(shop, "_metafields", None)
    if found is None:
        found = {"values": {}, "definitions": {}}
        shop._metafields = found
    return found


def app_namespace(info: Info) -> str:
    """Shopify names it after the app's numeric id; a stable number from the client id stands in."""
    return f"app--{int(hashlib.sha256(info.context.client_id.encode()).hexdigest()[:8], 16)}"


def resolve_namespace(info: Info, namespace: str | None) -> str:
    """None or `$app` -> the app's reserved namespace; `$app:x` -> `app--<id>--x` (Shopify's
    shorthand for app-reserved namespaces)."""
    if not namespace or namespace == "$app":
        return app_namespace(info)
    if namespace.startswith("$app:"):
        return f"{app_namespace(info)}--{namespace[5:]}"
    return namespace


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def digest(metafield: dict[str, Any]) -> str:
    raw = f"{metafield['id']}|{metafield['type']}|{metafield['value']}|{metafield['updatedAt']}"
    return hashlib.sha256(raw.encode()).hexdigest()


def error(index: int, field: str, code: str, message: str) -> dict[str, Any]:
    return {
        "field": ["metafields", str(index), field],
        "message": message,
        "code": code,
        "elementIndex": index,
    }


def value_problem(info: Info, type_name: str, value: str) -> str | None:
    """Why `value` is not a valid `type_name` value, or None."""
    base = type_name.removeprefix("list.")
    try:
        if type_name.startswith("list.") or base == "json":
            parsed = json.loads(value)
        else:
            parsed = value
    except json.JSONDecodeError:
        return "Value must be valid JSON"
    items = parsed if type_name.startswith("list.") else [parsed]
    if type_name.startswith("list.") and not isinstance(parsed, list):
        return "Value must be a JSON array"
    for item in items:
        if base in REFERENCE_TYPES:
            try:
                found_type, record_id = parse_gid(str(item))
            except ValueError:
                return f"Value must be a {REFERENCE_TYPES[base]} global id"
            if found_type != REFERENCE_TYPES[base] or not exists(info, found_type, record_id):
                return f"Value references a {REFERENCE_TYPES[base]} that does not exist: {item}"
        elif base == "number_integer" and not re.fullmatch(r"-?\d+", str(item)):
            return "Value must be an integer"
        elif base == "boolean" and str(item) not in ("true", "false"):
            return "Value must be true or false"
    return None


def exists(info: Info, type_name: str, record_id: int) -> bool:
    if type_name == "ProductVariant":
        return info.context.variant(record_id) is not None
    owner = OWNERS.get(type_name)
    return owner is not None and info.context.lookup(owner[0], record_id) is not None


def check_input(info: Info, index: int, given: dict[str, Any], store: dict[str, Any]) -> tuple[Any, list]:
    """(key into the store, errors) for one MetafieldsSetInput."""
    namespace = resolve_namespace(info, given.get("namespace"))
    key = given["key"]
    errors = []
    try:
        owner_type, owner_id = parse_gid(given["ownerId"])
    except ValueError:
        return None, [error(index, "ownerId", "INVALID", "Owner id is not a valid global id")]
    if owner_type not in OWNERS or not exists(info, owner_type, owner_id):
        return None, [error(index, "ownerId", "INVALID", "Owner does not exist")]
    for field, text, low, high in (("namespace", namespace, 3, 255), ("key", key, 2, 64)):
        if len(text) < low:
            errors.append(
                error(index, field, "TOO_SHORT", f"{field.title()} is too short (minimum is {low})")
            )
        elif len(text) > high:
            errors.append(error(index, field, "TOO_LONG", f"{field.title()} is too long (maximum is {high})"))
        elif not NAME_PATTERN.match(text):
            errors.append(error(index, field, "INVALID", f"{field.title()} contains invalid characters"))
    slot = (given["ownerId"], namespace, key)
    existing = store["values"].get(slot)
    definition = store["definitions"].get((OWNERS[owner_type][1], namespace, key))
    known_type = (definition or {}).get("type", {}).get("name") or (existing or {}).get("type")
    type_name = given.get("type") or known_type
    if not type_name:
        errors.append(error(index, "type", "BLANK", "Type can't be blank"))
    elif type_name not in TYPES_SUPPORTED:
        errors.append(error(index, "type", "INVALID_TYPE", f"Type '{type_name}' is not a supported type"))
    elif known_type and type_name != known_type:
        errors.append(error(index, "type", "INVALID_TYPE", f"Type must be '{known_type}'"))
    elif (problem := value_problem(info, type_name, given["value"])) is not None:
        errors.append(error(index, "value", "INVALID_VALUE", problem))
    compare = given.get("compareDigest")
    if compare is not None and (existing is None or digest(existing) != compare):
        errors.append(
            error(
                index, "compareDigest", "STALE_OBJECT", "The metafield has been modified since it was loaded"
            )
        )
    return (slot, owner_type, owner_id, type_name), errors


def metafields_set(root: Any, info: Info, metafields: list[dict[str, Any]]) -> dict[str, Any]:
    if len(metafields) > METAFIELDS_SET_LIMIT:
        message = f"Exceeded the maximum metafields input limit of {METAFIELDS_SET_LIMIT}."
        return {
            "metafields": [],
            "userErrors": [
                {
                    "field": ["metafields"],
                    "message": message,
                    "code": "LESS_THAN_OR_EQUAL_TO",
                    "elementIndex": None,
                }
            ],
        }
    shop = info.context.shop
    store = metafield_store(shop)
    with shop.lock:
        checked, errors = [], []
        for index, given in enumerate(metafields):
            found, problems = check_input(info, index, given, store)
            checked.append(found)
            errors.extend(problems)
        if errors:  # atomic: nothing is written
            return {"metafields": [], "userErrors": errors}
        written = []
        stamp = now_iso()
        for given, (slot, owner_type, owner_id, type_name) in zip(metafields, checked, strict=True):
            current = store["values"].get(slot)
            metafield = dict(current) if current else {"id": next(_ids), "createdAt": stamp}
            metafield.update(
                namespace=slot[1],
                key=slot[2],
                type=type_name,
                value=given["value"],
                updatedAt=stamp,
                ownerGid=slot[0],
                ownerType=OWNERS[owner_type][1],
                ownerRef=(OWNERS[owner_type][0], owner_id),
            )
            store["values"][slot] = metafield
            written.append(metafield)
    return {"metafields": written, "userErrors": []}


def metafield_definition_create(root: Any, info: Info, definition: dict[str, Any]) -> dict[str, Any]:
    namespace = resolve_namespace(info, definition.get("namespace"))
    type_name = definition["type"]
    if type_name not in TYPES_SUPPORTED:
        return {
            "createdDefinition": None,
            "userErrors": [
                {
                    "field": ["definition", "type"],
                    "message": f"Type '{type_name}' is not supported",
                    "code": "INCLUSION",
                }
            ],
        }
    store = metafield_store(info.context.shop)
    slot = (definition["ownerType"], namespace, definition["key"])
    with info.context.shop.lock:
        if slot in store["definitions"]:
            return {
                "createdDefinition": None,
                "userErrors": [
                    {
                        "field": ["definition", "key"],
                        "message": "Key is in use for this owner type",
                        "code": "TAKEN",
                    }
                ],
            }
        created = {
            "id": f"gid://shopify/MetafieldDefinition/{next(_ids)}",
            "namespace": namespace,
            "key": definition["key"],
            "name": definition["name"],
            "description": definition.get("description"),
            "ownerType": definition["ownerType"],
            "type": {"name": type_name, "category": "TEXT"},
            # What the app asked for (e.g. {"storefront": "PUBLIC_READ"}), for tests to read back.
            "access_input": definition.get("access"),
        }
        store["definitions"][slot] = created
    return {"createdDefinition": created, "userErrors": []}


def owner_metafields(owner: dict[str, Any], info: Info, resource_type: str) -> list[dict[str, Any]]:
    owner_gid = f"gid://shopify/{resource_type}/{owner['id']}"
    values = metafield_store(info.context.shop)["values"]
    return [m for (gid, _, _), m in list(values.items()) if gid == owner_gid]


def metafield_one(resource_type: str):
    def resolve(owner: dict[str, Any], info: Info, key: str, namespace: str | None = None) -> Any:
        slot = (f"gid://shopify/{resource_type}/{owner['id']}", resolve_namespace(info, namespace), key)
        return metafield_store(info.context.shop)["values"].get(slot)

    return resolve


def metafield_many(resource_type: str):
    def resolve(owner: dict[str, Any], info: Info, **args: Any) -> dict[str, Any]:
        found = owner_metafields(owner, info, resource_type)
        if args.get("namespace"):
            wanted_namespace = resolve_namespace(info, args["namespace"])
            found = [m for m in found if m["namespace"] == wanted_namespace]
        if args.get("keys"):
            wanted = set(args["keys"])
            found = [m for m in found if f"{m['namespace']}.{m['key']}" in wanted]
        return page(found, lambda m: (m["id"], m["id"]), args)

    return resolve


def owner_of(metafield: dict[str, Any], info: Info) -> Typed | None:
    resource, record_id = metafield["ownerRef"]
    record = info.context.lookup(resource, record_id)
    type_name = "Customer" if resource == "customers" else "Product"
    return Typed(type_name, record) if record is not None else None


METAFIELD_FIELDS = {
    "id": lambda m, info: f"gid://shopify/Metafield/{m['id']}",
    "legacyResourceId": lambda m, info: str(m["id"]),
    "namespace": lambda m, info: m["namespace"],
    "key": lambda m, info: m["key"],
    "type": lambda m, info: m["type"],
    "value": lambda m, info: m["value"],
    "jsonValue": lambda m, info: (
        json.loads(m["value"]) if m["type"].startswith(("list.", "json")) else m["value"]
    ),
    "compareDigest": lambda m, info: digest(m),
    "createdAt": lambda m, info: m["createdAt"],
    "updatedAt": lambda m, info: m["updatedAt"],
    "ownerType": lambda m, info: m["ownerType"],
    "owner": owner_of,
    "sizeInBytes": lambda m, info: len(m["value"].encode()),
    "description": lambda m, info: None,
}

TYPES = {
    "Mutation": {"metafieldsSet": metafields_set, "metafieldDefinitionCreate": metafield_definition_create},
    "Metafield": METAFIELD_FIELDS,
    "Customer": {"metafield": metafield_one("Customer"), "metafields": metafield_many("Customer")},
    "Product": {"metafield": metafield_one("Product"), "metafields": metafield_many("Product")},
}
