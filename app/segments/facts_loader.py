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
from sqlalchemy import BigInteger, Integer, Text, case, cast, func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from app.analytics.facts import NO_SOURCE, NO_TIME, CheckoutRows, OrderRows
from app.models import Checkout, Customer, Order, Refund
from app.segments.bulk_fetch import fetch_int_matrix, fetch_rows

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
        # date_part is float8 (EXTRACT is numeric since PostgreSQL 14, several times slower over
        # 10M orders); microseconds / 1e6 stays exact enough for floor() until the year 2255.
        return cast(func.floor(func.date_part("epoch", column)), BigInteger)
    return cast(func.strftime("%s", column), Integer)


def cents(column: Any) -> ColumnElement[int]:
    return cast(func.round(func.coalesce(column, 0) * 100), BigInteger)


def _whole(session: Session, column: Any, customer_ids: Sequence[int] | None) -> Any:
    """`column`, or on SQLite when loading the whole shop `column + 0`, which no index serves.

    SQLite otherwise walks the (shop_id, ...) index and fetches every row by rowid in index order:
    random reads over the whole file (the DISTINCT source names alone took 78 s over 10M orders)
    where one sequential scan reads each page once."""
    if customer_ids is None and session.get_bind().dialect.name == "sqlite":
        return column + 0
    return column


def _restrict(column: Any, customer_ids: Sequence[int] | None) -> ColumnElement[bool]:
    return true() if customer_ids is None else column.in_(list(customer_ids))


