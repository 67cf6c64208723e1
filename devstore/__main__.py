"""`python -m devstore`: seed a demo shop and serve the devstore (werkzeug, threaded)."""

from __future__ import annotations

import argparse
import os

from werkzeug.serving import run_simple

from devstore.seed import make_demo_shop
from devstore.server import create_devstore_app
from devstore.state import DevstoreConfig
from devstore.store import Store


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstore", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--shop", action="append", help="myshopify domain to seed (repeatable)")
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--client-id")
    # The secret may come from the environment so it never shows in the process list.
    parser.add_argument("--client-secret", default=os.environ.get("DEVSTORE_CLIENT_SECRET"))
    parser.add_argument("--app-url", default="http://127.0.0.1:5000")
    parser.add_argument("--scopes", help="comma-separated; default: shopify.app.toml's access_scopes")
    parser.add_argument("--restore-rate", type=float, default=100.0)
    parser.add_argument("--bucket-size", type=float, default=1000.0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    config = DevstoreConfig(host=args.host, port=args.port, app_url=args.app_url)
    config.restore_rate, config.bucket_size = args.restore_rate, args.bucket_size
    if args.client_id:
        config.client_id = args.client_id
    if args.client_secret:
        config.client_secret = args.client_secret
    if args.scopes:
        config.scopes = tuple(s.strip() for s in args.scopes.split(",") if s.strip())

    store = Store()
    for index, domain in enumerate(args.shop or ["orbit-demo.myshopify.com"]):
        store.add_shop(make_demo_shop(domain, customers=args.customers, seed=args.seed + index))
    summary = ", ".join(f"{d} ({len(s.customers)} customers)" for d, s in store.shops.items())
    print(f"devstore: serving {summary} at http://{args.host}:{args.port}", flush=True)
    run_simple(args.host, args.port, create_devstore_app(config, store), threaded=True)


if __name__ == "__main__":
    main()
