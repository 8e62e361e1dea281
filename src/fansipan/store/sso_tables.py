"""Tables of single sign-on: accounts linked to the identity platform, and sign-ins under way.

An account is linked by the platform's issuer and subject (`sub`), never by e-mail: an
address can change hands, a subject cannot. A sign-in under way keeps what the callback
must check (the digests of its state and of the browser's binding, the nonce, the PKCE
verifier) for ten minutes and is used once; the ID token stays with the session it
opened, for the platform's logout.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fansipan.store.tables import Base


class SsoLinkRow(Base):
    """One account of ours and the platform's subject that signs in as it."""

    __tablename__ = "sso_links"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SsoSignInRow(Base):
    """A sign-in sent to the platform: what its return must match, and what it opened."""

    __tablename__ = "sso_sign_ins"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # keyed digest of `state`
    browser_digest: Mapped[str] = mapped_column(String(64))
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(128))
    next_path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    session_id: Mapped[str | None] = mapped_column(String(64), index=True)
    id_token: Mapped[str | None] = mapped_column(Text)
