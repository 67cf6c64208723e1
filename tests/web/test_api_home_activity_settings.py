"""Home figures, activity and settings over HTTP."""

from __future__ import annotations

from datetime import timedelta

from app import db
from app.models import JobRun, WebhookDelivery, utcnow
from app.queues import queue
from jobs.push import take_requested
from tests.conftest import OTHER_SHOP
from tests.web.ui_data import install, seed_small_store, shop_id


def test_home_funnel_and_sources_from_the_mirrored_tables(app, client, shopify):
    headers = install(client, shopify)
    seed_small_store(app, shop_id(app))

    home = client.get("/api/home", headers=headers).json

    counts = {stage["key"]: stage["count"] for stage in home["funnel"]}
    # Visits: three real orders and two abandoned checkouts; leads: three customers and zed.
    assert counts == {"visitors": 5, "leads": 4, "first_time": 2, "repeat": 1, "advocates": 0}
    assert [stage["conversion"] for stage in home["funnel"]] == [None, 80.0, 50.0, 50.0, 0.0]
    by_source = {row["source"]: row for row in home["sources"]}
    assert by_source["google ads"]["revenue"] == "130.00"  # 100 + 50 - 20 refunded
    assert by_source["google ads"]["repeat_rate"] == 100.0
    assert by_source["instagram"]["customers"] == 1 and by_source["instagram"]["repeat_rate"] == 0.0
    assert {row["source"]: row["visits"] for row in home["visits_by_source"]} == {
        "google": 2,
        "google ads": 1,
        "direct": 1,
        "instagram": 1,
    }


def test_home_on_a_new_install_shows_the_setup_checklist(client, shopify):
    headers = install(client, shopify, OTHER_SHOP)
    home = client.get("/api/home", headers=headers).json
    assert [item["done"] for item in home["checklist"]] == [False] * 4
    assert home["freshness"] == {
        "last_webhook_at": None,
        "last_reconciliation_at": None,
        "last_reconciliation_status": None,
        "backfill_status": None,
        "backlog": 0,
    }


def test_activity_shows_job_progress_and_webhook_health(app, client, shopify):
    headers = install(client, shopify)
    shop = shop_id(app)
    with app.app_context():
        session = db.request_session()
        session.add(
            JobRun(
                shop_id=shop,
                kind="backfill",
                status="running",
                progress_done=30,
                progress_total=120,
                started_at=utcnow(),
            )
        )
        for n, status in enumerate(["processed", "processed", "failed", "dead", "pending"]):
            session.add(
                WebhookDelivery(
                    shop_id=shop,
                    webhook_id=f"w{n}",
                    topic="orders/create",
                    payload=b"{}",
                    status=status,
                    attempts=3 if status == "dead" else 1,
                    last_error="boom" if status in ("failed", "dead") else None,
                    received_at=utcnow() - timedelta(hours=n * 10),
                )
            )
        session.commit()  # fmt: skip

    activity = client.get("/api/activity", headers=headers).json

    assert [(j["kind"], j["status"], j["percent"]) for j in activity["jobs"]] == [("backfill", "running", 25)]
    assert activity["webhooks"]["all_time"] == {
        "received": 5, "processed": 2, "ignored": 0, "pending": 1, "failed": 1, "dead": 1,
    }  # fmt: skip
    assert activity["webhooks"]["last_24_hours"]["received"] == 3
    assert sorted(d["status"] for d in activity["dead_letters"]) == ["dead", "failed"]
    home = client.get("/api/home", headers=headers).json
    assert home["freshness"]["backlog"] == 2 and home["freshness"]["backfill_status"] == "running"


