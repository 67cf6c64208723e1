"""Seconds to build recommendations from 10M synthetic order lines (issue 5's goal: <= 10 s for the
bought-together build). Prints the timing of each stage: baskets (one-hot CSR), bought-together
(X^T W X, scoring, top 10 per product) and the per-customer lists (buy-again + new-to-you).

Synthetic store: 20,000 products in 500 themes (a basket mostly stays within one theme, as real
baskets do), Zipf-like popularity, 400,000 customers, 2,000,000 orders over two years, 5 lines per
order on average. Generation is not timed. The machine is shared with other engineers' jobs.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from app.recommendations.baskets import OrderLines, build_baskets
from app.recommendations.cooccurrence import CooccurrenceParams, count_cooccurrence, top_pairs
from app.recommendations.personal import PersonalParams, personal_recommendations

LINES = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
PRODUCTS, THEMES, CUSTOMERS, DAYS = 20_000, 500, 400_000, 730.0


def synthetic_lines(lines: int, seed: int = 5) -> OrderLines:
    rng = np.random.default_rng(seed)
    orders = lines // 5
    sizes = np.clip(rng.poisson(4.0, orders) + 1, 1, 30)
    sizes[-1] += lines - sizes.sum() if lines > sizes.sum() else 0
    order_of_line = np.repeat(np.arange(orders, dtype=np.int64), sizes)[:lines]
    theme = rng.integers(0, THEMES, orders)[order_of_line]
    per_theme = PRODUCTS // THEMES
    in_theme = np.minimum(rng.zipf(1.6, order_of_line.size) - 1, per_theme - 1)
    product = theme * per_theme + in_theme
    stray = rng.random(order_of_line.size) < 0.2  # one line in five from anywhere in the catalogue
    product[stray] = np.minimum(rng.zipf(1.3, int(stray.sum())) - 1, PRODUCTS - 1)
    customer = (CUSTOMERS * rng.random(orders) ** 2).astype(np.int64)  # some buy often, most rarely
    day = rng.uniform(0.0, DAYS, orders)
    return OrderLines(
        order_id=order_of_line + 1_000_000,
        customer_id=customer[order_of_line].astype(np.int64),
        product_id=product.astype(np.int64) + 7_000_000_000,
        ordered_at=day[order_of_line],
    )


def clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def main() -> None:
    lines = synthetic_lines(LINES)
    print(f"{len(lines):,} order lines, {np.unique(lines.order_id).size:,} orders (generated, not timed)")
    print("stage                          wall s   cpu s   (cpu: this process only; the machine is shared)")
    marks = [clock()]
    baskets = build_baskets(lines)
    marks.append(clock())
    params = CooccurrenceParams()
    cooc = count_cooccurrence(baskets, DAYS, params.half_life_days)
    marks.append(clock())
    pairs = top_pairs(cooc, params, excluded=set(range(7_000_000_000, 7_000_000_200)))
    marks.append(clock())
    personal = personal_recommendations(baskets, DAYS, pairs, PersonalParams())
    marks.append(clock())

    def line(label: str, a: int, b: int, note: str = "") -> None:
        wall, cpu = marks[b][0] - marks[a][0], marks[b][1] - marks[a][1]
        print(f"{label:30s} {wall:6.2f}  {cpu:6.2f}  {note}")

    line("baskets (one-hot CSR)", 0, 1)
    line("co-occurrence X^T W X", 1, 2, f"{cooc.counts.nnz:,} pairs")
    line("score + top 10 per product", 2, 3, f"{pairs.anchor.size:,} kept")
    line("bought-together build total", 0, 3, "goal <= 10 s")
    line("per-customer lists", 3, 4, f"{np.unique(personal.customer).size:,} customers")
    line("everything", 0, 4)


if __name__ == "__main__":
    main()
