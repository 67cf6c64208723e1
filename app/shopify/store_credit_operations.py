"""Store credit: credit an advocate's account, find a credit again, take it back.

Shopify has no idempotency key on `storeCreditAccountCredit`, so the reward job records when it
attempted a credit (committed before the call) and, on a retry, looks for a credit transaction
of the same amount created since then in the customer's accounts before crediting again.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from app.shopify.client import AdminClient, UserErrors

STORE_CREDIT_ACCOUNT_CREDIT = """
mutation OrbitStoreCreditAccountCredit($id: ID!, $creditInput: StoreCreditAccountCreditInput!) {
  storeCreditAccountCredit(id: $id, creditInput: $creditInput) {
    storeCreditAccountTransaction { id createdAt amount { amount currencyCode } account { id } }
    userErrors { field message code }
  }
}
"""

STORE_CREDIT_ACCOUNT_DEBIT = """
mutation OrbitStoreCreditAccountDebit($id: ID!, $debitInput: StoreCreditAccountDebitInput!) {
  storeCreditAccountDebit(id: $id, debitInput: $debitInput) {
    storeCreditAccountTransaction { id amount { amount currencyCode } }
    userErrors { field message code }
  }
}
"""

CUSTOMER_STORE_CREDIT_TRANSACTIONS = """
query OrbitCustomerStoreCreditTransactions($id: ID!) {
  customer(id: $id) {
    id
    storeCreditAccounts(first: 3) {
      nodes {
        id
        balance { amount currencyCode }
        transactions(first: 50, reverse: true) {
          nodes {
            __typename
            ... on StoreCreditAccountCreditTransaction { id createdAt amount { amount currencyCode } }
          }
        }
      }
    }
  }
}
"""


def credit(client: AdminClient, owner_gid: str, amount: Decimal, currency: str) -> dict[str, Any]:
    """Credit the owner's account in `currency` (Shopify opens it on first credit); the transaction."""
    data = client.execute(
        STORE_CREDIT_ACCOUNT_CREDIT,
        {"id": owner_gid, "creditInput": {"creditAmount": {"amount": str(amount), "currencyCode": currency}}},
        operation_name="OrbitStoreCreditAccountCredit",
    )
    payload = data.get("storeCreditAccountCredit") or {}
    if payload.get("userErrors"):
        raise UserErrors("storeCreditAccountCredit", payload["userErrors"])
    return payload["storeCreditAccountTransaction"]


def debit(client: AdminClient, account_gid: str, amount: Decimal, currency: str) -> dict[str, Any]:
    data = client.execute(
        STORE_CREDIT_ACCOUNT_DEBIT,
        {"id": account_gid, "debitInput": {"debitAmount": {"amount": str(amount), "currencyCode": currency}}},
        operation_name="OrbitStoreCreditAccountDebit",
    )
    payload = data.get("storeCreditAccountDebit") or {}
    if payload.get("userErrors"):
        raise UserErrors("storeCreditAccountDebit", payload["userErrors"])
    return payload["storeCreditAccountTransaction"]


def credits_since(
    client: AdminClient, owner_gid: str, amount: Decimal, since: datetime
) -> list[dict[str, Any]]:
    """Credit transactions of exactly `amount` created at or after `since` (newest first)."""
    data = client.execute(
        CUSTOMER_STORE_CREDIT_TRANSACTIONS,
        {"id": owner_gid},
        operation_name="OrbitCustomerStoreCreditTransactions",
    )
    accounts = ((data.get("customer") or {}).get("storeCreditAccounts") or {}).get("nodes") or []
    found = []
    for account in accounts:
        for transaction in (account.get("transactions") or {}).get("nodes") or []:
            if transaction.get("__typename") != "StoreCreditAccountCreditTransaction":
                continue
            created = datetime.fromisoformat(transaction["createdAt"].replace("Z", "+00:00"))
            if Decimal(transaction["amount"]["amount"]) == amount and created >= since:
                found.append({**transaction, "account": {"id": account["id"]}})
    return found
