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