def test_settings_have_defaults_and_save_what_is_valid(client, shopify):
    headers = install(client, shopify)
    assert client.get("/api/settings", headers=headers).json["settings"] == {
        "tag_prefix": "orbit:",
        "shopify_segments": False,
        "store_locations": [],
        "local_radius_km": 40.0,
    }
    saved = client.put(
        "/api/settings",
        json={
            "tag_prefix": "crm-",
            "local_radius_km": 25,
            "store_locations": [{"name": "Main St", "latitude": "40.7", "longitude": -74.0}],
        },
        headers=headers,
    )
    assert saved.status_code == 200
    settings = client.get("/api/settings", headers=headers).json["settings"]
    assert settings["tag_prefix"] == "crm-" and settings["local_radius_km"] == 25.0
    assert settings["store_locations"] == [{"name": "Main St", "latitude": 40.7, "longitude": -74.0}]


def test_shopify_segments_is_a_setting_and_a_new_prefix_or_that_switch_queues_a_push(app, client, shopify):
    headers = install(client, shopify)
    with app.app_context():
        push_queue = queue("push")
        push_queue.empty()
        saved = client.put("/api/settings", json={"shopify_segments": True}, headers=headers)
        assert saved.status_code == 200 and saved.json["settings"]["shopify_segments"] is True
        assert push_queue.count == 1  # the push that creates the Shopify segments
        assert take_requested(shop_id(app)) == []  # no customers: only the segments
        push_queue.empty()
        client.put("/api/settings", json={"tag_prefix": "crm:"}, headers=headers)
        assert push_queue.count == 1 and take_requested(shop_id(app)) is None  # a full push
        push_queue.empty()
        client.put("/api/settings", json={"tag_prefix": "crm:", "local_radius_km": 30}, headers=headers)
        assert push_queue.count == 0  # nothing Shopify holds changed
    refused = client.put("/api/settings", json={"shopify_segments": "yes"}, headers=headers)
    assert refused.status_code == 422 and set(refused.json["error"]["fields"]) == {"shopify_segments"}
    assert client.get("/api/settings", headers=headers).json["settings"]["shopify_segments"] is True


def test_invalid_settings_are_422_per_field_and_nothing_changes(client, shopify):
    headers = install(client, shopify)
    response = client.put(
        "/api/settings",
        json={
            "tag_prefix": "a,b",
            "store_locations": [{"name": "", "latitude": 91, "longitude": "x"}],
            "colour": "red",
        },
        headers=headers,
    )
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {
        "tag_prefix",
        "store_locations.0.name",
        "store_locations.0.latitude",
        "store_locations.0.longitude",
        "colour",
    }
    assert client.get("/api/settings", headers=headers).json["settings"]["tag_prefix"] == "orbit:"
    assert client.put("/api/settings", data="[", headers=headers).status_code == 422


def test_a_dead_letter_can_be_retried_from_the_ui_only_by_its_shop(app, client, shopify):
    headers = install(client, shopify)
    with app.app_context():
        session = db.request_session()
        dead = WebhookDelivery(
            shop_id=shop_id(app),
            webhook_id="dead-1",
            topic="orders/create",
            payload=b"{}",
            status="dead",
            attempts=5,
            last_error="boom",
        )
        session.add(dead)
        session.commit()
        dead_id = dead.id  # fmt: skip
    other = install(client, shopify, OTHER_SHOP)

    assert client.post(f"/api/activity/dead-letters/{dead_id}/retry", headers=other).status_code == 404
    response = client.post(f"/api/activity/dead-letters/{dead_id}/retry", headers=headers)

    assert response.status_code == 200 and response.json["retried"] == dead_id
    assert client.get("/api/activity", headers=headers).json["dead_letters"] == []
    assert client.post(f"/api/activity/dead-letters/{dead_id}/retry", headers=headers).status_code == 404


def test_a_full_recompute_can_be_queued_from_the_activity_page(app, client, shopify):
    headers = install(client, shopify)
    response = client.post("/api/activity/recompute", headers=headers)
    assert response.status_code == 202
    jobs = client.get("/api/activity", headers=headers).json["jobs"]
    assert [(j["id"], j["kind"], j["status"]) for j in jobs] == [
        (response.json["job_run_id"], "analytics_full", "queued")
    ]
