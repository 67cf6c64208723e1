"""The referral program's tables: advocates (a code and link each), link clicks, referrals (one
per friend's order, with the fraud verdict) and the rewards ledger.

Program settings live in `shops.settings["referrals"]` (app/referral_program/settings.py): one
small JSON document per shop needs no table. Customers are referred to by Shopify id, like the
mirrors, because a referral can be recorded before a customer's own webhook has arrived; no
personal data is stored here (names, emails and addresses stay in `customers`).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, MoneyType, UTCDateTime, bigpk, shop_fk, utc_created, utc_time, utc_updated


class Advocate(Base):
    """A customer with a referral code; the code is a Shopify discount code friends use."""

    __tablename__ = "referral_advocates"
    __table_args__ = (
        UniqueConstraint("shop_id", "customer_shopify_id", name="uq_referral_advocates_shop_customer"),
        UniqueConstraint("shop_id", "code", name="uq_referral_advocates_shop_code"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    customer_shopify_id: Mapped[int] = mapped_column(BigInteger)
    code: Mapped[str] = mapped_column(String(40))  # upper case, as Shopify compares codes
    # gid://shopify/DiscountCodeNode/...; None until the code exists in Shopify.
    discount_gid: Mapped[str | None] = mapped_column(String(100))
    link: Mapped[str | None] = mapped_column(Text)
    metafield_written_at: Mapped[utc_time]
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[utc_created]
    updated_at: Mapped[utc_updated]

    def __repr__(self) -> str:
        return f"Advocate(id={self.id!r}, shop_id={self.shop_id!r}, code={self.code!r})"


class Referral(Base):
    """A friend's order attributed to an advocate, and what became of it.

    status: pending (hold running) | review (waits for the merchant) | earned (reward due) |
    rejected | void (cancelled or refunded in the hold). `findings` is the fraud verdict's list
    of {rule, action, reason}; `decided_by` is "rules" or the merchant's user id.
    """

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("shop_id", "order_shopify_id", name="uq_referrals_shop_order"),
        Index("ix_referrals_shop_advocate", "shop_id", "advocate_id"),
        Index("ix_referrals_shop_status", "shop_id", "status"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    advocate_id: Mapped[int] = mapped_column(ForeignKey("referral_advocates.id", ondelete="CASCADE"))
    order_shopify_id: Mapped[int] = mapped_column(BigInteger)
    friend_customer_shopify_id: Mapped[int | None] = mapped_column(BigInteger)
    code: Mapped[str] = mapped_column(String(40))
    via: Mapped[str] = mapped_column(String(20))  # discount_code | cart_attribute | landing_page
    order_total: Mapped[Decimal] = mapped_column(MoneyType)
    currency: Mapped[str | None] = mapped_column(String(3))
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Fraud signals kept for the velocity rules: the network (IP or IPv6 /64) and hashed
    # address keys, never the address itself.
    network: Mapped[str | None] = mapped_column(String(64))
    address_hashes: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20))
    findings: Mapped[list[Any]] = mapped_column(default=list)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[utc_time]
    earned_at: Mapped[utc_time]
    created_at: Mapped[utc_created]
    updated_at: Mapped[utc_updated]

    def __repr__(self) -> str:
        return f"Referral(id={self.id!r}, order={self.order_shopify_id!r}, status={self.status!r})"


class ReferralClick(Base):
    """A referral link opened through the app proxy (counted per advocate, for conversion)."""

    __tablename__ = "referral_clicks"
    __table_args__ = (Index("ix_referral_clicks_shop_advocate", "shop_id", "advocate_id"),)

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    advocate_id: Mapped[int] = mapped_column(ForeignKey("referral_advocates.id", ondelete="CASCADE"))
    logged_in_customer_shopify_id: Mapped[int | None] = mapped_column(BigInteger)
    clicked_at: Mapped[utc_created]


class OrderDispute(Base):
    """A Shopify Payments dispute (chargeback or inquiry) on an order, as the disputes/create and
    disputes/update webhooks report it; the referral checks read it (a chargeback in the hold
    voids the referral, one after the reward reverses or flags it)."""

    __tablename__ = "referral_order_disputes"
    __table_args__ = (
        UniqueConstraint("shop_id", "dispute_shopify_id", name="uq_referral_order_disputes_shop_dispute"),
        Index("ix_referral_order_disputes_shop_order", "shop_id", "order_shopify_id"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    dispute_shopify_id: Mapped[int] = mapped_column(BigInteger)
    order_shopify_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))  # chargeback | inquiry
    status: Mapped[str | None] = mapped_column(String(40))  # needs_response ... won | lost
    reason: Mapped[str | None] = mapped_column(String(60))
    initiated_at: Mapped[utc_time]
    # The triggering time of the webhook last applied: an older, late delivery changes nothing.
    reported_at: Mapped[utc_time]
    created_at: Mapped[utc_created]
    updated_at: Mapped[utc_updated]

    def __repr__(self) -> str:
        return f"OrderDispute(id={self.id!r}, order={self.order_shopify_id!r}, kind={self.kind!r})"


class Reward(Base):
    """The ledger: one row per earned reward, keyed by an idempotency key ("referral:<id>").

    status: earned (to issue) | issued (exists in Shopify: `shopify_gid`) | reversed (taken back
    after a refund) | flagged (a refund after issuance the merchant must look at) | failed (Shopify
    refused it MAX_ATTEMPTS times; `last_error` says why, and the merchant can retry it).
    `attempted_at` is set, and committed, before the Shopify call: a retry that finds it set
    looks the reward up in Shopify before creating anything.
    """

    __tablename__ = "referral_rewards"
    __table_args__ = (
        UniqueConstraint("shop_id", "idempotency_key", name="uq_referral_rewards_shop_key"),
        UniqueConstraint("shop_id", "referral_id", name="uq_referral_rewards_shop_referral"),
        Index("ix_referral_rewards_shop_status", "shop_id", "status"),
    )

    id: Mapped[bigpk]
    shop_id: Mapped[shop_fk]
    advocate_id: Mapped[int] = mapped_column(ForeignKey("referral_advocates.id", ondelete="CASCADE"))
    referral_id: Mapped[int] = mapped_column(ForeignKey("referrals.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))  # discount_code | store_credit
    amount: Mapped[Decimal] = mapped_column(MoneyType)
    currency: Mapped[str | None] = mapped_column(String(3))
    # The deterministic discount code of a discount_code reward (its Shopify look-up key).
    code: Mapped[str | None] = mapped_column(String(40))
    shopify_gid: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="earned")
    attempts: Mapped[int] = mapped_column(BigInteger, default=0)
    attempted_at: Mapped[utc_time]
    issued_at: Mapped[utc_time]
    reversed_at: Mapped[utc_time]
    reversal_note: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[utc_created]
    updated_at: Mapped[utc_updated]

    def __repr__(self) -> str:
        return f"Reward(id={self.id!r}, key={self.idempotency_key!r}, status={self.status!r})"
