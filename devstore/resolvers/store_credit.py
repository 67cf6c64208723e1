"""Store credit accounts: `storeCreditAccountCredit`, `storeCreditAccountDebit`,
`Customer.storeCreditAccounts` and `storeCreditAccount`, with their transactions.

As in Shopify, a credit addressed to a customer id opens the customer's account in that currency
on first use; a debit may not take the balance below zero. Accounts are kept per shop in memory
(`shop._store_credit`), transactions newest last.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import GraphQLResolveInfo

from devstore.resolvers.common import Typed, money_v2
from devstore.resolvers.connections import page
from devstore.resolvers.root import require_scope
from devstore.store import parse_gid

Info = GraphQLResolveInfo
_ids = itertools.count(640_000_000)


def accounts(shop: Any) -> dict[int, dict[str, Any]]:
    found = getattr(shop, "_store_credit", None)
    if found is None:
        found = {}
        shop._store_credit = found
    return found


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def error(field: str, message: str, code: str) -> dict[str, Any]:
    return {"field": [field], "message": message, "code": code}


def target_account(info: Info, global_id: str, currency: str | None, create: bool) -> dict[str, Any] | None:
    """The account behind an account id, or a customer's account in `currency` (opened on credit)."""
    try:
        type_name, record_id = parse_gid(global_id)
    except ValueError:
        return None
    shop = info.context.shop
    store = accounts(shop)
    if type_name == "StoreCreditAccount":
        return store.get(record_id)
    if type_name != "Customer" or info.context.lookup("customers", record_id) is None:
        return None
    for account in store.values():
        if account["owner_id"] == record_id and (currency is None or account["currency"] == currency):
            return account
    if not create:
        return None
    account = {
        "id": next(_ids),
        "owner_id": record_id,
        "currency": currency,
        "balance": Decimal("0"),
        "transactions": [],
    }
    store[account["id"]] = account
    return account


def change(info: Info, id: str, money: dict[str, Any], sign: int, kind: str) -> dict[str, Any]:
    require_scope(info, "write_store_credit_account_transactions")
    field = "creditInput" if sign > 0 else "debitInput"
    try:
        amount = Decimal(str(money.get("amount")))
    except (InvalidOperation, ValueError):
        amount = Decimal("0")
    if amount <= 0:
        return {
            "storeCreditAccountTransaction": None,
            "userErrors": [error(field, "Amount must be positive", "NEGATIVE_OR_ZERO_AMOUNT")],
        }
    shop = info.context.shop
    with shop.lock:
        account = target_account(info, id, money.get("currencyCode"), create=sign > 0)
        if account is None:
            return {
                "storeCreditAccountTransaction": None,
                "userErrors": [error("id", "Account not found", "ACCOUNT_NOT_FOUND")],
            }
        if account["currency"] != money.get("currencyCode"):
            return {
                "storeCreditAccountTransaction": None,
                "userErrors": [error(field, "Currency mismatch", "MISMATCHING_CURRENCY")],
            }
        if sign < 0 and account["balance"] < amount:
            return {
                "storeCreditAccountTransaction": None,
                "userErrors": [error(field, "Insufficient funds", "INSUFFICIENT_FUNDS")],
            }
        account["balance"] += sign * amount
        transaction = {
            "id": next(_ids),
            "kind": kind,
            "amount": sign * amount,
            "balance_after": account["balance"],
            "created_at": now_iso(),
            "account_id": account["id"],
        }
        account["transactions"].append(transaction)
    return {"storeCreditAccountTransaction": as_transaction(shop, transaction), "userErrors": []}


def as_account(shop: Any, account: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/StoreCreditAccount/{account['id']}",
        "balance": money_v2(account["balance"], account["currency"]),
        "owner": Typed("Customer", shop.customers.get(account["owner_id"]) or {"id": account["owner_id"]}),
        "_record": account,
    }


def as_transaction(shop: Any, transaction: dict[str, Any]) -> Typed:
    account = accounts(shop)[transaction["account_id"]]
    type_name = (
        "StoreCreditAccountCreditTransaction"
        if transaction["kind"] == "credit"
        else "StoreCreditAccountDebitTransaction"
    )
    return Typed(
        type_name,
        {
            "id": f"gid://shopify/{type_name}/{transaction['id']}",
            "amount": money_v2(transaction["amount"], account["currency"]),
            "balanceAfterTransaction": money_v2(transaction["balance_after"], account["currency"]),
            "createdAt": transaction["created_at"],
            "expiresAt": None,
            "remainingAmount": money_v2(max(transaction["amount"], Decimal("0")), account["currency"]),
            "event": "ADJUSTMENT",
            "origin": None,
            "account": as_account(shop, account),
        },
    )


def account_transactions(account: dict[str, Any], info: Info, **args: Any) -> dict[str, Any]:
    shop = info.context.shop
    record = account["_record"]
    found = [as_transaction(shop, t) for t in record["transactions"]]
    return page(found, lambda t: (t.record["createdAt"], t.record["id"]), args)


def customer_accounts(customer: dict[str, Any], info: Info, **args: Any) -> dict[str, Any]:
    shop = info.context.shop
    mine = [as_account(shop, a) for a in accounts(shop).values() if a["owner_id"] == customer["id"]]
    return page(mine, lambda a: (a["_record"]["id"], a["_record"]["id"]), args)


def store_credit_account(root: Any, info: Info, id: str) -> dict[str, Any] | None:
    require_scope(info, "read_store_credit_accounts")
    account = target_account(info, id, None, create=False)
    return as_account(info.context.shop, account) if account is not None else None


TYPES = {
    "Mutation": {
        "storeCreditAccountCredit": lambda root, info, id, creditInput: change(
            info, id, creditInput.get("creditAmount") or {}, +1, "credit"
        ),
        "storeCreditAccountDebit": lambda root, info, id, debitInput: change(
            info, id, debitInput.get("debitAmount") or {}, -1, "debit"
        ),
    },
    "QueryRoot": {"storeCreditAccount": store_credit_account},
    "Customer": {"storeCreditAccounts": customer_accounts},
    "StoreCreditAccount": {
        "id": lambda a, info: a["id"],
        "balance": lambda a, info: a["balance"],
        "owner": lambda a, info: a["owner"],
        "transactions": account_transactions,
    },
}
