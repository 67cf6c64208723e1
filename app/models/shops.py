"""Shops (installations), install-flow state and long-job progress."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, bigpk, intpk, utc_created, utc_time, utc_updated


class Shop(Base):
    __tablename__ = "shops"

    id: Mapped[intpk]
    domain: Mapped[str] = mapped_column(String(255), unique=True)
    shopify_gid: Mapped[str | None] = mapped_column(String(80))
    name: Mapped[str | None] = mapped_column(String(255))
    currency: Mapped[str | None] = mapped_column(String(3))
    iana_timezone: Mapped[str | None] = mapped_column(String(64))
    # Fernet ciphertexts; never the plain tokens (app/crypto.py).
    access_token_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    access_token_expires_at: Mapped[utc_time]
    refresh_token_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    refresh_token_expires_at: Mapped[utc_time]
    scopes: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), default="installed")  # installed | uninstalled
    installed_at: Mapped[utc_time]
    uninstalled_at: Mapped[utc_time]
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[utc_created]
    updated_at: Mapped[utc_updated]

    @property
    def is_installed(self) -> bool:
        return self.state == "installed" and self.access_token_enc is not None

    def __repr__(self) -> str:
        return f"Shop(id={self.id!r}, domain={self.domain!r}, state={self.state!r})"


class OAuthState(Base):
    """Single-use nonce of an authorization-code install started outside the admin."""

    __tablename__ = "oauth_states"

    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    shop_domain: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[utc_created]

    def __repr__(self) -> str:
        return f"OAuthState(shop_domain={self.shop_domain!r})"


class JobRun(Base):
    """Progress and outcome of a long job (backfill, recompute, push), shown in the UI."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_shop_kind", "shop_id", "kind", "started_at"),)

    id: Mapped[bigpk]
    shop_id: Mapped[int | None] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    # queued | running | succeeded | failed
    status: Mapped[str] = mapped_column(String(20), default="queued")
    rq_job_id: Mapped[str | None] = mapped_column(String(100))
    progress_done: Mapped[int] = mapped_column(BigInteger, default=0)
    progress_total: Mapped[int | None] = mapped_column(BigInteger)
    # Where a resumable job stopped (a bulk operation id, a line offset, a cursor).
    checkpoint: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[utc_time]
    finished_at: Mapped[utc_time]
    created_at: Mapped[utc_created]
    updated_at: Mapped[utc_updated]

    def __repr__(self) -> str:
        return f"JobRun(id={self.id!r}, kind={self.kind!r}, status={self.status!r})"
