"""The `recommendations` table: replace a subject's list as a whole, read lists back."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import numpy as np
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.models import Recommendation
from app.models.recommendations import CUSTOMER, PRODUCT
from app.recommendations.cooccurrence import TopPairs
from app.recommendations.personal import PersonalLists

BOUGHT_TOGETHER = "bought_together"
INSERT_CHUNK = 5_000


def _ranks(subjects: np.ndarray) -> np.ndarray:
    """0, 1, 2... within each run of equal subjects (the lists arrive grouped, best first)."""
    return np.arange(subjects.size) - np.searchsorted(subjects, subjects, side="left")


def _replace(
    session: Session, shop_id: int, subject_type: str, subjects: Collection[int] | None, rows: list[dict]
) -> None:
    query = delete(Recommendation).where(
        Recommendation.shop_id == shop_id, Recommendation.subject_type == subject_type
    )
    if subjects is not None:
        query = query.where(Recommendation.subject_shopify_id.in_(sorted(subjects)))
    session.execute(query)
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(insert(Recommendation), rows[start : start + INSERT_CHUNK])


def replace_product_lists(
    session: Session,
    shop_id: int,
    pairs: TopPairs,
    computed_at: datetime,
    anchors: Collection[int] | None = None,
) -> int:
    """Store bought-together lists; `anchors` limits the replacement (None: the whole shop)."""
    ranks = _ranks(pairs.anchor)
    rows = [
        {
            "shop_id": shop_id,
            "subject_type": PRODUCT,
            "subject_shopify_id": anchor,
            "product_shopify_id": candidate,
            "kind": BOUGHT_TOGETHER,
            "rank": rank,
            "score": score,
            "lift": lift,
            "support": support,
            "confidence": confidence,
            "orders": orders,
            "computed_at": computed_at,
        }
        for anchor, candidate, rank, score, lift, support, confidence, orders in zip(
            pairs.anchor.tolist(),
            pairs.candidate.tolist(),
            ranks.tolist(),
            pairs.score.tolist(),
            pairs.lift.tolist(),
            pairs.support.tolist(),
            pairs.confidence.tolist(),
            pairs.orders.tolist(),
            strict=True,
        )
        if anchors is None or anchor in anchors
    ]
    _replace(session, shop_id, PRODUCT, anchors, rows)
    return len(rows)


def replace_customer_lists(
    session: Session,
    shop_id: int,
    lists: PersonalLists,
    computed_at: datetime,
    customers: Collection[int] | None = None,
) -> int:
    """Store per-customer lists; `customers` limits the replacement (None: the whole shop)."""
    ranks = _ranks(lists.customer)
    rows = [
        {
            "shop_id": shop_id,
            "subject_type": CUSTOMER,
            "subject_shopify_id": customer,
            "product_shopify_id": product,
            "kind": kind,
            "rank": rank,
            "score": score,
            "computed_at": computed_at,
        }
        for customer, product, kind, rank, score in zip(
            lists.customer.tolist(),
            lists.product.tolist(),
            lists.kinds(),
            ranks.tolist(),
            lists.score.tolist(),
            strict=True,
        )
    ]
    _replace(session, shop_id, CUSTOMER, customers, rows)
    return len(rows)


def stored_pairs(session: Session, shop_id: int) -> TopPairs:
    """The stored bought-together lists as arrays: the similarity input of the incremental path."""
    rows = session.execute(
        select(
            Recommendation.subject_shopify_id,
            Recommendation.product_shopify_id,
            Recommendation.score,
            Recommendation.lift,
            Recommendation.support,
            Recommendation.confidence,
            Recommendation.orders,
        )
        .where(Recommendation.shop_id == shop_id, Recommendation.subject_type == PRODUCT)
        .order_by(Recommendation.subject_shopify_id, Recommendation.rank)
    ).all()
    columns = list(zip(*rows, strict=True)) if rows else [()] * 7
    ints = [np.asarray(c, dtype=np.int64) for c in columns[:2]]
    floats = [np.asarray(c, dtype=np.float64) for c in columns[2:]]
    return TopPairs(*ints, *floats)


def lists_for(session: Session, shop_id: int, subject_type: str, subject_ids: Collection[int] | None = None):
    """{subject id: [Recommendation, ...]} best first."""
    query = select(Recommendation).where(
        Recommendation.shop_id == shop_id, Recommendation.subject_type == subject_type
    )
    if subject_ids is not None:
        query = query.where(Recommendation.subject_shopify_id.in_(sorted(subject_ids)))
    found: dict[int, list[Recommendation]] = {}
    for row in session.scalars(query.order_by(Recommendation.subject_shopify_id, Recommendation.rank)):
        found.setdefault(row.subject_shopify_id, []).append(row)
    return found
