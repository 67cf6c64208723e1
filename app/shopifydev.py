"""`shopify app dev` (via shopify.web.toml): web and worker against a real development store.

Shopify CLI exports the app's credentials, scopes, its tunnel URL and the port to listen on.
"""

from __future__ import annotations

import os

from app.config import instance_path
from app.launcher import ProcessGroup, redis_url_for_children, stop_on_sigterm, web_command, worker_command


def main() -> None:
    stop_on_sigterm()
    port = int(os.environ.get("BACKEND_PORT") or os.environ.get("PORT") or 5000)
    app_url = os.environ.get("SHOPIFY_APP_URL") or os.environ.get("APP_URL") or os.environ.get("HOST")
    if not app_url:
        raise SystemExit("run this through `shopify app dev`, which sets the app URL and credentials")
    instance = instance_path()
    with redis_url_for_children(instance) as redis_url:
        env = dict(os.environ)
        env.update(SHOPIFY_APP_URL=app_url, REDIS_URL=redis_url, ORBIT_INSTANCE_PATH=str(instance))
        env.pop("SHOPIFY_DEVSTORE_URL", None)  # a real store: never the stand-in
        group = ProcessGroup(env)
        try:
            group.start("web", web_command(port), ready_url=f"http://127.0.0.1:{port}/health")
            group.start("worker", worker_command())
            print(f"Orbit CRM is serving on port {port} for {app_url}", flush=True)
            group.wait()
        except KeyboardInterrupt:
            pass
        finally:
            group.stop()


if __name__ == "__main__":
    main()
