"""Segments API: list with sizes, definitions, custom segment create/update/delete, preview
(count and sample before saving; parse errors as 400 with the position), paged members, a
customer's facts and scores, and the RFM rule table.

A segment stores a bare tag name (`vip`); responses show the tag as Shopify carries it, the
shop's prefix + that name (`tag`), and the bare name (`tag_name`). Changes that alter what
Shopify should hold (push on/off, a new tag name, a new definition, a rename, a deletion) queue
a push of the members concerned, which also brings the Shopify segments in line."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask import Response, g, jsonify, request
from sqlalchemy import delete, func, select

from app import db
from app.analytics.rfm import rfm_group_rules_json
from app.analytics.segment_language import SegmentSyntaxError, parse
from app.api import bp
from app.errors import error_response
from app.models import CustomerFacts, Segment, SegmentMembership, SegmentSizeHistory, Shop, utcnow
from app.push.sync import tag_prefix
from app.push.tags import effective_tag, tag_problem
from app.security import session_token_required
from app.segments import membership
from app.segments.compile import compile_expression, context_for
from app.segments.customer_view import facts_json

log = logging.getLogger(__name__)
MAX_PER_PAGE = 250
SAMPLE_SIZE = 10
MAX_TAG_NAME = 60


def syntax_error_response(error: SegmentSyntaxError) -> Response:
    body = {"status": 400, "message": str(error), "position": error.position, "expected": error.expected}
    response = jsonify(error=body)
    response.status_code = 400
    return response


def segment_json(segment: Segment, shop: Shop, history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": segment.id,
        "name": segment.name,
        "description": segment.description,
        "definition": segment.definition,
        "tag": effective_tag(segment.tag, tag_prefix(shop)),
        "tag_name": segment.tag,
        "push_tag": segment.push_tag,
        "builtin": segment.builtin_key is not None,
        "builtin_key": segment.builtin_key,
        "size": segment.member_count,
        "evaluated_at": segment.evaluated_at.isoformat() if segment.evaluated_at else None,
        **({"size_history": history} if history is not None else {}),
    }


def _shop_segment(session, segment_id: int) -> Segment | None:
    segment = session.get(Segment, segment_id)
    return segment if segment is not None and segment.shop_id == g.shop.id else None


def _json_body() -> dict[str, Any] | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


@bp.get("/segments")
@session_token_required
def list_segments() -> Response:
    """Every segment of the shop with its size and the last 30 days of sizes."""
    session = db.request_session()
    segments = session.scalars(select(Segment).where(Segment.shop_id == g.shop.id).order_by(Segment.id)).all()
    since = (utcnow() - timedelta(days=30)).date()
    history: dict[int, list[dict[str, Any]]] = {}
    rows = session.execute(
        select(SegmentSizeHistory.segment_id, SegmentSizeHistory.day, SegmentSizeHistory.size)
        .where(SegmentSizeHistory.shop_id == g.shop.id, SegmentSizeHistory.day >= since)
        .order_by(SegmentSizeHistory.day)
    )
    for segment_id, day, size in rows:
        history.setdefault(segment_id, []).append({"day": day.isoformat(), "size": size})
    return jsonify(segments=[segment_json(s, g.shop, history.get(s.id, [])) for s in segments])


@bp.get("/segments/<int:segment_id>")
@session_token_required
def get_segment(segment_id: int) -> Response:
    """One segment's definition and size."""
    segment = _shop_segment(db.request_session(), segment_id)
    if segment is None:
        return error_response(404, "no such segment")
    return jsonify(segment=segment_json(segment, g.shop))


@bp.post("/segments/preview")
@session_token_required
def preview_segment() -> Response:
    """How many customers a definition matches now, with a sample, without saving it."""
    body = _json_body()
    if body is None or not isinstance(body.get("definition"), str):
        return error_response(400, "send JSON with a 'definition' string")
    try:
        expression = parse(body["definition"])
    except SegmentSyntaxError as error:
        return syntax_error_response(error)
    session = db.request_session()
    condition = compile_expression(expression, context_for(session, g.shop.id, utcnow()))
    where = (CustomerFacts.shop_id == g.shop.id, condition)
    count = session.scalar(select(func.count()).select_from(CustomerFacts).where(*where)) or 0
    sample = session.scalars(
        select(CustomerFacts).where(*where).order_by(CustomerFacts.customer_shopify_id).limit(SAMPLE_SIZE)
    ).all()
    return jsonify(count=count, sample=[facts_json(f) for f in sample])


