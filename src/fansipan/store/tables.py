"""The tables of the system of record.

Units carry a surrogate `id` because official codes are reused across reforms;
`uid` is the stable public identifier (DHIS2-style, 11 characters). Every change to
a data value or a target appends a row to `changes`, whose `id` is the change
number other parts read from ("everything after change N").
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false

# Stable constraint names so migrations behave the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL wants BIGINT for a log.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class SectorRow(Base):
    __tablename__ = "sectors"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    sort: Mapped[int] = mapped_column(Integer, default=0)


class UnitRow(Base):
    __tablename__ = "units"
    __table_args__ = (Index("ix_units_code", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(11), unique=True)
    code: Mapped[str] = mapped_column(String(40))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class UnitParentRow(Base):
    __tablename__ = "unit_parents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class UnitSuccessionRow(Base):
    __tablename__ = "unit_successions"
    __table_args__ = (UniqueConstraint("old_id", "new_id", name="uq_unit_successions_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    old_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    new_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    effective: Mapped[date] = mapped_column(Date)
    change: Mapped[str] = mapped_column(String(40))
    share: Mapped[float] = mapped_column(Float, default=1.0)


class IndicatorRow(Base):
    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(11), unique=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    unit_vi: Mapped[str] = mapped_column(String(60), default="")
    unit_en: Mapped[str] = mapped_column(String(60), default="")
    sector: Mapped[str] = mapped_column(ForeignKey("sectors.code"))
    value_type: Mapped[str] = mapped_column(String(20))
    # amount | rate | index | denominator: how a change is told, whether units are ranked.
    kind: Mapped[str] = mapped_column(String(20), default="amount", server_default="amount")
    agg_units: Mapped[str] = mapped_column(String(20))
    agg_time: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(10))
    decimals: Mapped[int] = mapped_column(Integer, default=0)
    periodicity: Mapped[str] = mapped_column(String(20))
    levels: Mapped[str] = mapped_column(String(100), default="")
    formula: Mapped[str | None] = mapped_column(Text)
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    description_vi: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    # The body that produces the figures (Cục Thống kê, Sở Tài chính...), for people.
    source_vi: Mapped[str] = mapped_column(Text, default="", server_default="")
    source_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Marked by an administrator: anyone, signed in or not, may read its values.
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A derived indicator readable although some of its parts are not: an administrator
    # confirmed that showing it discloses those parts (audited).
    discloses_parts: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=false())
    # The record dataset the indicator is counted from; its values are never entered.
    record_dataset: Mapped[str | None] = mapped_column(String(40))
    # An administrator's grouping (indicator_groups.code), and the first day the
    # indicator takes no more values: one with data is retired, never deleted.
    group_code: Mapped[str | None] = mapped_column(String(40))
    retired_from: Mapped[date | None] = mapped_column(Date)


class DataValueRow(Base):
    """The current value of indicator × unit × period (soft-deleted, never dropped)."""

    __tablename__ = "data_values"
    __table_args__ = (
        UniqueConstraint("indicator_id", "unit_id", "period", name="uq_data_values_key"),
        Index("ix_data_values_unit_period", "unit_id", "period_start"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    period: Mapped[str] = mapped_column(String(12))
    period_type: Mapped[str] = mapped_column(String(12))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    value: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(100))
    stored_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    change_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # ước thực hiện / số chính thức (domain.estimates); when an official figure replaced
    # an estimate, the estimate is kept in `estimate_value`.
    status: Mapped[str] = mapped_column(String(10), default="official",
                                        server_default="official")
    estimate_value: Mapped[float | None] = mapped_column(Float)


class TargetRow(Base):
    """A planned value. `horizon` is empty for the period's own plan (the yearly plan of
    2025) and names the plan a multi-year target belongs to ("2021-2025" for the
    five-year plan, "2021-2030" for the vision), so both can be set for one period."""

    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("indicator_id", "unit_id", "period", "horizon",
                         name="uq_targets_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    period: Mapped[str] = mapped_column(String(12))
    planned: Mapped[float] = mapped_column(Float)
    tolerance: Mapped[float] = mapped_column(Float, default=0.0)
    document: Mapped[str] = mapped_column(Text, default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    change_id: Mapped[int] = mapped_column(BigInteger)
    horizon: Mapped[str] = mapped_column(String(9), default="", server_default="")


class ChangeRow(Base):
    """The change log and data audit trail: one row per write, never updated.

    `id` is the change number. Writers take the change lock (see store.changes)
    before inserting, so numbers are handed out and committed in the same order and
    a reader that has seen change N will never later find a smaller one.
    """

    __tablename__ = "changes"
    __table_args__ = (Index("ix_changes_record", "record_kind", "record_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    record_kind: Mapped[str] = mapped_column(String(20))  # data_value | target
    record_id: Mapped[int] = mapped_column(BigInteger)
    operation: Mapped[str] = mapped_column(String(10))  # create | update | delete
    indicator_id: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(12))
    old_value: Mapped[float | None] = mapped_column(Float)
    new_value: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(100))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    batch: Mapped[str | None] = mapped_column(String(64))
    # "estimate" when the value before or after the change was an estimate; NULL for an
    # official figure, so the rows of stores without estimates are as they always were.
    old_status: Mapped[str | None] = mapped_column(String(10))
    new_status: Mapped[str | None] = mapped_column(String(10))


class ChangeLockRow(Base):
    """One row; writers update it first, which serialises change numbering."""

    __tablename__ = "change_lock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_change: Mapped[int] = mapped_column(BigInteger, default=0)
