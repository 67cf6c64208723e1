"""`flask --app app webhooks ...`: the inbox by hand (sweep now, list and retry dead letters)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from app import db
from app.models import WebhookDelivery

webhooks_cli = AppGroup("webhooks", help="The webhook inbox: sweep, dead letters.")


@webhooks_cli.command("sweep")
def sweep_command() -> None:
    """Queue drains for every shop with pending or due failed deliveries."""
    from jobs.sweeper import sweep

    click.echo(sweep())


@webhooks_cli.command("status")
def status_command() -> None:
    """Deliveries per status, and the dead letters."""
    with db.transaction() as session:
        counts = session.execute(
            select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)
        ).all()
        click.echo(" ".join(f"{status}={count}" for status, count in sorted(counts)))
        dead = session.execute(
            select(
                WebhookDelivery.id, WebhookDelivery.shop_id, WebhookDelivery.topic, WebhookDelivery.last_error
            )
            .where(WebhookDelivery.status == "dead")
            .order_by(WebhookDelivery.id)
            .limit(100)
        ).all()
        for row in dead:
            click.echo(f"dead #{row.id} shop={row.shop_id} {row.topic}: {row.last_error}")


@webhooks_cli.command("retry")
@click.argument("delivery_ids", nargs=-1, type=int)
@click.option("--all-dead", is_flag=True, help="Retry every dead letter.")
def retry_command(delivery_ids: tuple[int, ...], all_dead: bool) -> None:
    """Put dead (or failed) deliveries back to pending and queue their shops' drains."""
    from jobs.drain import retry_dead_letter
    from webhooks.drain_queue import request_drain

    with db.transaction() as session:
        if all_dead:
            delivery_ids = tuple(
                session.scalars(select(WebhookDelivery.id).where(WebhookDelivery.status == "dead"))
            )
        shops = {
            shop for shop in (retry_dead_letter(session, delivery_id) for delivery_id in delivery_ids) if shop
        }
    for shop_id in sorted(shops):
        request_drain(shop_id)
    click.echo(f"{len(delivery_ids)} requested, shops drained: {sorted(shops)}")
