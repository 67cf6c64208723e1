"""Segment memberships with joined/left history, kept equal to each definition over customer_facts.

Full evaluation is set-based SQL over all the segments at once (every segment's matches into a
scratch table, the difference from the stored memberships into another: members who no longer
match leave, matches who are not members join), so a million customers never pass through
Python. Incremental evaluation of a few customers reads their matches for every segment in one
UNION ALL and applies the difference. Both write one event per change, and the same now gives
the same result either way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import (
    bindparam,
    case,
    column,
    delete,
    exists,
    func,
    insert,
    literal,
    null,
    select,
    table,
    text,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import array as pg_array
from sqlalchemy.orm import Session

from app.analytics.segment_language import SegmentSyntaxError, parse
from app.models import CustomerFacts, Segment, SegmentMembership, SegmentMembershipEvent, SegmentSizeHistory
from app.models.base import UTCDateTime
from app.segments.compile import CompileContext, compile_expression, context_for, relative_param_values
from webhooks.dialect import dialect_insert

log = logging.getLogger(__name__)


def compiled_segments(
    session: Session, shop_id: int, context: CompileContext, segment_ids: Sequence[int] | None = None
) -> list[tuple[Segment, object]]:
    statement = select(Segment).where(Segment.shop_id == shop_id).order_by(Segment.id)
    if segment_ids is not None:
        statement = statement.where(Segment.id.in_(list(segment_ids)))
    segments = session.scalars(statement).all()
    compiled = []
    for segment in segments:
        try:
            compiled.append((segment, compile_expression(parse(segment.definition), context)))
        except SegmentSyntaxError:  # definitions are checked when saved; an old one may not parse
            log.warning("segment %s has a definition that no longer parses; skipped", segment.id)
    return compiled


EVENT_COLUMNS = ["shop_id", "segment_id", "customer_shopify_id", "kind", "happened_at"]
# Scratch tables of one evaluation: every segment's matches (one INSERT ... SELECT over the facts)
# and the difference from the stored memberships, which the events and the membership writes read.
_MATCHES = table("segment_eval_matches", column("segment_id"), column("customer_shopify_id"))
_CHANGES = table("segment_eval_changes", column("segment_id"), column("customer_shopify_id"), column("kind"))


def evaluate_all(
    session: Session, shop_id: int, now: datetime, segment_ids: Sequence[int] | None = None
) -> dict[int, tuple[int, int]]:
    """Re-evaluate every segment of the shop (or those given) for every customer;
    {segment id: (joined, left)}.

    Set-based: the matches of all the segments go into a scratch table in one statement, the
    difference from the stored memberships into another (two anti-joins), and events, deletions
    and insertions are written from that difference. Each side is read once, however many segments."""
    context = context_for(session, shop_id, now)
    compiled = compiled_segments(session, shop_id, context, segment_ids)
    if not compiled:
        refresh_counts(session, shop_id, now)
        return {}
    postgres = session.get_bind().dialect.name == "postgresql"
    _create_scratch(session, postgres)
    member = SegmentMembership
    session.execute(
        insert(_MATCHES).from_select(
            ["segment_id", "customer_shopify_id"], _matches(compiled, shop_id, postgres)
        )
    )
    if postgres:
        session.execute(text("ANALYZE segment_eval_matches"))  # a fresh TEMP table has no statistics
    else:
        session.execute(
            text(
                "CREATE INDEX temp.segment_eval_matches_key "
                "ON segment_eval_matches (segment_id, customer_shopify_id)"
            )
        )
    evaluated = [segment.id for segment, _ in compiled]
    matches, changes = _MATCHES.c, _CHANGES.c
    session.execute(
        insert(_CHANGES).from_select(
            ["segment_id", "customer_shopify_id", "kind"],
            select(member.segment_id, member.customer_shopify_id, literal("left")).where(
                member.segment_id.in_(evaluated),
                ~exists().where(
                    matches.segment_id == member.segment_id,
                    matches.customer_shopify_id == member.customer_shopify_id,
                ),
            ),
        )
    )
    session.execute(
        insert(_CHANGES).from_select(
            ["segment_id", "customer_shopify_id", "kind"],
            select(matches.segment_id, matches.customer_shopify_id, literal("joined")).where(
                ~exists().where(
                    member.segment_id == matches.segment_id,
                    member.customer_shopify_id == matches.customer_shopify_id,
                )
            ),
        )
    )
    stamp = literal(now, UTCDateTime())
    # Per segment, who left then who joined (the order the events always had).
    session.execute(
        insert(SegmentMembershipEvent).from_select(
            EVENT_COLUMNS,
            select(
                literal(shop_id), changes.segment_id, changes.customer_shopify_id, changes.kind, stamp
            ).order_by(changes.segment_id, changes.kind.desc(), changes.customer_shopify_id),
        )
    )
    session.execute(
        delete(member).where(
            tuple_(member.segment_id, member.customer_shopify_id).in_(
                select(changes.segment_id, changes.customer_shopify_id).where(changes.kind == "left")
            )
        )
    )
    session.execute(
        insert(member).from_select(
            ["segment_id", "customer_shopify_id", "shop_id", "joined_at"],
            select(changes.segment_id, changes.customer_shopify_id, literal(shop_id), stamp)
            .where(changes.kind == "joined")
            .order_by(
                changes.segment_id, changes.customer_shopify_id
            ),  # key order: the index grows at its end
        )
    )
    counted = session.execute(
        select(changes.segment_id, changes.kind, func.count()).group_by(changes.segment_id, changes.kind)
    ).all()
    _drop_scratch(session)
    moved = {(segment_id, kind): int(n) for segment_id, kind, n in counted}
    changes_by_segment = {
        segment_id: (moved.get((segment_id, "joined"), 0), moved.get((segment_id, "left"), 0))
        for segment_id in evaluated
    }
    refresh_counts(session, shop_id, now)
    return changes_by_segment


def _matches(compiled: list[tuple[Segment, object]], shop_id: int, postgres: bool):
    """(segment id, customer) for every segment a customer's facts match.

    PostgreSQL reads customer_facts once: each row yields the array of the segment ids whose
    condition it meets, unnested (a UNION ALL scans the table once per segment, and unnesting
    every condition beside every id makes 22 rows per customer, both three times slower).
    SQLite keeps the UNION ALL (its scans are cheap reads of pages the OS holds)."""
    facts = CustomerFacts
    if postgres:
        matched = pg_array([case((condition, literal(segment.id))) for segment, condition in compiled])
        return select(
            func.unnest(func.array_remove(matched, null())).label("segment_id"), facts.customer_shopify_id
        ).where(facts.shop_id == shop_id)
    return union_all(
        *[
            select(literal(segment.id), facts.customer_shopify_id).where(facts.shop_id == shop_id, condition)
            for segment, condition in compiled
        ]
    )


def _create_scratch(session: Session, postgres: bool) -> None:
    _drop_scratch(session)
    scope = " ON COMMIT DROP" if postgres else ""
    session.execute(
        text(
            f"CREATE TEMP TABLE segment_eval_matches (segment_id INTEGER, customer_shopify_id BIGINT){scope}"
        )
    )
    session.execute(
        text(
            "CREATE TEMP TABLE segment_eval_changes "
            f"(segment_id INTEGER, customer_shopify_id BIGINT, kind VARCHAR(10)){scope}"
        )
    )


def _drop_scratch(session: Session) -> None:
    session.execute(text("DROP TABLE IF EXISTS segment_eval_matches"))
    session.execute(text("DROP TABLE IF EXISTS segment_eval_changes"))


def evaluate_customers(
    session: Session, shop_id: int, customer_ids: Sequence[int], now: datetime
) -> tuple[dict[int, tuple[int, int]], set[int]]:
    """Re-evaluate every segment for a few customers (the incremental path);
    ({segment id: (joined, left)}, customers whose memberships changed)."""
    ids = sorted(set(customer_ids))
    if not ids:
        return {}, set()
    matches, relative_names, segment_ids = _matches_statement(session, shop_id, now)
    if matches is None:
        return {}, set()
    parameters = {"ids": ids, **relative_param_values(relative_names, now)}
    should = {(row[0], row[1]) for row in session.execute(matches, parameters)}
    current = {
        (row[0], row[1])
        for row in session.execute(
            select(SegmentMembership.segment_id, SegmentMembership.customer_shopify_id).where(
                SegmentMembership.segment_id.in_(segment_ids), SegmentMembership.customer_shopify_id.in_(ids)
            )
        )
    }
    joining, leaving = sorted(should - current), sorted(current - should)
    events = [
        {"shop_id": shop_id, "segment_id": s, "customer_shopify_id": c, "kind": kind, "happened_at": now}
        for kind, pairs in (("left", leaving), ("joined", joining))
        for s, c in pairs
    ]
    if events:
        session.execute(insert(SegmentMembershipEvent), events)
    for segment_id, customer_id in leaving:
        session.execute(
            delete(SegmentMembership).where(
                SegmentMembership.segment_id == segment_id,
                SegmentMembership.customer_shopify_id == customer_id,
            )
        )
    if joining:
        session.execute(
            insert(SegmentMembership),
            [
                {"segment_id": s, "customer_shopify_id": c, "shop_id": shop_id, "joined_at": now}
                for s, c in joining
            ],
        )
    changes: dict[int, tuple[int, int]] = {}
    for segment_id in segment_ids:
        joined = sum(1 for s, _ in joining if s == segment_id)
        left = sum(1 for s, _ in leaving if s == segment_id)
        if joined or left:
            changes[segment_id] = (joined, left)
            session.execute(
                update(Segment)
                .where(Segment.id == segment_id)
                .values(member_count=Segment.member_count + joined - left)
            )
    return changes, {customer for _, customer in joining + leaving}


# (shop id, segments and definitions, 5-minute slot) -> (UNION ALL statement, relative date names,
# segment ids). Building 22 compiled conditions costs more than the queries of one customer; the
# slot bounds how stale a products_purchased lookup (product ids resolved when compiling) can get.
_MATCH_CACHE: dict[tuple, tuple] = {}
_CACHE_SLOT_SECONDS = 300
_CACHE_LIMIT = 256


def _matches_statement(session: Session, shop_id: int, now: datetime):
    definitions = tuple(
        (row[0], row[1])
        for row in session.execute(
            select(Segment.id, Segment.definition).where(Segment.shop_id == shop_id).order_by(Segment.id)
        )
    )
    key = (shop_id, definitions, int(time.time() // _CACHE_SLOT_SECONDS))
    if key not in _MATCH_CACHE:
        relative_names: set[str] = set()
        context = context_for(session, shop_id, now, relative_names)
        compiled = compiled_segments(session, shop_id, context)
        ids = bindparam("ids", expanding=True)
        statement = (
            union_all(
                *[
                    select(literal(segment.id).label("segment_id"), CustomerFacts.customer_shopify_id).where(
                        CustomerFacts.shop_id == shop_id,
                        CustomerFacts.customer_shopify_id.in_(ids),
                        condition,
                    )
                    for segment, condition in compiled
                ]
            )
            if compiled
            else None
        )
        if len(_MATCH_CACHE) >= _CACHE_LIMIT:
            _MATCH_CACHE.clear()
        _MATCH_CACHE[key] = (statement, frozenset(relative_names), [segment.id for segment, _ in compiled])
    statement, relative_names, segment_ids = _MATCH_CACHE[key]
    return statement, set(relative_names), segment_ids


def refresh_counts(session: Session, shop_id: int, now: datetime) -> None:
    """Recount every segment's members and record today's size (the 30-day chart)."""
    counts = dict(
        session.execute(
            select(SegmentMembership.segment_id, func.count())
            .where(SegmentMembership.shop_id == shop_id)
            .group_by(SegmentMembership.segment_id)
        ).all()
    )
    segment_ids = session.scalars(select(Segment.id).where(Segment.shop_id == shop_id)).all()
    if not segment_ids:
        return
    for segment_id in segment_ids:
        session.execute(
            update(Segment)
            .where(Segment.id == segment_id)
            .values(member_count=counts.get(segment_id, 0), evaluated_at=now)
        )
    upsert = dialect_insert(session)(SegmentSizeHistory)
    rows = [
        {"segment_id": s, "day": now.date(), "shop_id": shop_id, "size": counts.get(s, 0)}
        for s in segment_ids
    ]
    session.execute(
        upsert.values(rows).on_conflict_do_update(
            index_elements=["segment_id", "day"], set_={"size": upsert.excluded.size}
        )
    )
