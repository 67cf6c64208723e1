"""Order lines as arrays, and the one-hot order x product matrix everything else is built from.

Pure: numpy and scipy only. Ids stay Shopify's (int64); matrices use dense indices 0..n-1, and
the `Baskets` object carries the mapping back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

SECONDS_PER_DAY = 86_400.0


@dataclass(frozen=True)
class OrderLines:
    """One entry per order line. Order-level fields (customer, time) repeat on each of its lines.

    `ordered_at` is in days (any origin, e.g. Unix days); `customer_id` is -1 for guest orders.
    """

    order_id: np.ndarray
    customer_id: np.ndarray
    product_id: np.ndarray
    ordered_at: np.ndarray

    @classmethod
    def from_rows(cls, rows: list[tuple[int, int | None, int, float]]) -> OrderLines:
        """(order_id, customer_id or None, product_id, ordered_at_days) tuples, e.g. from SQL."""
        if not rows:
            return cls.empty()
        order_id, customer_id, product_id, ordered_at = zip(*rows, strict=True)
        return cls(
            order_id=np.asarray(order_id, dtype=np.int64),
            customer_id=np.asarray([-1 if c is None else c for c in customer_id], dtype=np.int64),
            product_id=np.asarray(product_id, dtype=np.int64),
            ordered_at=np.asarray(ordered_at, dtype=np.float64),
        )

    @classmethod
    def empty(cls) -> OrderLines:
        ints = np.zeros(0, dtype=np.int64)
        return cls(ints, ints, ints, np.zeros(0, dtype=np.float64))

    def __len__(self) -> int:
        return int(self.order_id.size)


def decay_weights(age_days: np.ndarray, half_life_days: float | None) -> np.ndarray:
    """Exponential recency weight 0.5 ** (age / half-life): an order one half-life old counts half.

    None turns weighting off (every order counts 1). Orders "from the future" (clock skew) count 1.
    """
    if half_life_days is None:
        return np.ones_like(age_days, dtype=np.float64)
    return np.power(0.5, np.maximum(age_days, 0.0) / half_life_days)


@dataclass(frozen=True)
class Baskets:
    """The one-hot order x product matrix (a product bought twice in one order counts once)."""

    matrix: sparse.csr_matrix  # orders x products, data 1.0
    product_ids: np.ndarray  # column index -> Shopify product id
    order_ids: np.ndarray  # row index -> Shopify order id
    order_customer: np.ndarray  # row index -> customer id (-1 guest)
    order_time: np.ndarray  # row index -> ordered_at (days)

    @property
    def n_orders(self) -> int:
        return int(self.matrix.shape[0])

    @property
    def n_products(self) -> int:
        return int(self.matrix.shape[1])


def _encode(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values, index of each value): O(n) when already grouped (as SQL ordered by order
    id returns them), else a sort."""
    if values.size and np.all(values[1:] >= values[:-1]):
        starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
        index = np.cumsum(np.r_[False, values[1:] != values[:-1]])
        return values[starts], index
    return np.unique(values, return_inverse=True)


def build_baskets(lines: OrderLines) -> Baskets:
    """Encode ids densely and build the CSR matrix row by row (no COO detour)."""
    order_ids, order_index = _encode(lines.order_id)
    product_ids, product_index = np.unique(lines.product_id, return_inverse=True)
    by_order = (
        np.argsort(order_index, kind="stable")
        if order_ids.size and np.any(order_index[1:] < order_index[:-1])
        else slice(None)
    )
    indptr = np.zeros(order_ids.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(order_index, minlength=order_ids.size), out=indptr[1:])
    indices = product_index[by_order].astype(np.int32)
    data = np.ones(indices.size, dtype=np.float64)
    matrix = sparse.csr_matrix((data, indices, indptr), shape=(order_ids.size, product_ids.size))
    matrix.sum_duplicates()
    matrix.data[:] = 1.0  # one-hot: duplicate lines of one product collapse
    order_customer = np.full(order_ids.size, -1, dtype=np.int64)
    order_time = np.zeros(order_ids.size, dtype=np.float64)
    order_customer[order_index] = lines.customer_id
    order_time[order_index] = lines.ordered_at
    return Baskets(matrix, product_ids, order_ids, order_customer, order_time)
