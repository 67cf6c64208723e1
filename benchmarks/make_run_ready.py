"""Seconds from launching `make run`'s launcher (setup already done) to the demo store page
answering with live data. Issue 2's bound: 60 s. Prints one line per run and the median."""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

RUNS = 3
SHOP = "orbit-demo.myshopify.com"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def one_run(customers: int) -> tuple[float, float]:
    port, devstore_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    with tempfile.TemporaryDirectory() as instance:
        env["ORBIT_INSTANCE_PATH"] = instance
        env["PYTHONUNBUFFERED"] = "1"
        started = time.monotonic()
        launcher = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app.devrun",
                "--port",
                str(port),
                "--devstore-port",
                str(devstore_port),
                "--customers",
                str(customers),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            for line in launcher.stdout:
                if "Orbit CRM is running" in line:
                    break
            else:
                raise SystemExit("launcher exited before it was ready")
            ready = time.monotonic() - started
            page = httpx.get(f"http://127.0.0.1:{port}/?shop={SHOP}", follow_redirects=True, timeout=30)
            token = httpx.get(f"http://127.0.0.1:{port}/auth/dev-session-token", params={"shop": SHOP}).json()
            data = httpx.get(
                f"http://127.0.0.1:{port}/api/shop",
                headers={"Authorization": f"Bearer {token['id_token']}"},
                timeout=30,
            )
            assert page.status_code == 200 and data.status_code == 200
            serving = time.monotonic() - started
        finally:
            os.killpg(launcher.pid, signal.SIGINT)
            launcher.wait(timeout=30)
            launcher.stdout.close()
    return ready, serving


def main() -> None:
    for customers in (500, 5000):
        results = [one_run(customers) for _ in range(RUNS)]
        for ready, serving in results:
            print(f"customers={customers}: ready {ready:.2f} s, page with live data {serving:.2f} s")
        median = statistics.median(serving for _, serving in results)
        print(
            f"customers={customers}: median time to the demo page with live data: {median:.2f} s (bound 60 s)"
        )


if __name__ == "__main__":
    main()
