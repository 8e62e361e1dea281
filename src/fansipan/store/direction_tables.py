"""Tables of direction: directives, their key tasks and every event of a task, the files
attached to tasks, and what reports need (the issuers' sign-off details, the register
of report numbers, report jobs and their files).

A task's history is its `task_events`, appended and never rewritten; the columns of
`tasks` after `target_period` are that history's outcome, rewritten with each event so
that lists can be filtered and sorted in the database. Attached files are stored once
by their SHA-256 (`attachment_blobs`), however many tasks they are attached to.
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
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fansipan.store.tables import Base, BigId


class DirectiveRow(Base):
    """A document that assigns tasks (văn bản chỉ đạo): a decision, plan, notice, letter."""

    __tablename__ = "directives"
    __table_args__ = (UniqueConstraint("number", "issued_on", name="uq_directives_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(60))  # number and symbol: 125/KH-UBND
    issued_on: Mapped[date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(200))  # as the document names it
    issuer_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    excerpt: Mapped[str] = mapped_column(Text)  # trích yếu
    working_days: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TaskRow(Base):
    """A key task (nhiệm vụ) as assigned, and the outcome of its events so far."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_lead_unit", "lead_unit_id"),
        Index("ix_tasks_directive", "directive_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id"))
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    assigned_by: Mapped[str] = mapped_column(String(200))
    assigned_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)  # as first given, resolved to a day
    deadline_working_days: Mapped[int | None] = mapped_column(Integer)
    # The target whose being met completes the task (indicator × unit × period).
    target_indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"))
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    target_period: Mapped[str | None] = mapped_column(String(12))
    phase: Mapped[str] = mapped_column(String(10), default="open")  # open | done | cancelled
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    current_deadline: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    events: Mapped[int] = mapped_column(Integer, default=0)  # how many; the next is events+1
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TaskUnitRow(Base):
    """A co-operating unit of a task (đơn vị phối hợp)."""

    __tablename__ = "task_units"

    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)


class TaskIndicatorRow(Base):
    """An indicator a task is about (chỉ tiêu liên quan)."""

    __tablename__ = "task_indicators"

    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), primary_key=True)


class TaskEventRow(Base):
    """One event of a task, numbered from 1: progress, extension, completion, cancellation,
    reopening, or a comment that changes nothing."""

    __tablename__ = "task_events"
    __table_args__ = (UniqueConstraint("task_id", "seq", name="uq_task_events_seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    day: Mapped[date] = mapped_column(Date)  # the day it happened (or was reported)
    percent: Mapped[float | None] = mapped_column(Float)
    new_deadline: Mapped[date | None] = mapped_column(Date)
    document: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AttachmentBlobRow(Base):
    """A file's bytes, stored once by their SHA-256."""

    __tablename__ = "attachment_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TaskAttachmentRow(Base):
    """A file attached to a task (a report of progress, the document of an extension)."""

    __tablename__ = "task_attachments"
    __table_args__ = (Index("ix_task_attachments_task", "task_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    event_seq: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachment_blobs.sha256"))
    file_name: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportIssuerRow(Base):
    """An issuing body's sign-off details, as its reports print them."""

    __tablename__ = "report_issuers"

    code: Mapped[str] = mapped_column(String(60), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))  # Sở Khoa học và Công nghệ
    parent_body: Mapped[str] = mapped_column(String(200), default="")  # UBND tỉnh Lào Cai
    symbol: Mapped[str] = mapped_column(String(40))  # BC-SKHCN
    place: Mapped[str] = mapped_column(String(100))  # Lào Cai
    signer_name: Mapped[str] = mapped_column(String(100))
    signer_title: Mapped[str] = mapped_column(String(100), default="")
    authority: Mapped[str] = mapped_column(String(200), default="")  # JSON [[prefix, whom]]
    recipients: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    archive: Mapped[str] = mapped_column(String(60))  # "- Lưu: VT, <archive>."
    # The days on which the body signs reports (a department merged away stops signing).
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportNumberRow(Base):
    """The register of report numbers: from 01 each year for each issuing body."""

    __tablename__ = "report_numbers"
    __table_args__ = (
        UniqueConstraint("issuer", "year", "number", name="uq_report_numbers_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    issuer: Mapped[str] = mapped_column(ForeignKey("report_issuers.code"))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    symbol: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(500))
    registered_by: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReportFileRow(Base):
    """A report made by a job: what was asked, and the file once it is written."""

    __tablename__ = "report_files"

    job_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    actor: Mapped[str] = mapped_column(String(100))
    request: Mapped[str] = mapped_column(Text)  # the report request as JSON
    file_name: Mapped[str] = mapped_column(String(200), default="")
    media_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
