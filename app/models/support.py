"""Support contacts logged by the merchant against a customer (the support stage's KPIs)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, bigpk, shop_fk, utc_created, utcnow

CHANNELS = ("email", "chat", "phone", "social", "in_store", "other")


class SupportContact(Base):
    """One contact: how it came in, why, whether the first answer solved it, and what the
    customer said about it (CSAT 1-5 and customer effort 1-7; either may be unanswered)."""

    __tablename__ = "support_contacts"
    __table_args__ = (
        Index("ix_support_contacts_shop_contacted", "shop_id", "contacted_at"),
        Index("ix_support_contacts_shop_customer", "shop_id", "customer_shopify_id"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    # Shopify's customer id, like the mirrored tables: a contact may be logged before the
    # customer's own webhook has arrived.
    customer_shopify_id: Mapped[int] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(200))
    resolved_first_contact: Mapped[bool] = mapped_column(Boolean)
    csat: Mapped[int | None] = mapped_column(SmallInteger)
    effort: Mapped[int | None] = mapped_column(SmallInteger)
    note: Mapped[str | None] = mapped_column(Text)
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[utc_created]

    def __repr__(self) -> str:
        return f"SupportContact(id={self.id!r}, shop_id={self.shop_id!r}, channel={self.channel!r})"
