"""Migration 0012: orders and order_lines lose their foreign keys, and no row is lost on the way
(SQLite rebuilds both tables; a cascading key still in place would delete every line)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, inspect, select

from app import db
from app.models import Order, OrderLine, Shop
from tests.integration.migration_steps import load_migration, run


def foreign_keys(session) -> set[tuple[str, str]]:
    inspector = inspect(session.connection())
    return {
        (table, key["referred_table"])
        for table in ("orders", "order_lines")
        for key in inspector.get_foreign_keys(table)
    }


def test_the_migration_drops_the_keys_and_keeps_every_row_both_ways(app):
    migration = load_migration("0012_order_tables_without_foreign_keys.py")
    with app.app_context(), db.transaction() as session:
        shop = Shop(domain="fk-migration.myshopify.com", settings={})
        session.add(shop)
        session.flush()
        money = {
            name: Decimal("10") for name in ("subtotal_price", "total_discounts", "total_tax", "total_price")
        }
        order = Order(shop_id=shop.id, shopify_id=501, **money)
        session.add(order)
        session.flush()
        session.add(
            OrderLine(
                shop_id=shop.id,
                order_id=order.id,
                shopify_id=1,
                quantity=1,
                price=Decimal("10"),
                total_discount=Decimal("0"),
            )
        )
        session.flush()
        assert foreign_keys(session) == set()  # the app fixture migrated to the heads

        run(session, migration.downgrade)
        assert foreign_keys(session) == {
            ("orders", "shops"),
            ("order_lines", "shops"),
            ("order_lines", "orders"),
        }
        assert session.scalar(select(func.count()).select_from(OrderLine)) == 1

        run(session, migration.upgrade)
        assert foreign_keys(session) == set()
        assert session.scalar(select(func.count()).select_from(OrderLine)) == 1
        assert session.scalar(select(func.count()).select_from(Order)) == 1