def _validated_fields(body: dict[str, Any], partial: bool) -> dict[str, Any] | Response:
    fields: dict[str, Any] = {}
    for name in ("name", "definition", "description"):
        if name in body:
            if not isinstance(body[name], str) or (name != "description" and not body[name].strip()):
                return error_response(400, f"'{name}' must be a non-empty string")
            fields[name] = body[name].strip() if name == "name" else body[name]
        elif not partial and name != "description":
            return error_response(400, f"'{name}' is required")
    if "push_tag" in body:
        if not isinstance(body["push_tag"], bool):
            return error_response(400, "'push_tag' must be true or false")
        fields["push_tag"] = body["push_tag"]
    if "tag_name" in body:
        if message := tag_name_error(body["tag_name"]):
            return error_response(400, f"'tag_name' {message}")
        fields["tag"] = body["tag_name"]
    if "name" in fields and len(fields["name"]) > 120:
        return error_response(400, "'name' is longer than 120 characters")
    if "definition" in fields:
        try:
            parse(fields["definition"])
        except SegmentSyntaxError as error:
            return syntax_error_response(error)
    return fields


def tag_name_error(value: Any) -> str | None:
    """Why a merchant's bare tag name cannot be used, or None."""
    if not isinstance(value, str) or not value.strip():
        return "must be a non-empty string"
    if value != value.strip():
        return "must not start or end with a space"
    if len(value) > MAX_TAG_NAME:
        return f"is longer than {MAX_TAG_NAME} characters"
    return tag_problem(value)


def custom_tag_name(name: str) -> str:
    """The bare tag name for a custom segment: its name as a slug (`Big spenders` ->
    `big-spenders`); the push adds the shop's prefix."""
    slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    return ("-".join(part for part in slug.split("-") if part) or "segment")[:MAX_TAG_NAME]


def _tag_taken(session, tag_name: str, own_id: int | None = None) -> Response | None:
    statement = select(Segment.id).where(Segment.shop_id == g.shop.id, Segment.tag == tag_name)
    taken = session.scalar(statement)
    if taken is None or taken == own_id:
        return None
    tag = effective_tag(tag_name, tag_prefix(g.shop))
    return error_response(409, f"a segment with the tag {tag} exists; choose another name")


@bp.post("/segments")
@session_token_required
def create_segment() -> Response:
    """Save a custom segment and evaluate it at once."""
    body = _json_body()
    if body is None:
        return error_response(400, "send a JSON object")
    fields = _validated_fields(body, partial=False)
    if isinstance(fields, Response):
        return fields
    session = db.request_session()
    fields.setdefault("tag", custom_tag_name(fields["name"]))
    if conflict := _tag_taken(session, fields["tag"]):
        return conflict
    segment = Segment(shop_id=g.shop.id, **{"description": "", "push_tag": False, **fields})
    session.add(segment)
    session.flush()
    membership.evaluate_all(session, g.shop.id, utcnow(), [segment.id])
    members = _member_ids(session, segment.id) if segment.push_tag else []
    session.commit()
    if segment.push_tag:
        _push(g.shop, members)
    return jsonify(segment=segment_json(segment, g.shop)), 201


@bp.patch("/segments/<int:segment_id>")
@session_token_required
def update_segment(segment_id: int) -> Response:
    """Change a custom segment (built-ins: only whether their tag is pushed)."""
    body = _json_body()
    if body is None:
        return error_response(400, "send a JSON object")
    session = db.request_session()
    segment = _shop_segment(session, segment_id)
    if segment is None:
        return error_response(404, "no such segment")
    fields = _validated_fields(body, partial=True)
    if isinstance(fields, Response):
        return fields
    if segment.builtin_key is not None and set(fields) - {"push_tag"}:
        return error_response(
            400, "a built-in segment's name, tag and definition cannot change; only push_tag"
        )
    if "tag" in fields and (conflict := _tag_taken(session, fields["tag"], segment.id)):
        return conflict
    changed = {name for name, value in fields.items() if getattr(segment, name) != value}
    was_pushed = segment.push_tag
    before = set(_member_ids(session, segment.id))
    for name in changed:
        setattr(segment, name, fields[name])
    session.flush()
    if "definition" in changed:
        membership.evaluate_all(session, g.shop.id, utcnow(), [segment.id])
    after = set(_member_ids(session, segment.id))
    session.commit()
    if changed & {"push_tag", "tag", "definition", "name"} and (was_pushed or segment.push_tag):
        # Members who joined, left, or carry a different tag now; a rename only moves the
        # Shopify segment, which every push brings in line.
        touched = before | after if changed & {"push_tag", "tag"} else before ^ after
        _push(g.shop, touched)
    return jsonify(segment=segment_json(segment, g.shop))


