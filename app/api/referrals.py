"""The referral program's API for the Referrals page (session token required; money is a decimal
string in shop currency, times are ISO 8601 UTC).

GET  /api/referrals/settings              -> {"settings": <document, see app/referral_program/settings.py>}
PUT  /api/referrals/settings <document> -> 200 {"settings"} | 422 {"error": {"fields": {"hold.days": ".."}}}
     (also 422 when the shop's granted scopes cannot carry a setting out, e.g. store credit)
GET  /api/referrals/advocates?limit&offset
     -> {"advocates": [{"id", "customer_id", "customer_name", "code", "link", "published": bool,
          "clicks", "referrals": {"pending", "review", "earned", "rejected", "void"},
          "referred_revenue", "rewards": {"count", "issued", "amount"}}], "total"}
POST /api/referrals/advocates {"customer_id"} -> 202 {"advocate": {...}} (code reserved; published
     in Shopify by a job) | 422 when the customer has no paid order
GET  /api/referrals?status=pending|review|earned|rejected|void&limit&offset
     -> {"referrals": [{"id", "advocate": {"id", "code", "customer_id", "customer_name"},
          "friend": {"customer_id", "name"}, "order_id", "order_total", "currency", "via",
          "ordered_at", "status", "reasons": [{"rule", "action", "reason"}], "decided_by",
          "decided_at", "reward": {"id", "kind", "amount", "status", "code", "attempts",
          "last_error"} | null}], "total"}  (reward status failed: Shopify refused it repeatedly)
GET  /api/referrals/review                -> the same list, status=review (the review queue)
POST /api/referrals/<id>/approve {"note"?} -> {"referral"} | 409 when it is not in review
POST /api/referrals/<id>/reject  {"note"?} -> {"referral"} | 409 when it is not in review
POST /api/referrals/rewards/<id>/retry  -> {"reward": {...}} (due again; the next run issues it)
     | 404 | 409 when the reward is not failed
GET  /api/referrals/kpis?days=90
     -> {"new_customers", "referred_new_customers", "share_referred", "clicks", "referred_orders",
         "friend_conversion", "referred_revenue", "reward_cost", "cost_to_revenue", "rewards_issued",
         "from", "to"}  (ratios are numbers 0..1, or null when undefined)
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from decimal import Decimal
from typing import Any

from flask import Response, g, jsonify, request
from sqlalchemy import func, select

from app import db
from app.api import bp
from app.api.support import customer_names
from app.api.ui_json import bad_argument, field_errors, int_arg, iso, money
from app.errors import error_response
from app.models import Advocate, Referral, Reward, utcnow
from app.queues import queue
from app.referral_program import advocates as advocate_ops
from app.referral_program import kpis, review
from app.referral_program import rewards as reward_ledger
from app.referral_program.settings import SettingsError, load, validate
from app.security import session_token_required

STATUSES = ("pending", "review", "earned", "rejected", "void")


@bp.get("/referrals/settings")
@session_token_required
def referral_settings() -> Response:
    """The program settings (defaults until the merchant saves some)."""
    return jsonify(settings=load(g.shop.settings))


@bp.put("/referrals/settings")
@session_token_required
def save_referral_settings() -> Response:
    """Validate and store the whole settings document."""
    body = request.get_json(silent=True)
    candidate = body if isinstance(body, dict) else None
    try:
        document = validate(candidate, g.shop.scopes or "")  # type: ignore[arg-type]
    except SettingsError as exc:
        return field_errors(exc.errors)
    session = db.request_session()
    shop = session.merge(g.shop)
    shop.settings = {**(shop.settings or {}), "referrals": document}
    session.commit()
    return jsonify(settings=document)


def advocate_json(advocate: Advocate, names: dict[int, str], stats: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": advocate.id,
        "customer_id": advocate.customer_shopify_id,
        "customer_name": names.get(advocate.customer_shopify_id, "Customer not yet imported"),
        "code": advocate.code,
        "link": advocate.link,
        "published": advocate.discount_gid is not None,
        "clicks": advocate.clicks,
        **stats,
    }


def advocate_stats(session, shop_id: int, ids: list[int]) -> dict[int, dict[str, Any]]:
    statuses: dict[int, Counter[str]] = defaultdict(Counter)
    revenue: dict[int, Decimal] = defaultdict(Decimal)
    for advocate_id, status, count, total in session.execute(
        select(Referral.advocate_id, Referral.status, func.count(Referral.id), func.sum(Referral.order_total))
        .where(Referral.shop_id == shop_id, Referral.advocate_id.in_(ids))
        .group_by(Referral.advocate_id, Referral.status)
    ):
        statuses[advocate_id][status] = count
        if status in kpis.COUNTED:
            revenue[advocate_id] += Decimal(total or 0)
    rewards: dict[int, dict[str, Any]] = defaultdict(lambda: {"count": 0, "issued": 0, "amount": Decimal(0)})
    for advocate_id, status, count, amount in session.execute(
        select(Reward.advocate_id, Reward.status, func.count(Reward.id), func.sum(Reward.amount))
        .where(Reward.shop_id == shop_id, Reward.advocate_id.in_(ids))
        .group_by(Reward.advocate_id, Reward.status)
    ):
        rewards[advocate_id]["count"] += count
        if status == "issued":
            rewards[advocate_id]["issued"] += count
            rewards[advocate_id]["amount"] += Decimal(amount or 0)
    return {
        i: {
            "referrals": {s: statuses[i][s] for s in STATUSES},
            "referred_revenue": money(revenue[i]),
            "rewards": {**rewards[i], "amount": money(rewards[i]["amount"])},
        }
        for i in ids
    }


ADVOCATE_SORTS = ("newest", "revenue", "referrals")


@bp.get("/referrals/advocates")
@session_token_required
def list_advocates() -> Response:
    """Advocates with their referrals, referred revenue and rewards; ?sort=newest (default) |
    revenue | referrals. The ranking is done in SQL over all of the shop's advocates, so a page
    of the leaderboard is the real top, not the top of the newest few."""
    try:
        limit, offset = int_arg("limit", 50, 1, 200), int_arg("offset", 0, 0, 10**9)
    except ValueError as exc:
        return bad_argument(exc)
    sort = request.args.get("sort") or "newest"
    if sort not in ADVOCATE_SORTS:
        return error_response(400, f"sort must be one of {', '.join(ADVOCATE_SORTS)}")
    session = db.request_session()
    mine = Advocate.shop_id == g.shop.id
    statement = select(Advocate).where(mine)
    if sort != "newest":
        # The same referrals the stats count as revenue (kpis.COUNTED): pending, review, earned.
        counted = (
            select(
                Referral.advocate_id,
                func.count(Referral.id).label("referrals"),
                func.sum(Referral.order_total).label("revenue"),
            )
            .where(Referral.shop_id == g.shop.id, Referral.status.in_(kpis.COUNTED))
            .group_by(Referral.advocate_id)
            .subquery()
        )
        primary = counted.c.revenue if sort == "revenue" else counted.c.referrals
        secondary = counted.c.referrals if sort == "revenue" else counted.c.revenue
        statement = statement.outerjoin(counted, counted.c.advocate_id == Advocate.id).order_by(
            func.coalesce(primary, 0).desc(), func.coalesce(secondary, 0).desc()
        )
    rows = list(session.scalars(statement.order_by(Advocate.id.desc()).limit(limit).offset(offset)))
    names = customer_names(session, g.shop.id, {a.customer_shopify_id for a in rows})
    stats = advocate_stats(session, g.shop.id, [a.id for a in rows])
    total = session.scalar(select(func.count(Advocate.id)).where(mine))
    return jsonify(advocates=[advocate_json(a, names, stats[a.id]) for a in rows], total=total)


@bp.post("/referrals/advocates")
@session_token_required
def enrol_advocate() -> tuple[Response, int] | Response:
    """Give a customer with a paid order a code; Shopify's side is done by a job."""
    body = request.get_json(silent=True) or {}
    customer_id = body.get("customer_id") if isinstance(body, dict) else None
    if isinstance(customer_id, bool) or not isinstance(customer_id, int) or customer_id <= 0:
        return field_errors({"customer_id": "must be a Shopify customer id (a positive whole number)"})
    session = db.request_session()
    try:
        advocate = advocate_ops.reserve_advocate(session, session.merge(g.shop), customer_id)
    except advocate_ops.NotEligible as exc:
        return field_errors({"customer_id": str(exc)})
    session.commit()
    if advocate.discount_gid is None:
        queue("sync").enqueue("jobs.referrals.enrol_advocate", g.shop.id, customer_id, result_ttl=0)
    names = customer_names(session, g.shop.id, {customer_id})
    stats = advocate_stats(session, g.shop.id, [advocate.id])
    return jsonify(advocate=advocate_json(advocate, names, stats[advocate.id])), 202


