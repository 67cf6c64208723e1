"""The push job on a real Redis: requests coalesce into one queued job per shop, and the
customers asked for accumulate until the job takes them."""

from __future__ import annotations

from app.queues import queue
from jobs.push import push_job_id, request_push, take_requested


def test_push_requests_coalesce_into_one_job_that_takes_every_customer(app):
    with app.app_context():
        assert request_push(41, [3, 1]) is True
        assert request_push(41, [2, 3]) is False  # already queued: the customers join it
        assert request_push(42, [9]) is True  # another shop has its own job
        push_queue = queue("push")
        assert sorted(push_queue.job_ids) == sorted([push_job_id(41), push_job_id(42)])
        assert take_requested(41) == [1, 2, 3]
        # Taken: a request arriving while the job runs queues the next push.
        assert take_requested(41) == []
        assert request_push(41, [5]) is True


def test_a_full_push_request_wins_over_customer_lists(app):
    with app.app_context():
        request_push(43, [1])
        request_push(43)
        assert take_requested(43) is None
        assert take_requested(43) == []


def test_an_empty_customer_list_queues_nothing(app):
    with app.app_context():
        assert request_push(44, []) is False
        assert queue("push").count == 0


def test_a_worker_pushes_the_segments_a_merchant_chose_and_mirrors_them_as_shopify_segments(
    app, client, devstore
):
    from datetime import UTC, datetime

    from rq import SimpleWorker
    from rq.serializers import JSONSerializer
    from sqlalchemy import select

    from app import db
    from app.models import JobRun, Segment, SegmentMembership, Shop
    from app.redis_conn import redis
    from tests.integration.push.conftest import install_shop

    shop = install_shop(app, client, devstore, customers=6)
    ids = shop.customer_ids
    now = datetime.now(UTC)
    with app.app_context(), db.transaction() as session:
        session.get(Shop, shop.shop_id).settings = {"shopify_segments": True}
        vip = Segment(
            shop_id=shop.shop_id, name="VIP", definition="amount_spent > 500", tag="vip", push_tag=True
        )
        quiet = Segment(shop_id=shop.shop_id, name="Quiet", definition="number_of_orders = 0", tag="quiet")
        session.add_all([vip, quiet])
        session.flush()
        session.add_all(
            [
                SegmentMembership(
                    segment_id=vip.id, customer_shopify_id=c, shop_id=shop.shop_id, joined_at=now
                )
                for c in ids[:3]
            ]
            + [
                SegmentMembership(
                    segment_id=quiet.id, customer_shopify_id=c, shop_id=shop.shop_id, joined_at=now
                )
                for c in ids
            ]
        )
        vip_id = vip.id

    def work() -> None:
        SimpleWorker([queue("push")], connection=redis(), serializer=JSONSerializer).work(burst=True)

    with app.app_context():
        request_push(shop.shop_id)
        work()
    assert [c for c in ids if "orbit:vip" in shop.tags(c)] == ids[:3]
    assert not any("orbit:quiet" in shop.tags(c) for c in ids)  # not chosen for pushing
    assert {s["name"]: s["query"] for s in shop.dev._segments.values()} == {
        "Orbit: VIP": "customer_tags CONTAINS 'orbit:vip'"
    }

    with app.app_context():
        with db.transaction() as session:
            session.execute(
                SegmentMembership.__table__.delete().where(
                    SegmentMembership.segment_id == vip_id, SegmentMembership.customer_shopify_id == ids[0]
                )
            )
        request_push(shop.shop_id, [ids[0]])
        work()
        with db.transaction() as session:
            runs = session.scalars(
                select(JobRun).where(JobRun.shop_id == shop.shop_id).order_by(JobRun.id)
            ).all()
            statuses = [(run.kind, run.status, run.checkpoint.get("tag_changes")) for run in runs]
    assert "orbit:vip" not in shop.tags(ids[0]) and "orbit:vip" in shop.tags(ids[1])
    assert statuses == [("push", "succeeded", 3), ("push", "succeeded", 1)]
