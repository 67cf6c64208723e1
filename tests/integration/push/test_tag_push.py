"""Tag push against the devstore over HTTP: diffs only, other apps' tags kept, tag limits,
deleted customers, a configurable prefix (and a changed one: Orbit swaps only what it pushed),
and a crash between send and record."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app import db
from app.models import Shop, TagSync
from app.push.sync import push_tags
from app.shopify.client import AdminClient
from tests.integration.push.conftest import install_shop

OTHER_TAGS = ["newsletter", "wholesale"]


def orbit_tags(push_shop, customer_id, prefix="orbit:"):
    return sorted(t for t in push_shop.tags(customer_id) if t.startswith(prefix))


def sync_rows(app, push_shop) -> dict[int, TagSync]:
    with app.app_context(), db.transaction() as session:
        rows = session.scalars(select(TagSync).where(TagSync.shop_id == push_shop.shop_id)).all()
        return {row.customer_shopify_id: row for row in rows}


def push(app, push_shop, desired, **kwargs):
    with app.app_context():
        client = AdminClient(None, push_shop.domain)
        report = push_tags(push_shop.shop_id, desired, client=client, **kwargs)
        return report, client


def test_pushing_twice_sends_nothing_the_second_time(app, push_shop):
    ids = push_shop.customer_ids
    desired = {c: {"vip", "repeat"} if i % 2 else {"new"} for i, c in enumerate(ids)}
    first, first_client = push(app, push_shop, desired)
    assert first.tag_changes == 6 * 2 + 6 * 1
    assert first_client.stats.requests >= 1
    for i, c in enumerate(ids):
        expected = ["orbit:repeat", "orbit:vip"] if i % 2 else ["orbit:new"]
        assert orbit_tags(push_shop, c) == expected

    second, second_client = push(app, push_shop, desired)
    assert (second.tag_changes, second.fields_sent) == (0, 0)
    assert second_client.stats.requests == 0


def test_other_apps_tags_survive_every_push(app, push_shop):
    ids = push_shop.customer_ids
    for desired_tags in ({"vip", "repeat"}, {"vip"}, {"at-risk"}, set()):
        push(app, push_shop, {c: desired_tags for c in ids})
        for c in ids:
            assert [t for t in push_shop.tags(c) if not t.startswith("orbit:")] == OTHER_TAGS
            assert orbit_tags(push_shop, c) == sorted("orbit:" + t for t in desired_tags)


def test_a_tag_the_merchant_added_under_another_name_is_never_removed(app, push_shop):
    customer = push_shop.customer_ids[0]
    push(app, push_shop, {customer: {"vip"}})
    push_shop.dev.customers[customer]["tags"] += ", VIP customer"
    push(app, push_shop, {customer: set()})
    assert push_shop.tags(customer) == [*OTHER_TAGS, "VIP customer"]


def test_only_the_difference_is_sent(app, push_shop):
    ids = push_shop.customer_ids
    push(app, push_shop, {c: {"vip"} for c in ids})
    desired = {c: {"vip"} for c in ids}
    desired[ids[0]] = {"vip", "repeat"}
    desired[ids[1]] = set()
    report, _ = push(app, push_shop, desired)
    assert report.tag_changes == 2
    assert report.fields_sent == 2
    assert orbit_tags(push_shop, ids[0]) == ["orbit:repeat", "orbit:vip"]
    assert orbit_tags(push_shop, ids[1]) == []


def test_the_250_tag_limit_is_respected_and_what_did_not_fit_is_reported(app, push_shop):
    customer = push_shop.customer_ids[0]
    crowded = [f"other-{n}" for n in range(248)]
    push_shop.dev.customers[customer]["tags"] = ", ".join(crowded)
    push_shop.mirror(app, [customer])
    report, _ = push(app, push_shop, {customer: {"a", "b", "c", "d"}})
    assert len(push_shop.tags(customer)) == 250
    assert orbit_tags(push_shop, customer) == ["orbit:a", "orbit:b"]
    assert sorted(r.tag for r in report.refusals) == ["orbit:c", "orbit:d"]
    assert sorted(r["tag"] for r in sync_rows(app, push_shop)[customer].refused) == ["orbit:c", "orbit:d"]

    # Leaving one segment makes room: the next push writes a tag that did not fit before.
    report, _ = push(app, push_shop, {customer: {"b", "c", "d"}})
    assert orbit_tags(push_shop, customer) == ["orbit:b", "orbit:c"]
    assert [r.tag for r in report.refusals] == ["orbit:d"]


def test_shopify_refusing_a_full_tag_list_is_reported_not_retried(app, push_shop):
    # Orbit's mirror does not know about the other tags (no webhook yet): Shopify refuses.
    customer = push_shop.customer_ids[0]
    push_shop.dev.customers[customer]["tags"] = ", ".join(f"other-{n}" for n in range(250))
    report, _ = push(app, push_shop, {customer: {"vip"}})
    assert [r.tag for r in report.refusals] == ["orbit:vip"]
    assert "250" in report.refusals[0].reason
    assert sync_rows(app, push_shop)[customer].pushed == []
    assert sync_rows(app, push_shop)[customer].in_flight is None


def test_overlong_tags_are_reported_and_not_sent(app, push_shop):
    customer = push_shop.customer_ids[0]
    report, _ = push(app, push_shop, {customer: {"x" * 300, "ok", "a,b"}})
    assert orbit_tags(push_shop, customer) == ["orbit:ok"]
    assert {r.reason.split(" ")[0] for r in report.refusals} == {"longer", "contains"}


def test_a_customer_deleted_in_shopify_is_dropped(app, push_shop):
    gone, kept = push_shop.customer_ids[:2]
    push(app, push_shop, {gone: {"vip"}, kept: {"vip"}})
    del push_shop.dev.customers[gone]
    report, _ = push(app, push_shop, {gone: {"vip", "repeat"}, kept: {"vip", "repeat"}})
    assert report.missing_customers == [gone]
    rows = sync_rows(app, push_shop)
    assert gone not in rows
    assert rows[kept].pushed == ["orbit:repeat", "orbit:vip"]


def set_prefix(app, push_shop, prefix: str) -> None:
    with app.app_context(), db.transaction() as session:
        shop = session.get(Shop, push_shop.shop_id)
        shop.settings = {**(shop.settings or {}), "tag_prefix": prefix}


@pytest.mark.parametrize(("prefix", "tag"), [("crm-", "crm-vip"), ("crm:", "crm:vip")])
def test_the_prefix_is_configurable_per_shop(app, push_shop, prefix, tag):
    set_prefix(app, push_shop, prefix)
    customer = push_shop.customer_ids[0]
    push(app, push_shop, {customer: {"vip"}})
    assert push_shop.tags(customer) == [*OTHER_TAGS, tag]


def test_a_new_prefix_swaps_orbits_tags_on_the_next_push_and_leaves_everyone_elses(app, push_shop):
    first, second, third = push_shop.customer_ids[:3]
    push(app, push_shop, {first: {"vip", "repeat"}, second: {"vip"}})
    # Someone else's tag that happens to look like Orbit's: Orbit never pushed it.
    push_shop.dev.customers[third]["tags"] = "newsletter, wholesale, orbit:handmade, crm:other-app"
    push_shop.mirror(app)

    set_prefix(app, push_shop, "crm:")
    report, _ = push(app, push_shop, {first: {"vip", "repeat"}, second: {"vip"}})
    assert report.tag_changes == 6
    assert push_shop.tags(first) == [*OTHER_TAGS, "crm:repeat", "crm:vip"]
    assert push_shop.tags(second) == [*OTHER_TAGS, "crm:vip"]
    assert push_shop.tags(third) == [*OTHER_TAGS, "orbit:handmade", "crm:other-app"]
    assert sync_rows(app, push_shop)[first].pushed == ["crm:repeat", "crm:vip"]

    again, client = push(app, push_shop, {first: {"vip", "repeat"}, second: {"vip"}})
    assert again.tag_changes == 0 and client.stats.requests == 0


def test_a_crash_during_a_prefix_swap_resolves_to_what_landed_and_finishes_the_swap(app, push_shop):
    customer = push_shop.customer_ids[0]
    push(app, push_shop, {customer: {"vip"}})
    set_prefix(app, push_shop, "crm:")

    def crash(batch):
        raise Crash

    with pytest.raises(Crash):
        push(app, push_shop, {customer: {"vip"}}, after_send=crash, bulk_threshold=10**9)
    push(app, push_shop, {customer: {"vip"}})
    assert push_shop.tags(customer) == [*OTHER_TAGS, "crm:vip"]
    row = sync_rows(app, push_shop)[customer]
    assert row.pushed == ["crm:vip"] and row.in_flight is None


class Crash(Exception):
    pass


@pytest.mark.parametrize("crash_at_batch", [0, 1])
def test_a_crash_between_send_and_record_resumes_without_duplicate_or_lost_changes(
    app, client, devstore, crash_at_batch
):
    push_shop = install_shop(app, client, devstore, customers=40)  # 80 fields: several batches
    ids = push_shop.customer_ids
    push(app, push_shop, {c: {"old"} for c in ids})
    desired = {c: {"vip", f"group-{i % 3}"} for i, c in enumerate(ids)}
    batches_seen = []

    def crash_after(batch):
        batches_seen.append(batch)
        if len(batches_seen) > crash_at_batch:
            raise Crash

    with pytest.raises(Crash):
        push(app, push_shop, desired, after_send=crash_after, bulk_threshold=10**9)
    in_doubt = [c for c, row in sync_rows(app, push_shop).items() if row.in_flight]
    assert in_doubt, "the crash left the last batch's intent recorded"
    assert len(batches_seen) == crash_at_batch + 1 and len(in_doubt) < len(ids)

    report, _ = push(app, push_shop, desired)
    assert report.resolved_in_doubt == len(in_doubt)
    # Nothing that already landed is sent again.
    sent_before_crash = sum(len(f.tags) for batch in batches_seen for f in batch)
    assert report.tag_changes == 3 * len(ids) - sent_before_crash
    for i, c in enumerate(ids):
        assert orbit_tags(push_shop, c) == sorted([f"orbit:group-{i % 3}", "orbit:vip"])
        assert sorted(push_shop.tags(c)) == sorted(set(push_shop.tags(c)))  # no duplicates
    assert all(row.in_flight is None for row in sync_rows(app, push_shop).values())
    again, client = push(app, push_shop, desired)
    assert again.tag_changes == 0 and client.stats.requests == 0


def test_the_bulk_path_gives_the_same_result_as_paced_requests(app, push_shop):
    ids = push_shop.customer_ids
    push(app, push_shop, {c: {"old"} for c in ids[:6]})
    desired = {c: {"vip", f"group-{i % 3}"} for i, c in enumerate(ids)}
    report, client = push(app, push_shop, desired, bulk_threshold=0)
    assert report.used_bulk
    assert report.fields_sent == 6 + len(ids)  # 6 removals of "old", one add per customer
    for i, c in enumerate(ids):
        assert orbit_tags(push_shop, c) == sorted([f"orbit:group-{i % 3}", "orbit:vip"])
        assert [t for t in push_shop.tags(c) if not t.startswith("orbit:")] == OTHER_TAGS
    assert all(row.in_flight is None for row in sync_rows(app, push_shop).values())
    again, again_client = push(app, push_shop, desired, bulk_threshold=0)
    assert (again.tag_changes, again_client.stats.requests) == (0, 0)


def test_tag_webhooks_caused_by_a_push_are_recognised_as_echoes(app, push_shop):
    from app.push.echo import is_own_echo

    added, removed = push_shop.customer_ids[:2]
    push(app, push_shop, {added: {"vip"}, removed: {"lapsed"}})
    push(app, push_shop, {added: {"vip"}, removed: set()})
    with app.app_context(), db.transaction() as session:
        shop = session.get(Shop, push_shop.shop_id)
        gid = f"gid://shopify/Customer/{added}"
        assert is_own_echo(session, shop, "customer.tags_added", gid, ["orbit:vip"])
        assert is_own_echo(session, shop, "customer.tags_removed", removed, ["orbit:lapsed"])
        # A merchant's edits are news: another tag, or taking Orbit's tag off by hand.
        assert not is_own_echo(session, shop, "customer.tags_added", gid, ["wholesale"])
        assert not is_own_echo(session, shop, "customer.tags_removed", gid, ["orbit:vip"])
        assert not is_own_echo(session, shop, "customers/update", gid, ["orbit:vip"])
