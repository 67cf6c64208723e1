"""A push process killed with SIGKILL between sending a batch and recording it: the next push
resumes without duplicate or lost tag changes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from sqlalchemy import select

from app import db
from app.models import TagSync
from app.push.sync import push_tags
from app.shopify.client import AdminClient
from tests.integration.push.conftest import install_shop

CONFIG_KEYS = (
    "DATABASE_URL",
    "REDIS_URL",
    "SHOPIFY_API_KEY",
    "SHOPIFY_API_SECRET",
    "SHOPIFY_APP_URL",
    "SHOPIFY_DEVSTORE_URL",
    "ORBIT_ENCRYPTION_KEY",
    "ORBIT_INSTANCE_PATH",
)


def test_a_push_killed_mid_way_resumes_without_duplicate_or_lost_changes(app, client, devstore):
    shop = install_shop(app, client, devstore, customers=60)  # 120 fields: several batches
    desired = {c: {"vip", f"group-{i % 4}"} for i, c in enumerate(shop.customer_ids)}
    job = {
        "config": {key: app.config[key] for key in CONFIG_KEYS} | {"RUN_MIGRATIONS_ON_START": False},
        "shop_id": shop.shop_id,
        "desired": {str(c): sorted(tags) for c, tags in desired.items()},
        "pause": 30,
        "pause_from": 2,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.push.crash_worker", json.dumps(job)],
        stdout=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")},
    )
    try:
        for line in worker.stdout:
            if line.strip() == "sent 2":  # the second batch is in Shopify's hands, not recorded
                break
        else:
            raise AssertionError("the worker ended before its second batch")
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)
        worker.stdout.close()
    assert worker.returncode == -signal.SIGKILL

    with app.app_context(), db.transaction() as session:
        rows = session.scalars(select(TagSync).where(TagSync.shop_id == shop.shop_id)).all()
        in_flight = [row for row in rows if row.in_flight]
        recorded = sum(len(row.pushed) for row in rows)
    assert in_flight and recorded > 0  # one batch recorded, one in doubt
    landed = sum(len([t for t in shop.tags(c) if t.startswith("orbit:")]) for c in shop.customer_ids)
    assert landed > recorded  # the killed batch had reached Shopify

    with app.app_context():
        api = AdminClient(None, shop.domain)
        report = push_tags(shop.shop_id, desired, client=api, bulk_threshold=10**9)
    assert report.resolved_in_doubt == len(in_flight)
    assert report.tag_changes == 2 * len(desired) - landed  # nothing sent twice
    for customer, tags in desired.items():
        orbit = [t for t in shop.tags(customer) if t.startswith("orbit:")]
        assert sorted(orbit) == sorted(f"orbit:{t}" for t in tags)  # nothing lost, nothing doubled
