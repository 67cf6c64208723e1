"""What Orbit pushed to Shopify: tags per customer, and Shopify segments mirroring Orbit's.

`tag_sync` is the memory that makes a push a diff (DESIGN 6): `pushed` is the list of Orbit's
tags Shopify is known to hold for the customer; `in_flight` is the change a push is sending
right now (recorded before the request, cleared with its outcome), so a push that crashed in
between knows which customers to re-check, and a `customer.tags_added` webhook that arrives
before the outcome is recorded is still recognised as Orbit's own echo. `refused` lists tags
Orbit could not write (tag limits) with the reason.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, bigpk, shop_fk, utc_created, utc_updated


class TagSync(Base):
    __tablename__ = "tag_sync"
    __table_args__ = (UniqueConstraint("shop_id", "customer_shopify_id", name="uq_tag_sync_shop_customer"),)

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    customer_shopify_id: Mapped[int] = mapped_column(BigInteger)
    pushed: Mapped[list[Any]] = mapped_column(default=list)
    # {"add": [...], "remove": [...]} while a request carrying them may be in Shopify's hands.
    # SQL NULL (not JSON null) when nothing is in flight, so "in flight" is an indexable test.
    in_flight: Mapped[dict[str, Any] | None] = mapped_column(
        JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql"), default=None
    )
    refused: Mapped[list[Any]] = mapped_column(default=list)  # [{"tag", "reason"}]
    created_at: Mapped[utc_created]
    updated_at: Mapped[utc_updated]

    def __repr__(self) -> str:
        return f"TagSync(shop_id={self.shop_id!r}, customer={self.customer_shopify_id!r})"


class ShopifySegment(Base):
    """A Shopify segment Orbit created for one of its segments (query on the segment's tag).

    `segment_id` is Orbit's `segments.id`, kept without a foreign key: when the Orbit segment
    is deleted this row stays until the push deletes the Shopify segment too.
    """

    __tablename__ = "shopify_segments"
    __table_args__ = (UniqueConstraint("shop_id", "segment_id", name="uq_shopify_segments_shop_segment"),)

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    segment_id: Mapped[int] = mapped_column(Integer)
    shopify_gid: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(255))
    query: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[utc_created]
    updated_at: Mapped[utc_updated]

    def __repr__(self) -> str:
        return f"ShopifySegment(segment_id={self.segment_id!r}, gid={self.shopify_gid!r})"
