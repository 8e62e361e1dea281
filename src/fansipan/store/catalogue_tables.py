"""The catalogue's own history: indicator groups and every version of a definition.

An indicator's row in `indicators` holds its newest definition; `indicator_versions`
keeps each one it had, with the day it took effect, who made it and which fields
changed, so a period is read under the definition in force then.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fansipan.store.tables import Base


class IndicatorGroupRow(Base):
    """A group of indicators within or across sectors (nhóm chỉ tiêu)."""

    __tablename__ = "indicator_groups"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    sort: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorVersionRow(Base):
    __tablename__ = "indicator_versions"
    __table_args__ = (
        UniqueConstraint("indicator_id", "version", name="uq_indicator_versions_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # NULL: in force since the indicator has existed.
    effective_from: Mapped[date | None] = mapped_column(Date)
    definition: Mapped[str] = mapped_column(Text)  # JSON of every editable field
    changed: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of field names
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CatalogueVersionRow(Base):
    """One number, raised by the store's own triggers on every change to the tables the
    catalogue is read from (migration 0018), so that every process sees any edit."""

    __tablename__ = "catalogue_version"
    __table_args__ = (CheckConstraint("id = 1", name="ck_catalogue_version_one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