def load_sources(session: Session, shop_id: int, customer_ids: Sequence[int] | None) -> list[str]:
    statement = (
        select(Order.source_name)
        .where(
            _whole(session, Order.shop_id, customer_ids) == shop_id,
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
    refunded = (  # cents per refunded order (a few orders: the numeric arithmetic is done here)
        select(Refund.order_shopify_id, cents(func.sum(Refund.amount)).label("cents"))
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
            # Most orders carry no discount: skip the numeric multiplication for them.
            case((Order.total_discounts == 0, 0), else_=cents(Order.total_discounts)),
            func.coalesce(refunded.c.cents, 0),
            # One column for the source code and the three flags (fewer values to send and parse).
            source_code * 8
            + case((Order.financial_status.in_(PAID_STATUSES), 4), else_=0)
            + case((Order.cancelled_at.is_not(None) | Order.deleted_at.is_not(None), 2), else_=0)
            + case((Order.test.is_(True), 1), else_=0),
        )
        .select_from(Order)
        .outerjoin(refunded, refunded.c.order_shopify_id == Order.shopify_id)
        .where(
            _whole(session, Order.shop_id, customer_ids) == shop_id,
            _whole(session, Order.customer_shopify_id, customer_ids).is_not(None),
            _restrict(Order.customer_shopify_id, customer_ids),
        )
    )
    return fetch_int_matrix(session, statement, 7, bulk=customer_ids is None)


def load_checkout_matrix(session: Session, shop_id: int, customer_ids: Sequence[int] | None) -> np.ndarray:
    statement = select(
        Checkout.customer_shopify_id,
        func.coalesce(epoch_seconds(session, Checkout.shopify_created_at), 0),
        cents(Checkout.total_price),
    ).where(
        _whole(session, Checkout.shop_id, customer_ids) == shop_id,
        _whole(session, Checkout.customer_shopify_id, customer_ids).is_not(None),
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
        cast(Customer.tags, Text),  # parsed only when not empty (most customers have no tags)
        Customer.deleted_at.is_not(None),
        epoch_seconds(session, Customer.shopify_created_at),
    ).where(
        _whole(session, Customer.shop_id, customer_ids) == shop_id,
        _restrict(Customer.shopify_id, customer_ids),
    )
    return fetch_rows(session, statement, bulk=customer_ids is None)


def load_shop(session: Session, shop_id: int, customer_ids: Sequence[int] | None = None) -> LoadedShop:
    sources = load_sources(session, shop_id, customer_ids)
    order_matrix = load_order_matrix(session, shop_id, sources, customer_ids)
    checkout_matrix = load_checkout_matrix(session, shop_id, customer_ids)
    records = _CustomerRecords(load_customer_rows(session, shop_id, customer_ids))
    # The shop's customers: the live records, and any customer an order or a checkout names whose
    # row has not arrived yet (it still counts); a deleted customer has no facts. Orders are
    # placed by one binary search against the live records (sorted); only names not found there
    # (usually none) widen the list and cost a second search.
    ids = records.ids
    order_at, order_found = _locate(ids, order_matrix[:, 0])
    checkout_at, checkout_found = _locate(ids, checkout_matrix[:, 0])
    unknown = np.unique(np.concatenate([order_matrix[~order_found, 0], checkout_matrix[~checkout_found, 0]]))
    unknown = unknown[~np.isin(unknown, records.deleted)]
    if unknown.size:
        ids = np.union1d(ids, unknown)
        order_at, order_found = _locate(ids, order_matrix[:, 0])
        checkout_at, checkout_found = _locate(ids, checkout_matrix[:, 0])
    if not order_found.all():
        order_matrix, order_at = order_matrix[order_found], order_at[order_found]
    if not checkout_found.all():
        checkout_matrix, checkout_at = checkout_matrix[checkout_found], checkout_at[checkout_found]
    return LoadedShop(
        customer_ids=ids,
        orders=_order_rows(order_matrix, order_at),
        checkouts=CheckoutRows(
            customer=checkout_at, created_at=checkout_matrix[:, 1], value=checkout_matrix[:, 2]
        ),
        customers=records.columns(ids),
        sources=sources,
    )


def _locate(ids: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of each value in the sorted `ids`, and whether it is there at all."""
    at = np.searchsorted(ids, values)
    if ids.size == 0:
        return at, np.zeros(values.size, dtype=bool)
    return at, ids[np.minimum(at, ids.size - 1)] == values


class _CustomerRecords:
    """Customer rows turned into columns, live records sorted by Shopify id."""

    def __init__(self, rows: list[Any]) -> None:
        columns = list(zip(*rows, strict=True)) if rows else [()] * 8
        shopify_ids = np.array(columns[0], dtype=np.int64)
        deleted = np.array(columns[6], dtype=bool)
        self.deleted = np.sort(shopify_ids[deleted])
        live = np.flatnonzero(~deleted)
        live = live[np.argsort(shopify_ids[live], kind="stable")]
        self.ids = shopify_ids[live]
        pick = live.tolist()
        self.email = [state.lower() if state else None for state in (columns[1][i] for i in pick)]
        self.country = [columns[2][i] for i in pick]
        self.latitude = np.array(columns[3], dtype=np.float64)[live]  # None becomes NaN
        self.longitude = np.array(columns[4], dtype=np.float64)[live]
        self.tags = [columns[5][i] for i in pick]
        self.created = np.array([NO_TIME if t is None else int(t) for t in columns[7]], dtype=np.int64)[live]

    def columns(self, ids: np.ndarray) -> CustomerColumns:
        n = ids.size
        position = np.searchsorted(ids, self.ids)
        has_record = np.zeros(n, dtype=bool)
        has_record[position] = True
        email: list[str | None] = [None] * n
        country: list[str | None] = [None] * n
        tags: list[list[Any]] = [[] for _ in range(n)]
        for index, state, code, tag_text in zip(
            position.tolist(), self.email, self.country, self.tags, strict=True
        ):
            email[index], country[index] = state, code
            if tag_text and tag_text != "[]":
                tags[index] = _tag_list(tag_text)
        latitude = np.full(n, np.nan)
        longitude = np.full(n, np.nan)
        created = np.full(n, NO_TIME, dtype=np.int64)
        latitude[position], longitude[position], created[position] = (
            self.latitude,
            self.longitude,
            self.created,
        )
        return CustomerColumns(has_record, email, country, latitude, longitude, tags, created)


def _order_rows(matrix: np.ndarray, customer: np.ndarray) -> OrderRows:
    return OrderRows(
        customer=customer,
        order_id=matrix[:, 1],
        created_at=matrix[:, 2],
        total=matrix[:, 3],
        discount=matrix[:, 4],
        refunded=matrix[:, 5],
        source=matrix[:, 6] >> 3,  # NO_SOURCE (-1) * 8 shifts back to -1
        paid=(matrix[:, 6] & 4) != 0,
        cancelled=(matrix[:, 6] & 2) != 0,
        test=(matrix[:, 6] & 1) != 0,
    )


def _tag_list(value: Any) -> list[Any]:
    if isinstance(value, str):  # a driver that hands JSON back as text
        value = json.loads(value)
    return value if isinstance(value, list) else []
