"""Backfill throughput: a bulk-operation JSONL of N customers and M orders (two lines each),
streamed over HTTP into PostgreSQL through the backfill's own apply path (jobs.backfill.
apply_result: line-by-line download, GraphQL nodes -> records, multi-row upserts, checkpoint per
chunk). Goal (issue 3): 1M customers / 5M orders in <= 5 minutes.

    python benchmarks/backfill_jsonl.py                        # 1,000,000 / 5,000,000
    python benchmarks/backfill_jsonl.py --customers 100000 --orders 500000

Measured on the shared 2-core machine, 1M / 5M: 709 s at 231978d, 637.5 s at 8a34592 (a writer
thread beside the parse, both in one process), 259.2 s at 081801c: customers 28.5 s (35,136/s),
orders 230.8 s (21,668/s; 35.0 s CPU in this process, 126.3 s in PostgreSQL's backend), with the
parse in two child processes (jobs/backfill_parse.py), no foreign keys on orders and order_lines
and new rows COPYed straight into their tables. The parse processes' CPU is in neither figure.
Again at 9a60783 (statements kept per column set): 291.2 s, customers 33.8 s, orders 257.4 s
(4.8 + 37.8 s CPU in this process, 23.9 + 141.4 s in the backend), on a busier day.

The JSONL files are generated once into var/bench/ (gitignored) in the shape Orbit's bulk queries
return (grouped: each order's line items directly below it) and reused by later runs. The
database is a throw-away one on DATABASE_URL (default: the local PostgreSQL server).
"""

from __future__ import annotations

import argparse
import functools
import inspect
import json
import os
import random
import tempfile
import threading
import time
import uuid
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


def money(value: float) -> dict:
    return {"shopMoney": {"amount": f"{value:.2f}"}}


def write_customers(path: Path, count: int) -> None:
    rng = random.Random(1)
    with path.open("w") as fh:
        for index in range(count):
            node = {
                "id": f"gid://shopify/Customer/{10_000_000 + index}",
                "createdAt": "2025-01-01T00:00:00Z",
                "updatedAt": "2025-06-01T00:00:00Z",
                "firstName": f"First{index}",
                "lastName": f"Last{index % 9973}",
                "state": "ENABLED",
                "verifiedEmail": True,
                "note": None,
                "tags": ["newsletter"] if index % 3 == 0 else [],
                "defaultEmailAddress": {
                    "emailAddress": f"customer{index}@example.com",
                    "marketingState": "SUBSCRIBED" if index % 2 else "NOT_SUBSCRIBED",
                    "marketingOptInLevel": "SINGLE_OPT_IN",
                    "marketingUpdatedAt": "2025-01-01T00:00:00Z",
                },
                "defaultPhoneNumber": None,
                "defaultAddress": {
                    "city": "Ottawa",
                    "provinceCode": "ON",
                    "countryCodeV2": "CA",
                    "zip": "K1A 0B1",
                    "latitude": 45.42 + rng.random() / 10,
                    "longitude": -75.69,
                },
            }
            fh.write(json.dumps(node, separators=(",", ":")) + "\n")


def write_orders(path: Path, count: int, customers: int) -> None:
    rng = random.Random(2)
    with path.open("w") as fh:
        for index in range(count):
            order_id = f"gid://shopify/Order/{20_000_000 + index}"
            price = round(5 + rng.random() * 60, 2)
            order = {
                "id": order_id,
                "name": f"#{1001 + index}",
                "email": f"customer{index % customers}@example.com",
                "createdAt": "2025-03-01T12:00:00Z",
                "updatedAt": "2025-03-02T12:00:00Z",
                "processedAt": "2025-03-01T12:00:00Z",
                "cancelledAt": None,
                "cancelReason": None,
                "displayFinancialStatus": "PAID",
                "displayFulfillmentStatus": "FULFILLED",
                "currencyCode": "USD",
                "test": False,
                "tags": [],
                "sourceName": "web",
                "clientIp": "203.0.113.7",
                "landingPageUrl": "/?utm_source=newsletter",
                "referrerUrl": None,
                "discountCodes": [],
                "customAttributes": [],
                "customer": {"id": f"gid://shopify/Customer/{10_000_000 + rng.randrange(customers)}"},
                "subtotalPriceSet": money(price * 2),
                "totalDiscountsSet": money(0),
                "totalTaxSet": money(price * 0.26),
                "totalPriceSet": money(price * 2.26),
                "currentTotalPriceSet": money(price * 2.26),
                "refunds": [],
            }
            fh.write(json.dumps(order, separators=(",", ":")) + "\n")
            for line in range(2):
                item = {
                    "id": f"gid://shopify/LineItem/{30_000_000 + index * 2 + line}",
                    "title": f"Product {line}",
                    "sku": f"SKU-{line}",
                    "quantity": 1,
                    "product": {"id": f"gid://shopify/Product/{line + 1}"},
                    "variant": {"id": f"gid://shopify/ProductVariant/{line + 100}"},
                    "originalUnitPriceSet": money(price),
                    "totalDiscountSet": money(0),
                    "__parentId": order_id,
                }
                fh.write(json.dumps(item, separators=(",", ":")) + "\n")


