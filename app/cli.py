"""Operational commands: `flask --app app db upgrade`, `flask --app app worker`,
`flask --app app sync reconcile`."""

from __future__ import annotations

import threading

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


def start_tickers(app: Flask) -> list[threading.Thread]:
    """The periodic work every long-running worker queues (RQ's own CronScheduler enqueues with
    pickle, which these JSON-serializer workers cannot read): one daemon thread each."""
    from jobs import analytics, recommendations, reconcile, referrals, sweeper

    return [
        sweeper.start_ticker(app),  # drains for webhook rows no drain will reach
        analytics.start_ticker(app),  # nightly full recompute
        recommendations.start_ticker(app),  # daily full recommendations build
        referrals.start_ticker(app),  # hourly referral holds and rewards
        # Webhooks are not guaranteed: the periodic updated_at reconciliation catches what never came.
        reconcile.start_ticker(app),
    ]


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
        start_tickers(current_app._get_current_object())
    rq_worker = Worker(all_queues(), connection=redis(), serializer=JSONSerializer, name=name)
    rq_worker.work(burst=burst, with_scheduler=True)


sync_cli = AppGroup("sync", help="Reading Shopify's data: reconciliation.")


@sync_cli.command("reconcile")
def reconcile_command() -> None:
    """Queue a reconciliation (updated_at since the last success) for every installed shop."""
    from jobs.reconcile import queue_reconcile_all

    queued = queue_reconcile_all()
    click.echo("reconciliation queued" if queued else "a reconciliation is already waiting")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(worker)
    app.cli.add_command(sync_cli)
    from webhooks.cli import webhooks_cli

    app.cli.add_command(webhooks_cli)
