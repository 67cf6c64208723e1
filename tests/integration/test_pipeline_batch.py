"""webhooks/batch_upserts.py ends where the single-record path ends, and reports the same outcomes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models import Customer, OrderLine, Refund
from tests.integration.test_pipeline_upserts import ORDERINGS, customer, order, session, shop_id  # noqa: F401
from webhooks import batch_upserts, upserts
from webhooks.dirty import take_dirty
from webhooks.records import RefundRecord


@pytest.mark.parametrize(("sequence", "applied", "final"), ORDERINGS)
def test_a_batch_reports_and_stores_what_the_sequence_would(session, shop_id, sequence, applied, final):  # noqa: F811
    records = [customer(m, first_name=f"v{m}") for m in sequence]
    results = batch_upserts.upsert_customers(session, shop_id, records)
    assert [r.applied for r in results] == applied
    session.expire_all()
    assert session.scalars(select(Customer.first_name)).one() == final


def test_a_batch_respects_what_is_stored_and_tombstones(session, shop_id):  # noqa: F811
    upserts.upsert_customer(session, shop_id, customer(5, first_name="stored"), source="webhook")
    other = customer(1, first_name="gone").__class__(shopify_id=202, created_at=None, updated_at=None)
    upserts.delete_customer(session, shop_id, 202, deleted_at=customer(0).created_at, source="webhook")
    results = batch_upserts.upsert_customers(session, shop_id, [customer(4, first_name="old"), other])
    assert [r.applied for r in results] == [False, False]
    assert "older than stored" in results[0].reason and "deleted" in results[1].reason


def test_a_batch_of_orders_replaces_lines_writes_refunds_and_marks_customers(session, shop_id):  # noqa: F811
    refund = RefundRecord(77, 501, None, None, Decimal("20.00"))
    upserts.upsert_order(session, shop_id, order(1, lines=3, customer_id=101), source="webhook")
    take_dirty(session, shop_id, 10)
    results = batch_upserts.upsert_orders(
        session,
        shop_id,
        [order(2, lines=1, customer_id=102), order(3, lines=2, customer_id=102, refunds=(refund,))],
    )
    assert [r.applied for r in results] == [True, True]
    assert session.scalar(select(func.count()).select_from(OrderLine)) == 2
    assert session.scalars(select(Refund.amount)).all() == [Decimal("20.0000")]
    assert take_dirty(session, shop_id, 10) == [101, 102]
    refunds = batch_upserts.upsert_refunds(session, shop_id, [refund, refund])
    assert [r.customer_ids for r in refunds] == [frozenset({102})] * 2