def ensure_files(customers: int, orders: int) -> tuple[Path, Path]:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    customer_file = BENCH_DIR / f"customers-{customers}.jsonl"
    order_file = BENCH_DIR / f"orders-{orders}-{customers}.jsonl"
    for path, write in (
        (customer_file, lambda p: write_customers(p, customers)),
        (order_file, lambda p: write_orders(p, orders, customers)),
    ):
        if not path.exists():
            started = time.perf_counter()
            partial = path.with_suffix(".partial")
            write(partial)
            partial.rename(path)
            print(
                f"generated {path.name} ({path.stat().st_size / 1e6:.0f} MB)"
                f" in {time.perf_counter() - started:.0f} s"
            )
    return customer_file, order_file


def serve(directory: Path) -> str:
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(directory))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


def backend_cpu_seconds(database: str) -> float:
    """CPU (user + system) of the PostgreSQL server processes serving `database`, when the
    server runs on this machine (its processes are named "postgres: user database ..."); the
    machine is shared, so CPU seconds say more than wall-clock time."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if not title.startswith("postgres: ") or f" {database} " not in title:
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / tick


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=5_000_000)
    args = parser.parse_args()
    customer_file, order_file = ensure_files(args.customers, args.orders)

    server_url = make_url(
        os.environ.get("DATABASE_URL", DEFAULT_SERVER).replace("postgresql://", "postgresql+psycopg://")
    )
    name = f"orbit_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run(
            server_url.set(database=name).render_as_string(hide_password=False),
            customer_file,
            order_file,
            args,
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run(database_url: str, customer_file: Path, order_file: Path, args: argparse.Namespace) -> None:
    from app import create_app, db
    from app.models import JobRun, Shop
    from jobs.backfill import apply_result

    app = create_app(
        {
            "DATABASE_URL": database_url,
            "SHOPIFY_API_KEY": "bench",
            "SHOPIFY_API_SECRET": "bench-secret-0123456789abcdef0123",
            "ORBIT_ENCRYPTION_KEY": Fernet.generate_key().decode(),
            "ORBIT_INSTANCE_PATH": tempfile.mkdtemp(prefix="orbit-bench-"),
        }
    )
    base = serve(customer_file.parent)
    with app.app_context():
        with db.transaction() as session:
            shop = Shop(domain="bench.myshopify.com", settings={})
            session.add(shop)
            session.flush()
            run_row = JobRun(shop_id=shop.id, kind="backfill", status="running", checkpoint={})
            session.add(run_row)
            session.flush()
            shop_id, run_id = shop.id, run_row.id
        # Newer apply_result takes a callback that keeps the run's resume lock alive.
        keep_alive = (lambda: None,) if len(inspect.signature(apply_result).parameters) > 5 else ()
        database = make_url(database_url).database
        timings = {}
        for resource, path in (("customers", customer_file), ("orders", order_file)):
            started, cpu, server_cpu = time.perf_counter(), time.process_time(), backend_cpu_seconds(database)
            applied = apply_result(run_id, shop_id, resource, f"{base}/{path.name}", 0, *keep_alive)
            timings[resource] = (applied, time.perf_counter() - started)
            print(
                f"{resource}: CPU {time.process_time() - cpu:.1f} s in this process (the writer; the parse"
                " runs in child processes),"
                f" {backend_cpu_seconds(database) - server_cpu:.1f} s in PostgreSQL's backend"
            )
    customers, customer_seconds = timings["customers"]
    orders, order_seconds = timings["orders"]
    rows = customers + orders * 3  # an order row and its two line rows
    total = customer_seconds + order_seconds
    print(f"customers: {customers:,} in {customer_seconds:.1f} s ({customers / customer_seconds:,.0f}/s)")
    print(
        f"orders:    {orders:,} (+{orders * 2:,} lines) in {order_seconds:.1f} s"
        f" ({orders / order_seconds:,.0f} orders/s)"
    )
    print(f"total:     {rows:,} rows in {total:.1f} s ({rows / total:,.0f} rows/s) on PostgreSQL")
    full = 1_000_000 / (customers / customer_seconds) + 5_000_000 / (orders / order_seconds)
    if (args.customers, args.orders) != (1_000_000, 5_000_000):
        print(f"EXTRAPOLATED (linear, not measured) to 1M customers / 5M orders: {full / 60:.1f} min")


if __name__ == "__main__":
    main()
