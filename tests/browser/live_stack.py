"""A live Orbit for the browser: devstore with a seeded demo store, the web app and a worker,
started like `make run` (app.devrun) in a fresh instance folder."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.helpers import free_port

READY_LINE = re.compile(r"Orbit CRM is running \(ready in [\d.]+ s\): (\S+)")
DEMO_SHOP = "orbit-demo.myshopify.com"


@dataclass
class LiveStack:
    url: str
    app_url: str
    devstore_url: str
    process: subprocess.Popen
    output: list[str]
    instance: Path

    def token(self) -> str:
        response = httpx.get(f"{self.app_url}/auth/dev-session-token", params={"shop": DEMO_SHOP}, timeout=10)
        response.raise_for_status()
        return response.json()["id_token"]

    def api(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token()}"}
        return httpx.request(method, self.app_url + path, headers=headers, timeout=30, **kwargs)

    def wait_for_import(self, timeout: float = 180) -> dict:
        """Wait for the backfill that install starts (a worker job) to finish; its job run."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = [j for j in self.api("GET", "/api/activity").json()["jobs"] if j["kind"] == "backfill"]
            if runs and runs[0]["status"] == "succeeded":
                return runs[0]
            if runs and runs[0]["status"] == "failed":
                raise RuntimeError(f"the import failed: {runs[0]['error']}")
            time.sleep(1)
        raise RuntimeError("the import did not finish in time:\n" + "".join(self.output)[-3000:])

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process.stdout.close()


def start_stack(instance: Path, customers: int = 120) -> LiveStack:
    port, devstore_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(ORBIT_INSTANCE_PATH=str(instance), PYTHONUNBUFFERED="1")
    command = [sys.executable, "-m", "app.devrun", "--port", str(port), "--devstore-port", str(devstore_port)]
    process = subprocess.Popen(
        [*command, "--customers", str(customers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline()
        output.append(line)
        if match := READY_LINE.search(line):
            # Keep reading the launcher's output so its pipe never fills and blocks it.
            threading.Thread(target=lambda: [output.append(x) for x in process.stdout], daemon=True).start()
            app_url = f"http://127.0.0.1:{port}"
            devstore_url = f"http://127.0.0.1:{devstore_port}"
            return LiveStack(match.group(1), app_url, devstore_url, process, output, instance)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("the app did not start:\n" + "".join(output)[-3000:])
