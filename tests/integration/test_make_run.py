"""`make run`'s launcher from a clean instance folder: devstore, web and worker start, Orbit is
installed into the demo store through token exchange, the page's data is live, Ctrl-C stops all."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx

from tests.helpers import free_port

READY_LINE = re.compile(r"Orbit CRM is running \(ready in [\d.]+ s\): (\S+)")


def test_make_run_serves_the_demo_store_and_stops_cleanly_on_ctrl_c(tmp_path):
    port, devstore_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["ORBIT_INSTANCE_PATH"] = str(tmp_path / "instance")
    env["PYTHONUNBUFFERED"] = "1"
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
            "40",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 60  # the bound for a machine where setup already ran
        output: list[str] = []
        while url is None and time.monotonic() < deadline and launcher.poll() is None:
            line = launcher.stdout.readline()
            output.append(line)
            if match := READY_LINE.search(line):
                url = match.group(1)
        assert url == f"http://127.0.0.1:{port}/?shop=orbit-demo.myshopify.com", "".join(output)[-3000:]

        page = httpx.get(url, follow_redirects=True, timeout=10)
        assert page.status_code == 200 and "Signing in to orbit-demo.myshopify.com" in page.text
        token = httpx.get(
            f"http://127.0.0.1:{port}/auth/dev-session-token",
            params={"shop": "orbit-demo.myshopify.com"},
            timeout=10,
        ).json()["id_token"]
        overview = httpx.get(
            f"http://127.0.0.1:{port}/api/shop", headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
        assert overview.status_code == 200
        assert overview.json()["counts"]["customers"] == 40
        health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).json()
        deadline = time.monotonic() + 15
        while not health["worker"]["ok"] and time.monotonic() < deadline:
            time.sleep(0.3)
            health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).json()
        assert health["database"]["ok"] and health["redis"]["ok"] and health["worker"]["ok"]
    finally:
        os.killpg(launcher.pid, signal.SIGINT)  # what Ctrl-C in the terminal sends
        try:
            launcher.wait(timeout=20)
        finally:
            if launcher.poll() is None:
                os.killpg(launcher.pid, signal.SIGKILL)
        launcher.stdout.close()
    for checked in (port, devstore_port):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", checked)) != 0, f"port {checked} still open after Ctrl-C"
