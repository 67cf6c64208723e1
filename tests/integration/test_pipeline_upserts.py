"""The upsert rules on a real database: staleness, ordering, duplicates, deletes vs late updates,
partial customer facts, and dirty marks (webhooks/upserts.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from app.models import Customer, Order, OrderLine, Product, Refund, Shop
from webhooks import upserts
from webhooks.dirty import count_dirty, mark_dirty, take_dirty
from webhooks.records import (
    CustomerRecord,
    MarketingConsent,
    OrderLineRecord,
    OrderRecord,
    ProductRecord,
    RefundRecord,
)

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def session(app):
    with app.app_context():
        with db.transaction() as session:
            session.add(Shop(domain="upserts.myshopify.com", installed_at=T0))
        session = db.session_factory()()
        yield session
        session.rollback()
        session.close()


@pytest.fixture
def shop_id(session) -> int:
    return session.scalar(select(Shop.id).where(Shop.domain == "upserts.myshopify.com"))


def customer(updated: int | None, **fields) -> CustomerRecord:
    return CustomerRecord(
        shopify_id=101, created_at=T0, updated_at=None if updated is None else at(updated), **fields
    )


def order(updated: int, *, customer_id: int | None = 101, lines: int = 2, **fields) -> OrderRecord:
    return OrderRecord(
        shopify_id=501,
        created_at=T0,
        updated_at=at(updated),
        processed_at=T0,
        customer_shopify_id=customer_id,
        name="#1001",
        email=None,
        currency="USD",
        financial_status=fields.pop("financial_status", "paid"),
        fulfillment_status=None,
        subtotal_price=Decimal("40.00"),
        total_discounts=Decimal("0.00"),
        total_tax=Decimal("3.80"),
        total_price=Decimal("43.80"),
        current_total_price=Decimal("43.80"),
        lines=tuple(
            OrderLineRecord(900 + n, 7, 8, f"Item {n}", f"SKU-{n}", 1, Decimal("20.00"), Decimal("0"))
            for n in range(lines)
        ),
        **fields,
    )


def stored_customer(session, shop_id) -> Customer:
    session.expire_all()
    return session.scalars(select(Customer).where(Customer.shop_id == shop_id)).one()


# (sequence of updated_at minutes applied in order, expected applied flags, expected final first_name)
ORDERINGS = [
    ([1, 2, 3], [True, True, True], "v3"),
    ([3, 2, 1], [True, False, False], "v3"),
    ([2, 2, 2], [True, True, True], "v2"),  # duplicates rewrite the same values
    ([1, 3, 2], [True, True, False], "v3"),
]


@pytest.mark.parametrize(("sequence", "applied", "final"), ORDERINGS)
def test_an_older_update_never_overwrites_a_newer_one(session, shop_id, sequence, applied, final):
    results = [
        upserts.upsert_customer(session, shop_id, customer(m, first_name=f"v{m}"), source="webhook")
        for m in sequence
    ]
    assert [r.applied for r in results] == applied
    assert all("older" in r.reason for r in results if not r.applied)
    assert stored_customer(session, shop_id).first_name == final


def test_a_delete_is_not_undone_by_a_late_update(session, shop_id):
    upserts.upsert_customer(session, shop_id, customer(1, first_name="Ann"), source="webhook")
    deleted = upserts.delete_customer(session, shop_id, 101, deleted_at=at(2), source="webhook")
    late = upserts.upsert_customer(session, shop_id, customer(5, first_name="Late"), source="webhook")
    again = upserts.delete_customer(session, shop_id, 101, deleted_at=at(6), source="webhook")
    assert deleted.applied and not late.applied and "deleted" in late.reason
    assert not again.applied and again.reason == "already deleted"
    row = stored_customer(session, shop_id)
    assert row.first_name == "Ann" and row.deleted_at == at(2)


def test_a_delete_arriving_first_leaves_a_tombstone_that_refuses_the_create(session, shop_id):
    assert upserts.delete_order(session, shop_id, 501, deleted_at=at(9), source="webhook").applied
    created = upserts.upsert_order(session, shop_id, order(1), source="webhook")
    assert not created.applied and "deleted" in created.reason
    assert session.scalars(select(OrderLine)).all() == []


def test_a_record_without_updated_at_only_fills_a_row_without_one(session, shop_id):
    assert upserts.upsert_customer(session, shop_id, customer(None, first_name="A"), source="webhook").applied
    assert upserts.upsert_customer(session, shop_id, customer(1, first_name="B"), source="webhook").applied
    undated = upserts.upsert_customer(session, shop_id, customer(None, first_name="C"), source="webhook")
    assert not undated.applied and "no updated_at" in undated.reason
    assert stored_customer(session, shop_id).first_name == "B"


def test_groups_a_source_does_not_carry_keep_their_stored_values(session, shop_id):
    full = customer(
        1, tags=("vip", "orbit:repeat"), email_consent=MarketingConsent("subscribed", None, at(1))
    )
    upserts.upsert_customer(session, shop_id, full, source="backfill")
    upserts.upsert_customer(session, shop_id, customer(2, first_name="New"), source="webhook")
    row = stored_customer(session, shop_id)
    assert row.first_name == "New"
    assert row.tags == ["vip", "orbit:repeat"] and row.email_marketing_state == "subscribed"


def test_consent_and_tags_for_a_customer_not_seen_yet_land_on_a_stub_the_create_completes(session, shop_id):
    upserts.update_email_consent(
        session, shop_id, 101, MarketingConsent("subscribed", "single_opt_in", at(3)), source="webhook"
    )
    upserts.add_customer_tags(session, shop_id, 101, ["a", "b"], source="webhook")
    upserts.remove_customer_tags(session, shop_id, 101, ["a"], source="webhook")
    older = upserts.update_email_consent(
        session, shop_id, 101, MarketingConsent("unsubscribed", None, at(1)), source="webhook"
    )
    assert not older.applied
    assert upserts.upsert_customer(session, shop_id, customer(5, first_name="Bo"), source="webhook").applied
    row = stored_customer(session, shop_id)
    assert (row.first_name, row.tags, row.email_marketing_state) == ("Bo", ["b"], "subscribed")


def test_an_applied_order_replaces_its_lines_and_writes_its_refunds_once(session, shop_id):
    refund = RefundRecord(77, 501, at(4), at(4), Decimal("20.00"))
    upserts.upsert_order(session, shop_id, order(1, lines=3), source="webhook")
    for _ in range(2):
        upserts.upsert_order(session, shop_id, order(5, lines=2, refunds=(refund,)), source="webhook")
    upserts.upsert_refund(session, shop_id, refund, source="webhook")
    stale = upserts.upsert_order(session, shop_id, order(3, lines=4), source="webhook")
    assert not stale.applied
    assert len(session.scalars(select(OrderLine)).all()) == 2
    assert [r.amount for r in session.scalars(select(Refund)).all()] == [Decimal("20.0000")]
    assert session.scalars(select(Order.total_price)).one() == Decimal("43.8000")


def test_orders_refunds_and_customers_mark_their_customers_dirty(session, shop_id):
    upserts.upsert_order(session, shop_id, order(1, customer_id=101), source="webhook")
    upserts.upsert_order(session, shop_id, order(2, customer_id=102), source="webhook")  # reassigned
    upserts.upsert_refund(
        session, shop_id, RefundRecord(78, 501, at(3), at(3), Decimal("1")), source="webhook"
    )
    upserts.upsert_product(
        session, shop_id, ProductRecord(3, T0, T0, "P", "p", None, None, "active"), source="webhook"
    )
    assert take_dirty(session, shop_id, 10) == [101, 102]
    assert take_dirty(session, shop_id, 10) == []
    mark_dirty(session, shop_id, [5, 5, None, 6])
    assert count_dirty(session, shop_id) == 2
    assert take_dirty(session, shop_id, 1) in ([5], [6]) and count_dirty(session, shop_id) == 1


def test_a_mark_without_refresh_keeps_a_waiting_customers_place(session, shop_id):
    mark_dirty(session, shop_id, [7])
    mark_dirty(session, shop_id, [8])
    mark_dirty(session, shop_id, [7, 9], refresh=False)  # 7 waits already: keeps its earlier mark
    assert take_dirty(session, shop_id, 1) == [7]
    mark_dirty(session, shop_id, [8], refresh=True)  # refreshed: now behind 9
    assert take_dirty(session, shop_id, 1) == [9]
    mark_dirty(session, shop_id, [7], refresh=False)  # taken before: dirty again
    assert count_dirty(session, shop_id) == 2


def test_a_redacted_customer_is_not_refilled_by_a_late_update(session, shop_id):
    upserts.upsert_customer(session, shop_id, customer(1, email="a@example.com"), source="webhook")
    row = stored_customer(session, shop_id)
    row.email, row.redacted_at = None, at(2)
    session.flush()
    late = upserts.upsert_customer(
        session, shop_id, replace(customer(9), email="a@example.com"), source="webhook"
    )
    assert not late.applied and late.reason == "customer was redacted"
    assert stored_customer(session, shop_id).email is None


def test_products_follow_the_same_rules(session, shop_id):
    def product(updated: int, title: str) -> ProductRecord:
        return ProductRecord(3, T0, at(updated), title, "p", None, None, "active", ("a",))

    assert upserts.upsert_product(session, shop_id, product(2, "new"), source="webhook").applied
    assert not upserts.upsert_product(session, shop_id, product(1, "old"), source="webhook").applied
    assert upserts.delete_product(session, shop_id, 3, deleted_at=at(3), source="webhook").applied
    assert session.scalars(select(Product.title)).one() == "new"
