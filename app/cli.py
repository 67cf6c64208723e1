"""Operational commands: `flask --app app db upgrade`, `flask --app app worker`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from rq import Worker
from rq.serializers import JSONSerializer

db_cli = AppGroup("db", help="Database migrations.")


@db_cli.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    from app.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at {revision}")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--name", default=None, help="Worker name (defaults to RQ's).")
def worker(burst: bool, name: str | None) -> None:
    """Run an RQ worker over every Orbit queue, in priority order, with the scheduler."""
    from app.queues import all_queues
    from app.redis_conn import redis
    from jobs.context import set_worker_app

    set_worker_app(current_app._get_current_object())
    if not burst:
        from jobs.sweeper import start_ticker

        start_ticker(current_app._get_current_object())  # periodic webhook sweeper (jobs/sweeper.py)
        from jobs.analytics import start_ticker as start_analytics_ticker

        start_analytics_ticker(current_app._get_current_object())  # nightly full recompute
        from jobs.recommendations import start_ticker as start_recommendations_ticker

        start_recommendations_ticker(current_app._get_current_object())  # daily full recommendations build
        from jobs.referrals import start_ticker as start_referrals_ticker

        start_referrals_ticker(current_app._get_current_object())  # hourly referral holds and rewards
    rq_worker = Worker(all_queues(), connection=redis(), serializer=JSONSerializer, name=name)
    rq_worker.work(burst=burst, with_scheduler=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(worker)
    from webhooks.cli import webhooks_cli

    app.cli.add_command(webhooks_cli)
