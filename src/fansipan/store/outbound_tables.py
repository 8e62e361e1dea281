"""Tables of what the exchange hub sends out: the secret store (credentials of remote
systems, encrypted) and the outbound allow-list (addresses connectors may reach)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fansipan.store.tables import Base


class SecretRow(Base):
    """One credential of a remote system; only its ciphertext is stored."""

    __tablename__ = "secrets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # basic | bearer
    origin: Mapped[str] = mapped_column(String(300))  # the only origin it is sent to
    ciphertext: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(16))  # which key sealed it
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rotated_by: Mapped[str] = mapped_column(String(100), default="")
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_by: Mapped[str] = mapped_column(String(100), default="")


class SecretGrantRow(Base):
    """An account whose connectors may use a secret."""

    __tablename__ = "secret_grants"
    __table_args__ = (UniqueConstraint("secret_id", "user_id", name="uq_secret_grants_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_id: Mapped[int] = mapped_column(ForeignKey("secrets.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class OutboundDestinationRow(Base):
    """One entry of the outbound allow-list: a host name or an address network."""

    __tablename__ = "outbound_destinations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # host | network
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