@bp.delete("/segments/<int:segment_id>")
@session_token_required
def delete_segment(segment_id: int) -> Response:
    """Delete a custom segment; its members lose its tag at the next push."""
    session = db.request_session()
    segment = _shop_segment(session, segment_id)
    if segment is None:
        return error_response(404, "no such segment")
    if segment.builtin_key is not None:
        return error_response(400, "built-in segments cannot be deleted; turn push_tag off instead")
    was_pushed = segment.push_tag
    members = _member_ids(session, segment.id) if was_pushed else []
    session.execute(delete(SegmentMembership).where(SegmentMembership.segment_id == segment.id))
    session.delete(segment)
    session.commit()
    if was_pushed:
        _push(g.shop, members)
    return Response(status=204)


def _member_ids(session, segment_id: int) -> list[int]:
    statement = select(SegmentMembership.customer_shopify_id).where(
        SegmentMembership.segment_id == segment_id
    )
    return list(session.scalars(statement))


def _push(shop: Shop, customer_ids: Iterable[int]) -> None:
    """Queue a push of these customers; with Shopify segments on, queue it even when there
    are none, so the Shopify segment follows the change."""
    from redis.exceptions import RedisError

    from jobs.push import request_push

    segments = bool((shop.settings or {}).get("shopify_segments"))
    try:
        request_push(shop.id, sorted(set(customer_ids)), segments=segments)
    except (RedisError, OSError):
        log.warning("could not queue the push for shop %s: Redis unavailable", shop.id)


@bp.get("/segments/<int:segment_id>/members")
@session_token_required
def segment_members(segment_id: int) -> Response:
    """Members, a page at a time (?page=1&per_page=50), with their facts."""
    session = db.request_session()
    segment = _shop_segment(session, segment_id)
    if segment is None:
        return error_response(404, "no such segment")
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 50))
    except ValueError:
        return error_response(400, "page and per_page must be whole numbers")
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        return error_response(400, f"page must be >= 1 and per_page between 1 and {MAX_PER_PAGE}")
    rows = session.execute(
        select(SegmentMembership.joined_at, CustomerFacts)
        .join(
            CustomerFacts,
            (CustomerFacts.shop_id == SegmentMembership.shop_id)
            & (CustomerFacts.customer_shopify_id == SegmentMembership.customer_shopify_id),
        )
        .where(SegmentMembership.segment_id == segment.id)
        .order_by(SegmentMembership.customer_shopify_id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    members = [{**facts_json(facts), "joined_at": joined.isoformat()} for joined, facts in rows]
    return jsonify(
        segment_id=segment.id, page=page, per_page=per_page, total=segment.member_count, members=members
    )


@bp.get("/customers/<int:customer_id>/analytics")
@session_token_required
def customer_analytics(customer_id: int) -> Response:
    """A customer's facts and scores (by Shopify customer id) and the segments they are in."""
    session = db.request_session()
    facts = session.get(CustomerFacts, (g.shop.id, customer_id))
    if facts is None:
        return error_response(404, "no analytics for this customer yet")
    segments = session.scalars(
        select(Segment)
        .join(SegmentMembership, SegmentMembership.segment_id == Segment.id)
        .where(SegmentMembership.customer_shopify_id == customer_id, Segment.shop_id == g.shop.id)
        .order_by(Segment.id)
    ).all()
    prefix = tag_prefix(g.shop)
    return jsonify(
        customer=facts_json(facts),
        segments=[
            {"id": s.id, "name": s.name, "tag": effective_tag(s.tag, prefix), "tag_name": s.tag}
            for s in segments
        ],
    )


@bp.get("/analytics/rfm-rules")
@session_token_required
def rfm_rules() -> Response:
    """The RFM group rules in first-match order, as the merchant reads them."""
    return jsonify(rules=rfm_group_rules_json())
