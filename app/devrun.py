"""`make run`: the devstore (a seeded demo store), the web app and a worker, wired together.

Orbit is installed into the demo store through the real token-exchange path before the URL
is printed. Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import time
from pathlib import Path

import httpx

from app.config import instance_path
from app.launcher import (
    PYTHON,
    ProcessGroup,
    redis_url_for_children,
    stop_on_sigterm,
    web_command,
    worker_command,
)

DEMO_SHOP = "orbit-demo.myshopify.com"


def dev_credentials(instance: Path) -> dict[str, str]:
    """A client id and secret for the local app, made once and kept under instance/."""
    path = instance / "dev-app.json"
    if path.exists():
        return json.loads(path.read_text())
    instance.mkdir(parents=True, exist_ok=True)
    credentials = {"client_id": "orbit-dev-" + secrets.token_hex(8), "client_secret": secrets.token_hex(32)}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(credentials, fh)
    return credentials


def install_into_demo_store(app_url: str, devstore_url: str, shop: str) -> None:
    """Open the app home the way the admin does: with a fresh id token, so token exchange runs."""
    token = httpx.post(f"{devstore_url}/_devstore/session-token", json={"shop": shop}, timeout=10)
    token.raise_for_status()
    home = httpx.get(app_url + "/", params={"shop": shop, "id_token": token.json()["id_token"]}, timeout=30)
    if home.status_code != 200:
        raise SystemExit(f"installing Orbit into {shop} failed: HTTP {home.status_code} {home.text[:300]}")


def main() -> None:
    stop_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 5000)))
    parser.add_argument("--devstore-port", type=int, default=int(os.environ.get("DEVSTORE_PORT", 8081)))
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    started = time.monotonic()
    instance = instance_path()
    credentials = dev_credentials(instance)
    app_url = f"http://127.0.0.1:{args.port}"
    devstore_url = f"http://127.0.0.1:{args.devstore_port}"
    devstore_command = [
        PYTHON,
        "-m",
        "devstore",
        "--host",
        "127.0.0.1",
        "--port",
        str(args.devstore_port),
        "--shop",
        DEMO_SHOP,
        "--customers",
        str(args.customers),
        "--seed",
        str(args.seed),
        "--client-id",
        credentials["client_id"],
        "--app-url",
        app_url,
    ]
    with redis_url_for_children(instance) as redis_url:
        env = dict(os.environ)
        env.update(
            SHOPIFY_API_KEY=credentials["client_id"],
            SHOPIFY_API_SECRET=credentials["client_secret"],
            SHOPIFY_APP_URL=app_url,
            SHOPIFY_DEVSTORE_URL=devstore_url,
            DEVSTORE_CLIENT_SECRET=credentials["client_secret"],
            REDIS_URL=redis_url,
            ORBIT_INSTANCE_PATH=str(instance),
        )
        group = ProcessGroup(env)
        try:
            group.start("devstore", devstore_command, ready_url=devstore_url + "/_devstore/health")
            group.start("web", web_command(args.port), ready_url=app_url + "/health")
            group.start("worker", worker_command())
            install_into_demo_store(app_url, devstore_url, DEMO_SHOP)
            print(
                f"\nOrbit CRM is running (ready in {time.monotonic() - started:.1f} s): "
                f"{app_url}/?shop={DEMO_SHOP}\n"
                f"Demo store (devstore): {devstore_url}   Ctrl-C stops everything.\n",
                flush=True,
            )
            group.wait()
        except KeyboardInterrupt:
            print("\nstopping…", flush=True)
        finally:
            group.stop()


if __name__ == "__main__":
    main()
