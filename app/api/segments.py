"""Segments API: list with sizes, definitions, custom segment create/update/delete, preview
(count and sample before saving; parse errors as 400 with the position), paged members, a
customer's facts and scores, and the RFM rule table."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Response, g, jsonify, request
from sqlalchemy import delete, func, select

from app import db
from app.analytics.builtin_segments import TAG_PREFIX
from app.analytics.rfm import rfm_group_rules_json
from app.analytics.segment_language import SegmentSyntaxError, parse
from app.api import bp
from app.errors import error_response
from app.models import CustomerFacts, Segment, SegmentMembership, SegmentSizeHistory, utcnow
from app.security import session_token_required
from app.segments import membership
from app.segments.compile import compile_expression, context_for
from app.segments.customer_view import facts_json

MAX_PER_PAGE = 250
SAMPLE_SIZE = 10


def syntax_error_response(error: SegmentSyntaxError) -> Response:
    body = {"status": 400, "message": str(error), "position": error.position, "expected": error.expected}
    response = jsonify(error=body)
    response.status_code = 400
    return response


def segment_json(segment: Segment, history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": segment.id,
        "name": segment.name,
        "description": segment.description,
        "definition": segment.definition,
        "tag": segment.tag,
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
    return jsonify(segments=[segment_json(s, history.get(s.id, [])) for s in segments])


@bp.get("/segments/<int:segment_id>")
@session_token_required
def get_segment(segment_id: int) -> Response:
    """One segment's definition and size."""
    segment = _shop_segment(db.request_session(), segment_id)
    if segment is None:
        return error_response(404, "no such segment")
    return jsonify(segment=segment_json(segment))


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
    if "name" in fields and len(fields["name"]) > 120:
        return error_response(400, "'name' is longer than 120 characters")
    if "definition" in fields:
        try:
            parse(fields["definition"])
        except SegmentSyntaxError as error:
            return syntax_error_response(error)
    return fields


def custom_tag(name: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    return TAG_PREFIX + ("-".join(part for part in slug.split("-") if part) or "segment")[:60]


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
    tag = custom_tag(fields["name"])
    taken = session.scalar(select(Segment.id).where(Segment.shop_id == g.shop.id, Segment.tag == tag))
    if taken is not None:
        return error_response(409, f"a segment with the tag {tag} exists; choose another name")
    segment = Segment(shop_id=g.shop.id, tag=tag, description="", push_tag=False, **fields)
    session.add(segment)
    session.flush()
    membership.evaluate_all(session, g.shop.id, utcnow(), [segment.id])
    session.commit()
    return jsonify(segment=segment_json(segment)), 201


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
        return error_response(400, "a built-in segment's name and definition cannot change; only push_tag")
    for name, value in fields.items():
        setattr(segment, name, value)
    session.flush()
    if "definition" in fields:
        membership.evaluate_all(session, g.shop.id, utcnow(), [segment.id])
    members = _member_ids(session, segment.id) if "push_tag" in fields else []
    session.commit()
    _push(g.shop.id, members)
    return jsonify(segment=segment_json(segment))


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
    members = _member_ids(session, segment.id) if segment.push_tag else []
    session.execute(delete(SegmentMembership).where(SegmentMembership.segment_id == segment.id))
    session.delete(segment)
    session.commit()
    _push(g.shop.id, members)
    return Response(status=204)


def _member_ids(session, segment_id: int) -> list[int]:
    statement = select(SegmentMembership.customer_shopify_id).where(
        SegmentMembership.segment_id == segment_id
    )
    return list(session.scalars(statement))


def _push(shop_id: int, customer_ids: list[int]) -> None:
    if customer_ids:
        from jobs.analytics import push_customers

        push_customers(shop_id, set(customer_ids))


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
    return jsonify(
        customer=facts_json(facts), segments=[{"id": s.id, "name": s.name, "tag": s.tag} for s in segments]
    )


@bp.get("/analytics/rfm-rules")
@session_token_required
def rfm_rules() -> Response:
    """The RFM group rules in first-match order, as the merchant reads them."""
    return jsonify(rules=rfm_group_rules_json())
