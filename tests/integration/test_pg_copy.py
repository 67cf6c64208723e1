"""COPY text (webhooks/pg_copy.py) round-trips every kind of value the mirror stores, on
PostgreSQL: what write_rows COPYs into a new row reads back equal, escapes and NULLs included,
and a row already stored takes the guarded path with the same values."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import db
from app.models import Customer, Order, Shop, utcnow
from webhooks import pg_copy

AWKWARD = ["tab\there", "new\nline", "back\\slash \\N", "carriage\rreturn", "ünïcødé ✓", "", "\\", "\x0b"]


@pytest.fixture
def postgresql(app):
    with app.app_context():
        if db.engine().dialect.name != "postgresql":
            pytest.skip("COPY is PostgreSQL's")
    return app


def test_copy_field_spells_values_as_postgresql_reads_them():
    assert pg_copy.copy_field(None) == "\\N"
    assert pg_copy.copy_field(True) == "t"
    assert pg_copy.copy_field("a\tb\\c") == "a\\tb\\\\c"
    assert pg_copy.copy_field(Decimal("12.5000")) == "12.5000"
    assert pg_copy.copy_line(["x", None, 3, False, "\n"]) == "x\t\\N\t3\tf\t\\n"
    with pytest.raises(TypeError):
        pg_copy.copy_field(object())


def test_new_and_stored_rows_read_back_as_written(postgresql):
    app = postgresql
    stamp = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
    rows = [
        {
            "shopify_id": 500 + index,
            "shopify_updated_at": stamp,
            "first_name": text,
            "note": text + "|" + text,
            "verified_email": index % 2 == 0,
            "latitude": 45.123456789 + index,
            "longitude": None,
            "tags": [text, "plain"],
        }
        for index, text in enumerate(AWKWARD)
    ]
    with app.app_context(), db.transaction() as session:
        shop = Shop(domain="copy-text.myshopify.com", settings={})
        session.add(shop)
        session.flush()
        shop_id = shop.id
        written, fresh = pg_copy.write_rows(session, Customer, shop_id, rows, utcnow())
        assert set(written) == fresh == {row["shopify_id"] for row in rows}
        # Stored now: the same rows again take the staged guarded upsert, none is copied.
        again, fresh_again = pg_copy.write_rows(session, Customer, shop_id, rows, utcnow())
        assert again == written and fresh_again == set()
    with app.app_context():
        session = db.request_session()
        stored = {
            c.shopify_id: c for c in session.scalars(select(Customer).where(Customer.shop_id == shop_id))
        }
        for row in rows:
            customer = stored[row["shopify_id"]]
            assert customer.id == written[row["shopify_id"]]
            for name, value in row.items():
                assert getattr(customer, name) == value, name


def test_copy_new_rows_gives_way_to_a_row_stored_meanwhile(postgresql):
    app = postgresql
    money = {
        name: Decimal("1.00") for name in ("subtotal_price", "total_discounts", "total_tax", "total_price")
    }
    with app.app_context(), db.transaction() as session:
        shop = Shop(domain="copy-race.myshopify.com", settings={})
        session.add(shop)
        session.flush()
        lists = {"discount_codes": [], "note_attributes": [], "tags": [], "test": False}
        rows = [{"shopify_id": 700 + n, "name": f"#{n}", **money, **lists} for n in range(3)]
        # A drain stored #1 after the backfill looked (stored=set() says none was there).
        session.add(Order(shop_id=shop.id, shopify_id=701, name="#drain", **money))
        session.flush()
        written, fresh = pg_copy.write_rows(session, Order, shop.id, rows, utcnow(), stored=set())
        assert set(written) == {700, 701, 702} and fresh == set()  # all through the guarded path
        names = dict(
            session.execute(select(Order.shopify_id, Order.name).where(Order.shop_id == shop.id)).all()
        )
        assert names == {700: "#0", 701: "#1", 702: "#2"}
