"""Load a shop's orders, checkouts and customers into the columnar arrays app.analytics.facts takes.

One SQL statement per table, with the per-order refund sum aggregated in SQL; times come out as
epoch seconds and money as integer cents computed by the database, so Python never parses a
timestamp or a Decimal per row. `customer_ids` restricts every statement to those customers
(the incremental path); None loads the whole shop.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Integer, case, cast, func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.analytics.facts import NO_SOURCE, NO_TIME, CheckoutRows, OrderRows
from app.models import Checkout, Customer, Order, Refund
from app.segments.bulk_fetch import fetch_int_matrix

PAID_STATUSES = ("paid", "partially_refunded", "refunded")


@dataclass(frozen=True)
class CustomerColumns:
    """Per loaded customer, in the order of LoadedShop.customer_ids."""

    has_record: np.ndarray  # bool
    email_state: list[str | None]
    country: list[str | None]
    latitude: np.ndarray  # float64, NaN when unknown
    longitude: np.ndarray
    tags: list[list[Any]]
    created_at: np.ndarray  # int64 seconds the customer record was created in Shopify, or NO_TIME


@dataclass(frozen=True)
class LoadedShop:
    customer_ids: np.ndarray  # int64 Shopify customer ids, sorted; index i is customer i
    orders: OrderRows
    checkouts: CheckoutRows
    customers: CustomerColumns
    sources: list[str]  # source code -> name


def epoch_seconds(session: Session, column: Any) -> ColumnElement[int]:
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", column)), BigInteger)
    return cast(func.strftime("%s", column), Integer)


def cents(column: Any) -> ColumnElement[int]:
    return cast(func.round(func.coalesce(column, 0) * 100), BigInteger)


def _restrict(column: Any, customer_ids: Sequence[int] | None) -> ColumnElement[bool]:
    return true() if customer_ids is None else column.in_(list(customer_ids))


def load_sources(session: Session, shop_id: int, customer_ids: Sequence[int] | None) -> list[str]:
    statement = (
        select(Order.source_name)
        .where(
            Order.shop_id == shop_id,
            Order.source_name.is_not(None),
            _restrict(Order.customer_shopify_id, customer_ids),
        )
        .distinct()
        .order_by(Order.source_name)
    )
    return list(session.scalars(statement))


def load_order_matrix(
    session: Session, shop_id: int, sources: list[str], customer_ids: Sequence[int] | None
) -> np.ndarray:
    refund_filter = [Refund.shop_id == shop_id]
    if customer_ids is not None:
        # Only these customers' refunds: otherwise every incremental update aggregates the shop's.
        their_orders = select(Order.shopify_id).where(
            Order.shop_id == shop_id, Order.customer_shopify_id.in_(list(customer_ids))
        )
        refund_filter.append(Refund.order_shopify_id.in_(their_orders))
    refunded = (
        select(Refund.order_shopify_id, func.sum(Refund.amount).label("amount"))
        .where(*refund_filter)
        .group_by(Refund.order_shopify_id)
        .subquery()
    )
    source_code = (
        case(*[(Order.source_name == name, code) for code, name in enumerate(sources)], else_=NO_SOURCE)
        if sources
        else cast(NO_SOURCE, BigInteger)
    )
    statement = (
        select(
            Order.customer_shopify_id,
            Order.shopify_id,
            func.coalesce(
                epoch_seconds(session, Order.processed_at),
                epoch_seconds(session, Order.shopify_created_at),
                0,
            ),
            cents(Order.total_price),
            cents(Order.total_discounts),
            cents(refunded.c.amount),
            source_code,
            case((Order.financial_status.in_(PAID_STATUSES), 1), else_=0),
            case((Order.cancelled_at.is_not(None) | Order.deleted_at.is_not(None), 1), else_=0),
            case((Order.test.is_(True), 1), else_=0),
        )
        .select_from(Order)
        .outerjoin(refunded, refunded.c.order_shopify_id == Order.shopify_id)
        .where(
            Order.shop_id == shop_id,
            Order.customer_shopify_id.is_not(None),
            _restrict(Order.customer_shopify_id, customer_ids),
        )
    )
    return fetch_int_matrix(session, statement, 10, bulk=customer_ids is None)


def load_checkout_matrix(session: Session, shop_id: int, customer_ids: Sequence[int] | None) -> np.ndarray:
    statement = select(
        Checkout.customer_shopify_id,
        func.coalesce(epoch_seconds(session, Checkout.shopify_created_at), 0),
        cents(Checkout.total_price),
    ).where(
        Checkout.shop_id == shop_id,
        Checkout.customer_shopify_id.is_not(None),
        Checkout.completed_at.is_(None),
        Checkout.deleted_at.is_(None),
        _restrict(Checkout.customer_shopify_id, customer_ids),
    )
    return fetch_int_matrix(session, statement, 3, bulk=customer_ids is None)


def load_customer_rows(session: Session, shop_id: int, customer_ids: Sequence[int] | None) -> list[Any]:
    statement = select(
        Customer.shopify_id,
        Customer.email_marketing_state,
        Customer.country_code,
        Customer.latitude,
        Customer.longitude,
        Customer.tags,
        Customer.deleted_at.is_not(None),
        epoch_seconds(session, Customer.shopify_created_at),
    ).where(Customer.shop_id == shop_id, _restrict(Customer.shopify_id, customer_ids))
    return list(session.execute(statement))


def load_shop(session: Session, shop_id: int, customer_ids: Sequence[int] | None = None) -> LoadedShop:
    sources = load_sources(session, shop_id, customer_ids)
    order_matrix = load_order_matrix(session, shop_id, sources, customer_ids)
    checkout_matrix = load_checkout_matrix(session, shop_id, customer_ids)
    customer_rows = load_customer_rows(session, shop_id, customer_ids)
    deleted = {row[0] for row in customer_rows if row[6]}
    live_rows = [row for row in customer_rows if not row[6]]
    record_ids = np.fromiter((row[0] for row in live_rows), dtype=np.int64, count=len(live_rows))
    # A deleted customer has no facts; an order whose customer row has not arrived yet still counts.
    ids = np.unique(np.concatenate([record_ids, order_matrix[:, 0], checkout_matrix[:, 0]]))
    if deleted:
        ids = ids[~np.isin(ids, np.fromiter(deleted, dtype=np.int64))]
    order_matrix = order_matrix[np.isin(order_matrix[:, 0], ids)]
    checkout_matrix = checkout_matrix[np.isin(checkout_matrix[:, 0], ids)]
    return LoadedShop(
        customer_ids=ids,
        orders=_order_rows(order_matrix, ids),
        checkouts=CheckoutRows(
            customer=np.searchsorted(ids, checkout_matrix[:, 0]),
            created_at=checkout_matrix[:, 1],
            value=checkout_matrix[:, 2],
        ),
        customers=_customer_columns(live_rows, record_ids, ids),
        sources=sources,
    )


def _order_rows(matrix: np.ndarray, ids: np.ndarray) -> OrderRows:
    return OrderRows(
        customer=np.searchsorted(ids, matrix[:, 0]),
        order_id=matrix[:, 1],
        created_at=matrix[:, 2],
        total=matrix[:, 3],
        discount=matrix[:, 4],
        refunded=matrix[:, 5],
        source=matrix[:, 6],
        paid=matrix[:, 7].astype(bool),
        cancelled=matrix[:, 8].astype(bool),
        test=matrix[:, 9].astype(bool),
    )


def _customer_columns(rows: list[Any], record_ids: np.ndarray, ids: np.ndarray) -> CustomerColumns:
    n = ids.size
    position = np.searchsorted(ids, record_ids)
    has_record = np.zeros(n, dtype=bool)
    has_record[position] = True
    email: list[str | None] = [None] * n
    country: list[str | None] = [None] * n
    tags: list[list[Any]] = [[] for _ in range(n)]
    latitude = np.full(n, np.nan)
    longitude = np.full(n, np.nan)
    created = np.full(n, NO_TIME, dtype=np.int64)
    for index, row in zip(position.tolist(), rows, strict=True):
        email[index] = row[1].lower() if row[1] else None
        country[index] = row[2]
        latitude[index] = np.nan if row[3] is None else row[3]
        longitude[index] = np.nan if row[4] is None else row[4]
        tags[index] = _tag_list(row[5])
        created[index] = NO_TIME if row[7] is None else int(row[7])
    return CustomerColumns(has_record, email, country, latitude, longitude, tags, created)


def _tag_list(value: Any) -> list[Any]:
    if isinstance(value, str):  # a driver that hands JSON back as text
        value = json.loads(value)
    return value if isinstance(value, list) else []
