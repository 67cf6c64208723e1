"""Metafield writes and reads: `metafieldsSet` (25 per call, atomic) and definitions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.shopify.client import AdminClient, UserErrors

METAFIELDS_SET_LIMIT = 25  # Shopify refuses more per call

METAFIELDS_SET = """
mutation OrbitMetafieldsSet($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) {
    metafields { id namespace key type value compareDigest owner { ... on Node { id } } }
    userErrors { field message code elementIndex }
  }
}
"""

METAFIELD_DEFINITION_CREATE = """
mutation OrbitMetafieldDefinitionCreate($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) {
    createdDefinition { id namespace key ownerType type { name } }
    userErrors { field message code }
  }
}
"""

CUSTOMER_METAFIELD = """
query OrbitCustomerMetafield($id: ID!, $namespace: String!, $key: String!) {
  customer(id: $id) {
    id
    metafield(namespace: $namespace, key: $key) { id namespace key type value compareDigest }
  }
}
"""

PRODUCT_METAFIELD = """
query OrbitProductMetafield($id: ID!, $namespace: String!, $key: String!) {
  product(id: $id) {
    id
    metafield(namespace: $namespace, key: $key) { id namespace key type value compareDigest }
  }
}
"""


class MetafieldsSetError(UserErrors):
    """metafieldsSet refused the batch (it is atomic: nothing in it was written)."""

    @property
    def codes(self) -> list[str | None]:
        return [e.get("code") for e in self.errors]


def set_metafields(client: AdminClient, metafields: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Write up to 25 MetafieldsSetInput dicts atomically; returns the stored metafields."""
    if not 0 < len(metafields) <= METAFIELDS_SET_LIMIT:
        raise ValueError(f"metafieldsSet takes 1 to {METAFIELDS_SET_LIMIT} metafields, got {len(metafields)}")
    data = client.execute(
        METAFIELDS_SET, {"metafields": list(metafields)}, operation_name="OrbitMetafieldsSet"
    )
    payload = data.get("metafieldsSet") or {}
    if payload.get("userErrors"):
        raise MetafieldsSetError("metafieldsSet", payload["userErrors"])
    return payload.get("metafields") or []


def create_definition(client: AdminClient, definition: dict[str, Any]) -> dict[str, Any] | None:
    """Create a metafield definition; an existing one (code TAKEN) is not an error."""
    data = client.execute(
        METAFIELD_DEFINITION_CREATE,
        {"definition": definition},
        operation_name="OrbitMetafieldDefinitionCreate",
    )
    payload = data.get("metafieldDefinitionCreate") or {}
    errors = payload.get("userErrors") or []
    if errors and all(e.get("code") == "TAKEN" for e in errors):
        return None
    if errors:
        raise UserErrors("metafieldDefinitionCreate", errors)
    return payload.get("createdDefinition")


def read_metafield(client: AdminClient, owner_gid: str, namespace: str, key: str) -> dict[str, Any] | None:
    document, root, name = (
        (PRODUCT_METAFIELD, "product", "OrbitProductMetafield")
        if "/Product/" in owner_gid
        else (CUSTOMER_METAFIELD, "customer", "OrbitCustomerMetafield")
    )
    data = client.execute(
        document, {"id": owner_gid, "namespace": namespace, "key": key}, operation_name=name
    )
    return (data.get(root) or {}).get("metafield")
