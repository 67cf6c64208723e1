"""The webhook inbox."""

from __future__ import annotations

from sqlalchemy import Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, bigpk, shop_fk, utc_created, utc_time


class WebhookDelivery(Base):
    """The inbox: every accepted webhook, stored before Shopify hears 200."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("shop_id", "webhook_id", name="uq_webhook_deliveries_shop_webhook"),
        # The drain's order, id included so that no plan sorts (migration 0014).
        Index("ix_webhook_deliveries_pending", "shop_id", "status", "triggered_at", "id"),
        # Added by migration 0002_pipeline: the sweeper's cross-shop search for due rows.
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    webhook_id: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[str | None] = mapped_column(String(100))
    topic: Mapped[str] = mapped_column(String(100))
    api_version: Mapped[str | None] = mapped_column(String(20))
    triggered_at: Mapped[utc_time]
    received_at: Mapped[utc_created]
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    # pending | processed | ignored | failed | dead
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[utc_time]
    processed_at: Mapped[utc_time]

    def __repr__(self) -> str:
        return f"WebhookDelivery(id={self.id!r}, topic={self.topic!r}, status={self.status!r})"
