"""Push a shop's desired tags: resolve what a crashed push left in doubt, diff against what was
pushed, send the difference in paced aliased requests (or one bulk operation), record outcomes.

Crash safety: before a batch is sent its changes are written to `tag_sync.in_flight` and
committed; after Shopify answers, the outcome is recorded and `in_flight` cleared in one
commit. A crash in between leaves `in_flight` set, and the next push first reads those
customers' tags from Shopify and takes as pushed those found there that Orbit had pushed or
was sending (never another app's tag, whatever its prefix). So nothing
is lost (the diff then sends what is still missing) and nothing is doubled (what landed is
known). tagsAdd and tagsRemove are idempotent as well, so a resent batch changes nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import db
from app.models import Customer, Shop, TagSync
from app.push import plan
from app.push.tags import DEFAULT_PREFIX, Refusal, diff_tags
from app.shopify import tag_operations
from app.shopify.client import AdminClient

log = logging.getLogger(__name__)
CHUNK = 500  # rows per IN (...) query

AfterSend = Callable[[list[plan.Field]], None]


@dataclass
class PushReport:
    tag_changes: int = 0
    fields_sent: int = 0
    requests: int = 0
    resolved_in_doubt: int = 0
    used_bulk: bool = False
    refusals: list[Refusal] = field(default_factory=list)
    missing_customers: list[int] = field(default_factory=list)


def tag_prefix(shop: Shop) -> str:
    return (shop.settings or {}).get("tag_prefix") or DEFAULT_PREFIX


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sync_rows(session: Session, shop_id: int, customer_ids: Iterable[int] | None) -> list[TagSync]:
    statement = select(TagSync).where(TagSync.shop_id == shop_id)
    if customer_ids is None:
        return list(session.scalars(statement))
    rows: list[TagSync] = []
    for part in chunks(sorted(set(customer_ids))):
        rows.extend(session.scalars(statement.where(TagSync.customer_shopify_id.in_(part))))
    return rows


def mirrored_tags(
    session: Session, shop_id: int, customer_ids: Sequence[int]
) -> dict[int, tuple[list, bool]]:
    """customer id -> (tags as last mirrored, deleted in Shopify)."""
    found: dict[int, tuple[list, bool]] = {}
    for part in chunks(sorted(customer_ids)):
        statement = select(Customer.shopify_id, Customer.tags, Customer.deleted_at).where(
            Customer.shop_id == shop_id, Customer.shopify_id.in_(part)
        )
        for shopify_id, tags, deleted_at in session.execute(statement):
            found[shopify_id] = (list(tags or []), deleted_at is not None)
    return found


def resolve_in_doubt(shop_id: int, client: AdminClient) -> int:
    """Customers a crashed push left in flight: take Shopify's word for which of the tags
    Orbit had pushed or was sending are there."""
    with db.transaction() as session:
        doubtful = [
            row.customer_shopify_id
            for row in session.scalars(
                select(TagSync).where(TagSync.shop_id == shop_id, TagSync.in_flight.is_not(None))
            )
        ]
    for part in chunks(doubtful, 250):
        actual = tag_operations.customer_tags(client, part)
        with db.transaction() as session:
            for row in sync_rows(session, shop_id, part):
                tags = actual.get(row.customer_shopify_id)
                if tags is None:  # deleted in Shopify meanwhile
                    session.delete(row)
                    continue
                flight = row.in_flight or {}
                ours = {*(row.pushed or []), *flight.get("add", ()), *flight.get("remove", ())}
                row.pushed = sorted(set(tags) & ours)
                row.in_flight = None
    return len(doubtful)


def push_tags(
    shop_id: int,
    desired: Mapping[int, Iterable[str]],
    *,
    customer_ids: Iterable[int] | None = None,
    client: AdminClient | None = None,
    bulk_threshold: int | None = None,
    after_send: AfterSend | None = None,
) -> PushReport:
    """Bring Shopify's Orbit tags in line with `desired` (customer id -> bare tag names; the
    shop's current prefix is added here, and tags pushed under an older prefix are removed).

    With `customer_ids`, only those customers are considered (an incremental push); without,
    every customer Orbit ever tagged is, and one missing from `desired` loses Orbit's tags.
    `after_send` runs after each batch is answered and before its outcome is recorded (tests
    use it to crash there). `bulk_threshold` overrides the measured choice of the bulk path
    (bulk above that many mutation fields).
    """
    with db.transaction() as session:
        shop = session.get(Shop, shop_id)
        if shop is None or not shop.is_installed:
            return PushReport()
        domain, prefix = shop.domain, tag_prefix(shop)
    client = client or AdminClient(None, domain)
    report = PushReport(resolved_in_doubt=resolve_in_doubt(shop_id, client))
    scope = None if customer_ids is None else set(customer_ids)
    if scope is not None:
        desired = {c: tags for c, tags in desired.items() if c in scope}

    with db.transaction() as session:
        rows = sync_rows(session, shop_id, scope)
        pushed = {row.customer_shopify_id: list(row.pushed or []) for row in rows}
        mirror = mirrored_tags(session, shop_id, sorted(set(desired) | set(pushed)))
        gone = {c for c, (_, deleted) in mirror.items() if deleted}
        for row in rows:  # Shopify deleted the customer, and its tags with it
            if row.customer_shopify_id in gone:
                session.delete(row)
    desired = {c: tags for c, tags in desired.items() if c not in gone}
    pushed = {c: tags for c, tags in pushed.items() if c not in gone}
    current = {c: tags for c, (tags, _) in mirror.items()}
    diff = diff_tags(desired, pushed, current, prefix)
    report.refusals = diff.refusals
    report.tag_changes = diff.tag_changes
    record_refusals(shop_id, diff.refusals, checked=set(desired) | set(pushed))

    fields = plan.fields_of(diff.changes)
    if use_bulk(client, len(fields), bulk_threshold):
        from app.push.bulk import send_in_bulk  # the bulk path is only loaded when used

        report.used_bulk = True
        send_in_bulk(shop_id, client, fields, report)
        return report
    position = 0
    while position < len(fields):
        size = plan.fields_per_request(client.throttle.maximum if client.throttle else None)
        batch = next(plan.batches(fields[position:], size))
        record_intent(shop_id, batch)
        payloads = tag_operations.send_tag_changes(
            client, [(f.mutation, f.customer_id, f.tags) for f in batch]
        )
        if after_send is not None:
            after_send(batch)
        record_outcome(shop_id, batch, payloads, report)
        report.fields_sent += len(batch)
        report.requests += 1
        position += len(batch)
    return report


def use_bulk(client: AdminClient, fields: int, threshold: int | None) -> bool:
    if threshold is not None or fields == 0:
        return fields > (threshold or 0)
    if client.throttle is None:
        client.probe_throttle()
    throttle = client.throttle
    if throttle is None:
        return False
    return plan.use_bulk(fields, throttle.available_at(client.clock()), throttle.restore_rate)


def record_intent(shop_id: int, batch: Sequence[plan.Field]) -> None:
    by_customer: dict[int, dict[str, list[str]]] = {}
    for item in batch:
        slot = by_customer.setdefault(item.customer_id, {"add": [], "remove": []})
        slot["add" if item.mutation == "tagsAdd" else "remove"].extend(item.tags)
    with db.transaction() as session:
        rows = {r.customer_shopify_id: r for r in sync_rows(session, shop_id, by_customer)}
        for customer_id, change in by_customer.items():
            row = rows.get(customer_id)
            if row is None:
                row = TagSync(shop_id=shop_id, customer_shopify_id=customer_id, pushed=[], refused=[])
                session.add(row)
            row.in_flight = change


def record_outcome(
    shop_id: int, batch: Sequence[plan.Field], payloads: Sequence[dict[str, Any]], report: PushReport
) -> None:
    with db.transaction() as session:
        rows = {r.customer_shopify_id: r for r in sync_rows(session, shop_id, {f.customer_id for f in batch})}
        for item, payload in zip(batch, payloads, strict=True):
            row = rows.get(item.customer_id)
            if row is None:
                continue
            apply_result(session, row, item, payload.get("userErrors") or [], report)


def apply_result(
    session: Session, row: TagSync, item: plan.Field, errors: list[dict[str, Any]], report: PushReport
) -> None:
    """One mutation field's outcome on the customer's row."""
    if any("does not exist" in str(e.get("message", "")).lower() for e in errors):
        report.missing_customers.append(item.customer_id)
        if row in session:
            session.delete(row)
        return
    row.in_flight = None
    if errors:
        message = "; ".join(str(e.get("message")) for e in errors)
        row.refused = [*(row.refused or []), *({"tag": t, "reason": message} for t in item.tags)]
        report.refusals.extend(Refusal(item.customer_id, t, message) for t in item.tags)
        return
    pushed = set(row.pushed or [])
    if item.mutation == "tagsAdd":
        pushed |= set(item.tags)
    else:
        pushed -= set(item.tags)
    row.pushed = sorted(pushed)


def refused_among(session: Session, shop_id: int, customer_ids: set[int]) -> list[int]:
    """Which of these customers have refusals on record (columns only; one scan of the shop's
    rows when asked about many, else IN lists)."""
    statement = select(TagSync.customer_shopify_id, TagSync.refused).where(TagSync.shop_id == shop_id)
    if len(customer_ids) > 10 * CHUNK:
        found = session.execute(statement).all()
    else:
        found = []
        for part in chunks(sorted(customer_ids)):
            found.extend(session.execute(statement.where(TagSync.customer_shopify_id.in_(part))))
    return [customer_id for customer_id, refused in found if refused and customer_id in customer_ids]


def record_refusals(shop_id: int, refusals: Sequence[Refusal], checked: Iterable[int] = ()) -> None:
    """Keep the latest reasons per customer, so the merchant can see what was not written; a
    customer in `checked` (diffed by this push) without a refusal now loses its old ones."""
    by_customer: dict[int, list[dict[str, str]]] = {}
    for refusal in refusals:
        by_customer.setdefault(refusal.customer_id, []).append({"tag": refusal.tag, "reason": refusal.reason})
    cleared = set(checked) - set(by_customer)
    if not by_customer and not cleared:
        return
    with db.transaction() as session:
        for row in sync_rows(session, shop_id, refused_among(session, shop_id, cleared)):
            row.refused = []
        rows = {r.customer_shopify_id: r for r in sync_rows(session, shop_id, by_customer)}
        for customer_id, refused in by_customer.items():
            row = rows.get(customer_id)
            if row is None:
                row = TagSync(shop_id=shop_id, customer_shopify_id=customer_id, pushed=[], refused=[])
                session.add(row)
            row.refused = refused
