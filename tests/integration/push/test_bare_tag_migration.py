"""Migration 0008: stored segment tags lose the hard-coded `orbit:` and the push adds the shop's
prefix instead; downgrading puts it back."""

from __future__ import annotations

from sqlalchemy import select

from app import db
from app.models import Segment
from tests.integration.migration_steps import load_migration, run


def stored_tags(session, shop_id: int) -> list[str]:
    return sorted(session.scalars(select(Segment.tag).where(Segment.shop_id == shop_id)))


def test_the_migration_strips_the_old_prefix_and_the_downgrade_restores_it(app, push_shop):
    migration = load_migration("0008_bare_segment_tags.py")
    with app.app_context(), db.transaction() as session:
        shop_id, rule = push_shop.shop_id, "number_of_orders >= 1"
        for tag in ("orbit:vip", "orbit:rfm-champions", "big-spenders"):
            session.add(Segment(shop_id=shop_id, name=tag, definition=rule, tag=tag))
        session.flush()
        run(session, migration.upgrade)
        assert stored_tags(session, push_shop.shop_id) == ["big-spenders", "rfm-champions", "vip"]
        run(session, migration.downgrade)
        assert stored_tags(session, push_shop.shop_id) == [
            "orbit:big-spenders",
            "orbit:rfm-champions",
            "orbit:vip",
        ]
