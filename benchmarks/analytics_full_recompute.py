"""Seconds for a full analytics recompute (load, facts, RFM + CLV + lead fit and scores, bulk write,
22 segments with history) on synthetic stores, beside the bare SQL RFM aggregate in the same run,
and milliseconds for the incremental update of one customer after an order.

    .venv/bin/python benchmarks/analytics_full_recompute.py [--customers 1000000] [--orders-per-customer 10]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/...

A throwaway database: a SQLite file under var/bench/ (deleted afterwards) or a fresh PostgreSQL
database (dropped afterwards). The data is generated inside the database (generate_series on
PostgreSQL, a recursive CTE on SQLite): one bulk statement per table, no row through Python.
Goals (issue 4): 1M customers / 10M orders in <= 60 s on PostgreSQL, <= 120 s on SQLite; one
customer's incremental update <= 20 ms.
"""

# ruff: noqa: E501  (long SQL literals read better unbroken)

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.db import make_engine, normalise_database_url  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.segments.recompute import full_recompute, incremental_recompute  # noqa: E402

NOW = datetime(2026, 11, 30, tzinfo=UTC)
START_EPOCH = int(NOW.timestamp()) - 3 * 365 * 86400
SPAN = 3 * 365 * 86400


def throwaway_database() -> tuple[str, callable]:
    configured = os.environ.get("DATABASE_URL")
    if not configured:
        folder = Path("var/bench")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"analytics-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: [p.unlink(missing_ok=True) for p in folder.glob(path.name + "*")]
    server = make_url(normalise_database_url(configured))
    name = f"orbit_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return server.set(database=name).render_as_string(hide_password=False), drop


def generate(session: Session, customers: int, per_customer: int) -> None:
    """Customers 1..N (ids 10^9 + i), ~per_customer orders each on a skewed spread (customer
    i*i mod N), one line per order, 5% of orders refunded, N/4 abandoned checkouts, 40 products."""
    orders = customers * per_customer
    pg = session.get_bind().dialect.name == "postgresql"
    rows = (
        "generate_series(1, {n}) AS s(i)"
        if pg
        else "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c LIMIT {n}) SELECT i FROM c) AS s"
    )
    rand = "random()" if pg else "(abs(random()) / 9223372036854775807.0)"
    when = (
        "to_timestamp({start} + floor({rand} * {span}))"
        if pg
        else "strftime('%Y-%m-%d %H:%M:%S.000000', {start} + abs(random()) % {span}, 'unixepoch')"
    ).format(start=START_EPOCH, span=SPAN, rand=rand)
    square = "(i::bigint * i)" if pg else "(i * i)"  # a skewed spread of orders over customers
    now = "now()" if pg else "'2026-11-30 00:00:00.000000'"
    json_list = '\'["newsletter", "gender:male", "age:25-34"]\'' + ("::jsonb" if pg else "")
    empty = "'[]'" + ("::jsonb" if pg else "")
    no_settings = "'{}'" + ("::jsonb" if pg else "")
    statements = [
        f"INSERT INTO shops (id, domain, scopes, state, settings, created_at, updated_at) VALUES "
        f"(1, 'bench.myshopify.com', '', 'installed', {no_settings}, {now}, {now})",
        f"INSERT INTO products (shop_id, shopify_id, title, product_type, tags, variants, created_at, updated_at) "
        f"SELECT 1, 5000 + i, 'Product ' || i, 'Type ' || (i % 5), {empty}, {empty}, {now}, {now} "
        f"FROM {rows.format(n=40)}",
        f"INSERT INTO customers (shop_id, shopify_id, email_marketing_state, country_code, latitude, longitude, "
        f"tags, created_at, updated_at) SELECT 1, 1000000000 + i, CASE WHEN i % 3 = 0 THEN 'SUBSCRIBED' "
        f"ELSE 'NOT_SUBSCRIBED' END, 'US', 40.7 + (i % 100) / 100.0, -73.9 + (i % 77) / 100.0, "
        f"CASE WHEN i % 4 = 0 THEN {json_list} ELSE {empty} END, {now}, {now} FROM {rows.format(n=customers)}",
        f"INSERT INTO orders (shop_id, shopify_id, customer_shopify_id, financial_status, subtotal_price, "
        f"total_discounts, total_tax, total_price, discount_codes, note_attributes, tags, test, source_name, "
        f"processed_at, created_at, updated_at) SELECT 1, 2000000000 + i, "
        f"1000000000 + 1 + ({square} % {customers}), CASE WHEN i % 50 = 0 THEN 'pending' ELSE 'paid' END, "
        f"20 + i % 90, CASE WHEN i % 4 = 0 THEN 5 ELSE 0 END, 0, 20 + i % 90, {empty}, {empty}, {empty}, "
        f"{'false' if pg else '0'}, CASE WHEN i % 3 = 0 THEN 'pos' ELSE 'web' END, {when}, {now}, {now} "
        f"FROM {rows.format(n=orders)}",
        "INSERT INTO order_lines (shop_id, order_id, shopify_id, product_shopify_id, title, quantity, price, "
        "total_discount) SELECT 1, id, shopify_id + 3000000000, 5001 + shopify_id % 40, 'x', 1, total_price, 0 "
        "FROM orders",
        "INSERT INTO refunds (shop_id, shopify_id, order_shopify_id, amount, line_items, processed_at, created_at) "
        f"SELECT 1, shopify_id + 6000000000, shopify_id, 10, {empty}, processed_at, processed_at "
        "FROM orders WHERE shopify_id % 20 = 0",
        "INSERT INTO checkouts (shop_id, shopify_id, customer_shopify_id, total_price, line_items, "
        f"shopify_created_at, created_at, updated_at) SELECT 1, 7000000000 + i, 1000000000 + 1 + (i * 7) % "
        f"{customers}, 35 + i % 60, {empty}, {when}, {now}, {now} FROM {rows.format(n=customers // 4)}",
    ]
    for statement in statements:
        session.execute(text(statement))
    if pg:
        session.execute(text("ANALYZE"))


