"""Full and incremental recompute of a shop's customer facts, scores and segment memberships.

Full: load the whole shop, compute facts (app.analytics.facts), fit the shop's parameters
(RFM cut points, purchase cycle, lifetime-value model, percentile cut points) and keep them in
shop_models, score everyone, write customer_facts in bulk, evaluate every segment.
Incremental: the same for a few customers against the shop's last fitted parameters, so its
result equals a full recompute that reuses those parameters (`refit=False`).
The caller owns the transaction.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.analytics.builtin_segments import builtin_segments
from app.analytics.facts import customer_facts
from app.models import Segment, Shop, ShopModel
from app.referral_program.counts import referral_counts
from app.segments import facts_loader, facts_writer, membership, scoring

STAGES = ("load", "facts", "fit", "write", "segments")


@dataclass
class RecomputeReport:
    customers: int = 0
    orders: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    changes: dict[int, tuple[int, int]] = field(default_factory=dict)
    changed_customers: set[int] = field(default_factory=set)  # incremental: segments moved


def utc_offset_seconds(shop: Shop, now: datetime) -> int:
    try:
        zone = ZoneInfo(shop.iana_timezone) if shop.iana_timezone else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    offset = now.astimezone(zone).utcoffset() if zone else None
    return int(offset.total_seconds()) if offset else 0


def ensure_builtin_segments(session: Session, shop: Shop) -> None:
    """Create the built-in segments a shop lacks and keep their wording and rule current."""
    existing = {
        segment.builtin_key: segment
        for segment in session.scalars(
            select(Segment).where(Segment.shop_id == shop.id, Segment.builtin_key.is_not(None))
        )
    }
    for builtin in builtin_segments(shop.settings or {}):
        segment = existing.get(builtin.key)
        if segment is None:
            session.add(
                Segment(
                    shop_id=shop.id,
                    builtin_key=builtin.key,
                    name=builtin.name,
                    description=builtin.description,
                    definition=builtin.definition,
                    tag=builtin.tag,
                    push_tag=builtin.push_tag,
                )
            )
        else:
            segment.name, segment.description = builtin.name, builtin.description
            segment.definition = builtin.definition
    session.flush()


def full_recompute(
    session: Session,
    shop_id: int,
    now: datetime,
    *,
    refit: bool = True,
    on_stage: Callable[[Session, str, int], None] | None = None,
) -> RecomputeReport:
    with _no_cyclic_gc():
        return _full_recompute(session, shop_id, now, refit, on_stage)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """A full run builds millions of small containers (a row tuple and lists per customer) that
    hold no reference cycles; the cyclic collector would walk all of them again and again (a
    third of the time of building the rows). Reference counting still frees them as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _full_recompute(
    session: Session,
    shop_id: int,
    now: datetime,
    refit: bool,
    on_stage: Callable[[Session, str, int], None] | None,
) -> RecomputeReport:
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise LookupError(f"no shop {shop_id}")
    report = RecomputeReport()
    clock = _Clock(session, report, on_stage)
    ensure_builtin_segments(session, shop)
    loaded = facts_loader.load_shop(session, shop_id)
    report.customers, report.orders = int(loaded.customer_ids.size), int(loaded.orders.customer.size)
    clock.stage("load")
    offset = utc_offset_seconds(shop, now)
    facts = customer_facts(loaded.orders, loaded.checkouts, int(loaded.customer_ids.size), offset)
    clock.stage("facts")
    lead_data = _lead_inputs(loaded, facts)
    stored = session.get(ShopModel, shop_id)
    if refit or stored is None:
        parameters = scoring.fit_parameters(facts, lead_data, int(now.timestamp()), offset)
        if stored is None:
            stored = ShopModel(shop_id=shop_id)
            session.add(stored)
        stored.parameters, stored.customers, stored.fitted_at = parameters, report.customers, now
    parameters = stored.parameters
    scores = scoring.score_customers(facts, lead_data, parameters, int(now.timestamp()))
    clock.stage("fit")
    sqlite = session.get_bind().dialect.name == "sqlite"
    counts = referral_counts(session, shop_id)
    rows = facts_writer.build_rows(shop_id, loaded, facts, scores, shop.settings or {}, now, sqlite, counts)
    facts_writer.write_rows(session, shop_id, rows, None)
    if not sqlite:
        # Fresh statistics before the segment queries: a planner that thinks these tables are
        # empty picks nested loops that take minutes (seen on a just-loaded store).
        session.execute(text("ANALYZE customer_facts, orders, order_lines"))
    clock.stage("write")
    report.changes = membership.evaluate_all(session, shop_id, now)
    clock.stage("segments")
    return report


def incremental_recompute(
    session: Session, shop_id: int, customer_ids: Sequence[int], now: datetime
) -> RecomputeReport:
    """Recompute a few customers against the shop's last fitted parameters (full run if none yet)."""
    shop = session.get(Shop, shop_id)
    stored = session.get(ShopModel, shop_id)
    if shop is None:
        raise LookupError(f"no shop {shop_id}")
    if stored is None:
        return full_recompute(session, shop_id, now)
    ids = sorted(set(customer_ids))
    report = RecomputeReport()
    clock = _Clock(session, report, None)
    loaded = facts_loader.load_shop(session, shop_id, ids)
    report.customers, report.orders = int(loaded.customer_ids.size), int(loaded.orders.customer.size)
    offset = int(stored.parameters.get("utc_offset_seconds") or 0)
    facts = customer_facts(loaded.orders, loaded.checkouts, int(loaded.customer_ids.size), offset)
    scores = scoring.score_customers(
        facts, _lead_inputs(loaded, facts), stored.parameters, int(now.timestamp())
    )
    sqlite = session.get_bind().dialect.name == "sqlite"
    counts = referral_counts(session, shop_id, ids)
    rows = facts_writer.build_rows(shop_id, loaded, facts, scores, shop.settings or {}, now, sqlite, counts)
    facts_writer.write_rows(session, shop_id, rows, ids)
    clock.stage("write")
    report.changes, report.changed_customers = membership.evaluate_customers(session, shop_id, ids, now)
    clock.stage("segments")
    return report


def _lead_inputs(loaded: facts_loader.LoadedShop, facts) -> scoring.LeadInputs:
    consent = [state == "subscribed" for state in loaded.customers.email_state]
    return scoring.lead_inputs(facts, loaded.customers.has_record, consent, loaded.customers.created_at)


class _Clock:
    def __init__(
        self, session: Session, report: RecomputeReport, on_stage: Callable[[Session, str, int], None] | None
    ) -> None:
        self.session, self.report, self.on_stage, self.started = (
            session,
            report,
            on_stage,
            time.perf_counter(),
        )

    def stage(self, name: str) -> None:
        now = time.perf_counter()
        self.report.seconds[name] = round(now - self.started, 4)
        self.started = now
        if self.on_stage is not None:
            self.on_stage(self.session, name, STAGES.index(name) + 1)
