"""A push in its own process, for the SIGKILL test: `python -m tests.integration.push.crash_worker
<json>` with {config, shop_id, desired, pause, pause_from}. After each batch is answered (and
before its outcome is recorded) it prints "sent <n>", and from batch `pause_from` on it pauses,
so the test can kill it at exactly that point."""

from __future__ import annotations

import json
import sys
import time

from app import create_app
from app.push.sync import push_tags


def main() -> None:
    job = json.loads(sys.argv[1])
    app = create_app(job["config"])
    batches = 0

    def pause_after_send(batch) -> None:
        nonlocal batches
        batches += 1
        print(f"sent {batches}", flush=True)
        if batches >= job.get("pause_from", 1):
            time.sleep(job.get("pause", 0.5))

    desired = {int(customer): set(tags) for customer, tags in job["desired"].items()}
    with app.app_context():
        push_tags(job["shop_id"], desired, after_send=pause_after_send, bulk_threshold=10**9)
    print("done", flush=True)


if __name__ == "__main__":
    main()