def bare_rfm_aggregate(session: Session) -> float:
    started = time.perf_counter()
    rows = session.execute(
        text(
            "SELECT customer_shopify_id, count(*), max(processed_at), sum(total_price) FROM orders "
            "WHERE shop_id = 1 AND financial_status IN ('paid', 'partially_refunded', 'refunded') "
            "AND cancelled_at IS NULL AND test = :no GROUP BY customer_shopify_id"
        ),
        {"no": False},
    ).all()
    assert rows
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders-per-customer", type=int, default=10)
    # Generating 1M / 10M takes minutes: --keep leaves the database in place and prints its URL,
    # --reuse URL measures on one generated before (same sizes) instead of making a new one.
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", metavar="DATABASE_URL")
    args = parser.parse_args()
    url, drop = (args.reuse, lambda: None) if args.reuse else throwaway_database()
    if args.keep and not args.reuse:
        print(f"keeping the database: --reuse {url}")
        drop = lambda: None  # noqa: E731
    try:
        upgrade(url)
        engine = make_engine(url)
        backend = engine.dialect.name
        if args.reuse:
            with Session(engine) as session, session.begin():
                session.execute(text("DELETE FROM orders WHERE shopify_id >= 9000000000"))
            if backend == "postgresql":
                # Each run deletes and rewrites a million facts rows (and memberships): with
                # autovacuum off, as on the test server, the dead rows of every earlier run would
                # pile up (3.5 GB of facts after a few runs) and slow each run down. VACUUM here
                # does what autovacuum does between two daily recomputes.
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(
                        text(
                            "VACUUM (ANALYZE) customer_facts, segment_memberships, segment_membership_events"
                        )
                    )
        else:
            started = time.perf_counter()
            with Session(engine) as session, session.begin():
                generate(session, args.customers, args.orders_per_customer)
            print(f"{backend}: generated {args.customers:,} customers / {args.customers * args.orders_per_customer:,} "
                  f"orders in {time.perf_counter() - started:.1f} s")  # fmt: skip
        with Session(engine) as session, session.begin():
            bare = bare_rfm_aggregate(session)
        started = time.perf_counter()
        with Session(engine) as session, session.begin():
            report = full_recompute(session, 1, NOW)
        total = time.perf_counter() - started
        stages = ", ".join(f"{name} {seconds:.1f}" for name, seconds in report.seconds.items())
        print(f"{backend}: full recompute {total:.1f} s ({stages}; commit included in the total)")
        print(f"{backend}: bare SQL RFM aggregate (GROUP BY customer, fetched) {bare:.1f} s")
        timings = []
        with Session(engine) as session:
            for attempt in range(20):
                customer = 1_000_000_001 + attempt * 7
                with session.begin():
                    session.execute(
                        text(
                            "INSERT INTO orders (shop_id, shopify_id, customer_shopify_id, financial_status, "
                            "subtotal_price, total_discounts, total_tax, total_price, discount_codes, "
                            "note_attributes, tags, test, processed_at, created_at, updated_at) VALUES "
                            "(1, :id, :customer, 'paid', 50, 0, 0, 50, '[]', '[]', '[]', :no, :at, :at, :at)"
                        ),
                        {"id": 9_000_000_000 + attempt, "customer": customer, "no": False, "at": NOW},
                    )
                started = time.perf_counter()
                with session.begin():
                    incremental_recompute(session, 1, [customer], NOW)
                timings.append((time.perf_counter() - started) * 1000)
        print(
            f"{backend}: incremental update of one customer after an order: "
            f"median {statistics.median(timings):.1f} ms, max {max(timings):.1f} ms (20 runs, commit included)"
        )
        engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
