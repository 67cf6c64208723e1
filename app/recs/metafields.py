"""Writing recommendations to Shopify metafields, only what changed since the last push.

Products: Shopify's standard complementary-products metafield, which themes already read for
"Pair it with" sections (`shopify--discovery--product_recommendation.complementary_products`,
`list.product_reference`; the standard definition Search & Discovery uses). Customers: an
app-owned metafield in Orbit's reserved namespace (`$app`, the API's default when no namespace
is given), key `recommendations`, same type, with a definition created on install so merchants
see it in the admin and themes and emails can read it (storefront PUBLIC_READ). The shop's
`app_metafield_definitions` row remembers it, so a push creates it only when that is missing.

`metafieldsSet` takes 25 inputs per call and is atomic, so a batch is recorded in
`recommendation_pushes` only after Shopify accepted it: a crash between the two re-sends the
batch on the next push, which is harmless (same values), and nothing is lost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import AppMetafieldDefinition, RecommendationPush, utcnow
from app.models.recommendations import CUSTOMER, PRODUCT
from app.shopify.client import AdminClient
from app.shopify.metafield_operations import (
    METAFIELDS_SET_LIMIT,
    MetafieldsSetError,
    create_definition,
    set_metafields,
)

log = logging.getLogger(__name__)

PRODUCT_NAMESPACE = "shopify--discovery--product_recommendation"
PRODUCT_KEY = "complementary_products"
CUSTOMER_KEY = "recommendations"
LIST_TYPE = "list.product_reference"
MAX_REFERENCES = 10  # what themes show; keeps each value small

CUSTOMER_DEFINITION = {
    "key": CUSTOMER_KEY,
    "name": "Orbit recommendations",
    "description": "Products Orbit recommends to this customer: buy-again first, then new-to-you.",
    "ownerType": "CUSTOMER",
    "type": LIST_TYPE,
    "access": {"storefront": "PUBLIC_READ"},
}


def product_gid(product_id: int) -> str:
    return f"gid://shopify/Product/{product_id}"


def owner_gid(owner_type: str, owner_id: int) -> str:
    return f"gid://shopify/{'Product' if owner_type == PRODUCT else 'Customer'}/{owner_id}"


def metafield_value(product_ids: Iterable[int]) -> str:
    return json.dumps([product_gid(p) for p in list(product_ids)[:MAX_REFERENCES]])


def metafield_input(owner_type: str, owner_id: int, value: str) -> dict[str, str]:
    entry = {"ownerId": owner_gid(owner_type, owner_id), "key": CUSTOMER_KEY, "type": LIST_TYPE}
    entry["value"] = value
    if owner_type == PRODUCT:
        entry.update(namespace=PRODUCT_NAMESPACE, key=PRODUCT_KEY)
    return entry


@dataclass
class PushResult:
    sent: int = 0
    unchanged: int = 0
    calls: int = 0
    refused: int = 0


def changed_values(
    session: Session, shop_id: int, owner_type: str, wanted: dict[int, str]
) -> tuple[dict[int, str], int]:
    """The owners whose wanted value differs from what was last pushed, and how many did not."""
    pushed = dict(
        session.execute(
            select(RecommendationPush.owner_shopify_id, RecommendationPush.value).where(
                RecommendationPush.shop_id == shop_id, RecommendationPush.owner_type == owner_type
            )
        ).all()
    )
    changed = {owner: value for owner, value in wanted.items() if pushed.get(owner) != value}
    return changed, len(wanted) - len(changed)


def record_pushed(session: Session, shop_id: int, owner_type: str, values: dict[int, str]) -> None:
    existing = {
        row.owner_shopify_id: row
        for row in session.scalars(
            select(RecommendationPush).where(
                RecommendationPush.shop_id == shop_id,
                RecommendationPush.owner_type == owner_type,
                RecommendationPush.owner_shopify_id.in_(sorted(values)),
            )
        )
    }
    now = utcnow()
    for owner, value in values.items():
        row = existing.get(owner)
        if row is None:
            session.add(
                RecommendationPush(
                    shop_id=shop_id, owner_type=owner_type, owner_shopify_id=owner, value=value, pushed_at=now
                )
            )
        else:
            row.value, row.pushed_at = value, now


def push_values(
    session: Session,
    client: AdminClient,
    shop_id: int,
    owner_type: str,
    wanted: dict[int, str],
    batch_done: Callable[[], None],
) -> PushResult:
    """metafieldsSet in batches of 25, each recorded once Shopify has accepted it; `batch_done`
    (the job's commit) runs after each, so a crash loses at most the batch in flight."""
    changed, unchanged = changed_values(session, shop_id, owner_type, wanted)
    result = PushResult(unchanged=unchanged)
    owners = sorted(changed)
    for start in range(0, len(owners), METAFIELDS_SET_LIMIT):
        batch = {owner: changed[owner] for owner in owners[start : start + METAFIELDS_SET_LIMIT]}
        batch = _send(client, owner_type, batch, result)
        record_pushed(session, shop_id, owner_type, batch)
        batch_done()
        result.sent += len(batch)
        result.calls += 1
    return result


def _send(client: AdminClient, owner_type: str, batch: dict[int, str], result: PushResult) -> dict[int, str]:
    """Send one batch; when Shopify refuses some inputs (the call is atomic, so nothing was
    written), drop those (e.g. a product deleted since the build) and send the rest once more.
    Returns what was written; the refused owners are counted and retried on the next push."""
    try:
        set_metafields(client, [metafield_input(owner_type, o, v) for o, v in batch.items()])
        return batch
    except MetafieldsSetError as refused:
        owners = list(batch)
        bad = {e.get("elementIndex") for e in refused.errors}
        if None in bad or not bad:
            raise
        log.warning("metafieldsSet refused %s %s: %s", owner_type, [owners[i] for i in bad], refused.errors)
        result.refused += len(bad)
        result.calls += 1
        rest = {o: v for i, (o, v) in enumerate(batch.items()) if i not in bad}
        if rest:
            set_metafields(client, [metafield_input(owner_type, o, v) for o, v in rest.items()])
        return rest


def has_customer_definition(session: Session, shop_id: int) -> bool:
    statement = select(AppMetafieldDefinition.id).where(
        AppMetafieldDefinition.shop_id == shop_id,
        AppMetafieldDefinition.owner_type == CUSTOMER_DEFINITION["ownerType"],
        AppMetafieldDefinition.key == CUSTOMER_KEY,
    )
    return session.scalar(statement) is not None


def create_customer_definition(session: Session, client: AdminClient, shop_id: int) -> None:
    """Create the app-owned customer metafield definition and remember it (install time). One
    that already exists (Shopify's TAKEN) counts as created."""
    created = create_definition(client, CUSTOMER_DEFINITION)
    insert = (pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(
        AppMetafieldDefinition
    )
    # Two jobs may race here (install and a first push): the second one's row is a no-op.
    session.execute(
        insert.values(
            shop_id=shop_id,
            owner_type=CUSTOMER_DEFINITION["ownerType"],
            key=CUSTOMER_KEY,
            shopify_gid=(created or {}).get("id"),
            created_at=utcnow(),
        ).on_conflict_do_nothing(index_elements=["shop_id", "owner_type", "key"])
    )


def ensure_customer_definition(session: Session, client: AdminClient, shop_id: int) -> bool:
    """Before a push: create the definition only when this shop has no record of it (the
    install normally did); True when Shopify was asked."""
    if has_customer_definition(session, shop_id):
        return False
    create_customer_definition(session, client, shop_id)
    return True


def forget_definitions(session: Session, shop_id: int) -> None:
    """A new installation: whether Shopify kept what an earlier installation created is not
    assumed, so the install creates it again (an existing one answers TAKEN, which is fine)."""
    session.execute(delete(AppMetafieldDefinition).where(AppMetafieldDefinition.shop_id == shop_id))


__all__ = [
    "CUSTOMER",
    "PRODUCT",
    "PushResult",
    "create_customer_definition",
    "ensure_customer_definition",
    "forget_definitions",
    "push_values",
]