def referral_json(
    referral: Referral, advocate: Advocate, names: dict[int, str], reward: Reward | None
) -> dict:
    friend = referral.friend_customer_shopify_id
    return {
        "id": referral.id,
        "advocate": {
            "id": advocate.id,
            "code": advocate.code,
            "customer_id": advocate.customer_shopify_id,
            "customer_name": names.get(advocate.customer_shopify_id, "Customer not yet imported"),
        },
        "friend": {"customer_id": friend, "name": names.get(friend, "Guest") if friend else "Guest"},
        "order_id": referral.order_shopify_id,
        "order_total": money(referral.order_total),
        "currency": referral.currency,
        "via": referral.via,
        "ordered_at": iso(referral.ordered_at),
        "status": referral.status,
        "reasons": list(referral.findings or []),
        "decided_by": referral.decided_by,
        "decided_at": iso(referral.decided_at),
        "reward": None if reward is None else reward_json(reward),
    }


def reward_json(reward: Reward) -> dict[str, Any]:
    return {
        "id": reward.id,
        "kind": reward.kind,
        "amount": money(reward.amount),
        "status": reward.status,
        "code": reward.code,
        "attempts": reward.attempts,
        "last_error": reward.last_error,
    }


def referral_page(status: str | None) -> Response:
    try:
        limit, offset = int_arg("limit", 50, 1, 200), int_arg("offset", 0, 0, 10**9)
    except ValueError as exc:
        return bad_argument(exc)
    if status is not None and status not in STATUSES:
        return bad_argument(ValueError(f"status must be one of {', '.join(STATUSES)}"))
    session = db.request_session()
    conditions = [Referral.shop_id == g.shop.id] + ([Referral.status == status] if status else [])
    rows = session.execute(
        select(Referral, Advocate, Reward)
        .join(Advocate, Advocate.id == Referral.advocate_id)
        .outerjoin(Reward, Reward.referral_id == Referral.id)
        .where(*conditions)
        .order_by(Referral.ordered_at.desc(), Referral.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    people = {r.friend_customer_shopify_id for r, _, _ in rows} | {a.customer_shopify_id for _, a, _ in rows}
    names = customer_names(session, g.shop.id, {p for p in people if p})
    total = session.scalar(select(func.count(Referral.id)).where(*conditions))
    return jsonify(referrals=[referral_json(r, a, names, w) for r, a, w in rows], total=total)


@bp.get("/referrals")
@session_token_required
def list_referrals() -> Response:
    """Referrals, newest order first, optionally of one status, with their fraud reasons."""
    return referral_page(request.args.get("status") or None)


@bp.get("/referrals/review")
@session_token_required
def review_queue() -> Response:
    """The referrals waiting for the merchant."""
    return referral_page("review")


def decide(referral_id: int, approve: bool) -> Response:
    body = request.get_json(silent=True) or {}
    note = body.get("note") if isinstance(body, dict) else None
    if note is not None and (not isinstance(note, str) or len(note) > 500):
        return field_errors({"note": "must be text of at most 500 characters"})
    session = db.request_session()
    user = g.session_token.user_id or "unknown"
    try:
        referral = review.decide(session, g.shop.id, referral_id, approve, user, note)
    except LookupError:
        return error_response(404, "no such referral")
    except review.NotInReview as exc:
        return error_response(409, str(exc))
    session.commit()
    advocate = session.get(Advocate, referral.advocate_id)
    names = customer_names(session, g.shop.id, {advocate.customer_shopify_id})
    return jsonify(referral=referral_json(referral, advocate, names, None))


@bp.post("/referrals/<int:referral_id>/approve")
@session_token_required
def approve_referral(referral_id: int) -> Response:
    """Approve a referral in review: its hold runs on and it earns like any other."""
    return decide(referral_id, approve=True)


@bp.post("/referrals/<int:referral_id>/reject")
@session_token_required
def reject_referral(referral_id: int) -> Response:
    """Reject a referral in review."""
    return decide(referral_id, approve=False)


@bp.post("/referrals/rewards/<int:reward_id>/retry")
@session_token_required
def retry_reward(reward_id: int) -> Response:
    """Make a failed reward due again; the next referral run issues it."""
    session = db.request_session()
    try:
        reward = reward_ledger.retry_failed(session, g.shop.id, reward_id)
    except LookupError:
        return error_response(404, "no such reward")
    except reward_ledger.NotFailed as exc:
        return error_response(409, str(exc))
    session.commit()
    return jsonify(reward=reward_json(reward))


@bp.get("/referrals/kpis")
@session_token_required
def referral_kpis() -> Response:
    """Program KPIs over the last `days` days."""
    try:
        days = int_arg("days", 90, 1, 3650)
    except ValueError as exc:
        return bad_argument(exc)
    end = utcnow()
    start = end - timedelta(days=days)
    figures = kpis.ratios(kpis.program_figures(db.request_session(), g.shop.id, start))
    for name in ("referred_revenue", "reward_cost"):
        figures[name] = money(figures[name])
    return jsonify(**figures, **{"from": iso(start), "to": iso(end)})
