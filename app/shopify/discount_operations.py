"""Discount codes: the advocates' referral codes and the single-use reward codes.

Every code Orbit creates has a deterministic code string, so `codeDiscountNodeByCode` finds it
again after a crash between Shopify's answer and our commit: look up before create.
"""

from __future__ import annotations

from typing import Any

from app.shopify.client import AdminClient, UserErrors

DISCOUNT_CODE_BASIC_CREATE = """
mutation OrbitDiscountCodeBasicCreate($input: DiscountCodeBasicInput!) {
  discountCodeBasicCreate(basicCodeDiscount: $input) {
    codeDiscountNode { id }
    userErrors { field message code }
  }
}
"""

CODE_DISCOUNT_NODE_BY_CODE = """
query OrbitCodeDiscountNodeByCode($code: String!) {
  codeDiscountNodeByCode(code: $code) {
    id
    codeDiscount {
      ... on DiscountCodeBasic { title status usageLimit asyncUsageCount }
    }
  }
}
"""

DISCOUNT_CODE_DEACTIVATE = """
mutation OrbitDiscountCodeDeactivate($id: ID!) {
  discountCodeDeactivate(id: $id) {
    codeDiscountNode { id }
    userErrors { field message code }
  }
}
"""


def find_code(client: AdminClient, code: str) -> dict[str, Any] | None:
    """The discount node with this code ({id, codeDiscount{status, asyncUsageCount, ...}}), or None."""
    data = client.execute(
        CODE_DISCOUNT_NODE_BY_CODE, {"code": code}, operation_name="OrbitCodeDiscountNodeByCode"
    )
    return data.get("codeDiscountNodeByCode")


def create_code(client: AdminClient, discount: dict[str, Any]) -> str:
    """Create a basic code discount (a DiscountCodeBasicInput dict); its DiscountCodeNode gid."""
    data = client.execute(
        DISCOUNT_CODE_BASIC_CREATE, {"input": discount}, operation_name="OrbitDiscountCodeBasicCreate"
    )
    payload = data.get("discountCodeBasicCreate") or {}
    if payload.get("userErrors"):
        raise UserErrors("discountCodeBasicCreate", payload["userErrors"])
    return payload["codeDiscountNode"]["id"]


def ensure_code(client: AdminClient, discount: dict[str, Any]) -> str:
    """Look up before create: the gid of the code `discount["code"]`, created only if missing."""
    found = find_code(client, discount["code"])
    if found is not None:
        return found["id"]
    return create_code(client, discount)


def deactivate_code(client: AdminClient, node_gid: str) -> None:
    data = client.execute(
        DISCOUNT_CODE_DEACTIVATE, {"id": node_gid}, operation_name="OrbitDiscountCodeDeactivate"
    )
    payload = data.get("discountCodeDeactivate") or {}
    if payload.get("userErrors"):
        raise UserErrors("discountCodeDeactivate", payload["userErrors"])
