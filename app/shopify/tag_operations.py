"""Customer tag mutations: add and remove only, never a whole-list overwrite (DESIGN 6).

`tagsAdd`/`tagsRemove` change only the tags named, so other apps' tags survive. Several of
them can share one request through aliases (`tag_changes_document`): Shopify charges 10 points
per mutation field either way, so batching saves round trips without raising cost per change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.shopify.client import AdminClient

TAGS_ADD = """
mutation OrbitTagsAdd($id: ID!, $tags: [String!]!) {
  tagsAdd(id: $id, tags: $tags) {
    userErrors { field message }
  }
}
"""

TAGS_REMOVE = """
mutation OrbitTagsRemove($id: ID!, $tags: [String!]!) {
  tagsRemove(id: $id, tags: $tags) {
    userErrors { field message }
  }
}
"""

CUSTOMER_TAGS = """
query OrbitCustomerTags($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Customer { id tags }
  }
}
"""

# One aliased field of the batched document; `{i}` numbers the alias and its variables.
# Only userErrors are selected: a missing customer shows there, and the payload's `node` (an
# interface) would make the devstore price every Node type for each alias.
_ALIASED_FIELD = "  c{i}: {mutation}(id: $id{i}, tags: $tags{i}) {{ userErrors {{ field message }} }}"
MUTATION_COST = 10  # Shopify's price of one mutation field


def customer_gid(customer_id: int) -> str:
    return f"gid://shopify/Customer/{customer_id}"


def tag_changes_document(changes: Sequence[tuple[str, int, Sequence[str]]]) -> tuple[str, dict[str, Any]]:
    """One named mutation carrying `(mutation, customer id, tags)` changes as aliases c0, c1, ...

    `mutation` is "tagsAdd" or "tagsRemove"; the answer's `c{i}` is the payload of change i.
    """
    declarations, fields, variables = [], [], {}
    for i, (mutation, customer_id, tags) in enumerate(changes):
        if mutation not in ("tagsAdd", "tagsRemove"):
            raise ValueError(f"not a tag mutation: {mutation}")
        declarations.append(f"$id{i}: ID!, $tags{i}: [String!]!")
        fields.append(_ALIASED_FIELD.format(i=i, mutation=mutation))
        variables[f"id{i}"] = customer_gid(customer_id)
        variables[f"tags{i}"] = list(tags)
    document = f"mutation OrbitTagChanges({', '.join(declarations)}) {{\n" + "\n".join(fields) + "\n}"
    return document, variables


def send_tag_changes(
    client: AdminClient, changes: Sequence[tuple[str, int, Sequence[str]]]
) -> list[dict[str, Any]]:
    """Send a batch in one request; returns each change's payload ({userErrors}) in order."""
    document, variables = tag_changes_document(changes)
    data = client.execute(
        document, variables, operation_name="OrbitTagChanges", cost=MUTATION_COST * len(changes)
    )
    return [data.get(f"c{i}") or {} for i in range(len(changes))]


def customer_tags(client: AdminClient, customer_ids: Sequence[int]) -> dict[int, list[str] | None]:
    """Current tags per customer (None for a customer Shopify no longer has); up to 250 ids."""
    data = client.execute(
        CUSTOMER_TAGS, {"ids": [customer_gid(c) for c in customer_ids]}, operation_name="OrbitCustomerTags"
    )
    found: dict[int, list[str] | None] = {c: None for c in customer_ids}
    for node in data.get("nodes") or []:
        if node and node.get("id"):
            found[int(node["id"].rsplit("/", 1)[1])] = list(node.get("tags") or [])
    return found
