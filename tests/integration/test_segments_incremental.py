"""Incremental equals full: after random order, refund and cancellation events, recomputing only
the touched customers gives the same facts and memberships as a full recompute with the same
fitted parameters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from app import db
from app.models import CustomerFacts, Order, OrderLine, Refund, SegmentMembership, Shop
from app.segments.recompute import full_recompute, incremental_recompute
from devstore.seeding import make_demo_shop
from tests.integration.analytics_rows import add_order, add_shop, load_devstore_shop

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
STORE = make_demo_shop("incremental.myshopify.com", customers=40, seed=5, now=NOW)
CUSTOMER_IDS = sorted(STORE.customers)

events = st.lists(
    st.tuples(
        st.sampled_from(["order", "refund", "cancel"]),
        st.sampled_from(CUSTOMER_IDS),
        st.integers(1, 400),  # days ago / amount in dollars
    ),
    min_size=1,
    max_size=8,
)


def snapshot(session, shop_id: int):
    facts = session.scalars(select(CustomerFacts).where(CustomerFacts.shop_id == shop_id)).all()
    columns = [c.key for c in CustomerFacts.__table__.columns if c.key != "computed_at"]
    rows = {f.customer_shopify_id: tuple(getattr(f, c) for c in columns) for f in facts}
    members = set(
        session.execute(
            select(SegmentMembership.segment_id, SegmentMembership.customer_shopify_id).where(
                SegmentMembership.shop_id == shop_id
            )
        ).all()
    )
    return rows, {tuple(m) for m in members}


def apply_event(session, shop_id: int, kind: str, customer_id: int, number: int, serial: int) -> None:
    if kind == "order":
        at = (NOW - timedelta(days=number)).isoformat()
        add_order(session, shop_id, {
            "id": 9_000_000 + serial, "customer": {"id": customer_id}, "financial_status": "paid",
            "subtotal_price": f"{number}.00", "total_discounts": "0.00", "total_price": f"{number}.50",
            "source_name": "web", "processed_at": at, "created_at": at, "line_items": [],
        })  # fmt: skip
        return
    order = session.scalars(
        select(Order).where(Order.shop_id == shop_id, Order.customer_shopify_id == customer_id).limit(1)
    ).first()
    if order is None:
        return
    if kind == "refund":
        session.add(Refund(shop_id=shop_id, shopify_id=8_000_000 + serial, order_shopify_id=order.shopify_id,
                           amount=min(Decimal(number), order.total_price), processed_at=NOW))  # fmt: skip
    else:
        session.execute(
            update(Order).where(Order.id == order.id).values(cancelled_at=NOW - timedelta(days=1))
        )


@given(events)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_incremental_recompute_equals_a_full_recompute_with_the_same_parameters(app, sequence):
    with app.app_context():
        with db.transaction() as session:
            # The previous example's shop: its orders and lines have no foreign key to cascade
            # from the shop row (migration 0012), so they go first.
            stale = select(Shop.id).where(Shop.domain == "incremental.myshopify.com").scalar_subquery()
            for model in (OrderLine, Order):
                session.execute(delete(model).where(model.shop_id == stale))
            session.execute(delete(Shop).where(Shop.domain == "incremental.myshopify.com"))
            shop = add_shop(session, "incremental.myshopify.com")
            load_devstore_shop(session, shop.id, STORE)
            full_recompute(session, shop.id, NOW)
            shop_id = shop.id
        touched = set()
        with db.transaction() as session:
            for serial, (kind, customer_id, number) in enumerate(sequence):
                apply_event(session, shop_id, kind, customer_id, number, serial)
                touched.add(customer_id)
        # The same moment throughout: time-relative facts (cycles since the last order) and
        # segments (-30d) move with the clock for everyone, which the nightly full run refreshes.
        later = NOW
        with db.transaction() as session:
            incremental_recompute(session, shop_id, sorted(touched), later)
            incremental = snapshot(session, shop_id)
        with db.transaction() as session:
            full_recompute(session, shop_id, later, refit=False)
            full = snapshot(session, shop_id)
        assert incremental[0] == full[0]
        assert incremental[1] == full[1]
