"""Tables of the citizens' capability: report categories and their routing, field reports
and every step taken on them, their photos, and public-service dossiers.

A field report's state is what its events say (`fansipan.domain.service_requests`); the
columns after "what the events say" below are that state written down at each step, so
lists, inboxes and the record counts read one row instead of replaying every history.
They are rewritten from the events in the same transaction as each step, never on their
own. A dossier is kept as the one-stop shop last sent it; each version it replaced is in
`dossier_history`, so a correction never loses what was there before.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
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


class ServiceCategoryRow(Base):
    """A kind of field report (an Open311 service) and who deals with it by default."""

    __tablename__ = "service_categories"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_vi: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    group_vi: Mapped[str] = mapped_column(String(100), default="")
    group_en: Mapped[str] = mapped_column(String(100), default="")
    keywords: Mapped[str] = mapped_column(String(400), default="")  # joined with "|"
    service_type: Mapped[str] = mapped_column(String(10), default="realtime")
    # Working days to resolve; None: no deadline is promised.
    deadline_days: Mapped[int | None] = mapped_column(Integer)
    # A unit code (agency or commune), or "@commune": the report's own commune.
    agency_code: Mapped[str] = mapped_column(String(40))
    attributes: Mapped[str] = mapped_column(Text, default="[]")  # the questions, as JSON
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ServiceRouteRow(Base):
    """Where a category's reports go in one area when it differs from the default."""

    __tablename__ = "service_routes"
    __table_args__ = (UniqueConstraint("category_code", "area_code",
                                       name="uq_service_routes_area"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_code: Mapped[str] = mapped_column(ForeignKey("service_categories.code"),
                                               index=True)
    # A commune, district or province code: the most specific area holding the report wins.
    area_code: Mapped[str] = mapped_column(String(40))
    agency_code: Mapped[str] = mapped_column(String(40))


class ServiceRequestRow(Base):
    """A citizen's field report: what was reported, by whom, and where it stands now."""

    __tablename__ = "service_requests"
    __table_args__ = (
        Index("ix_service_requests_counted", "counted_code", "received_month"),
        Index("ix_service_requests_agency_state", "agency_code", "state"),
        Index("ix_service_requests_requested", "requested_at"),
        Index("ix_service_requests_service", "service_code", "requested_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(24), unique=True)
    token: Mapped[str | None] = mapped_column(String(40), unique=True)
    service_code: Mapped[str] = mapped_column(ForeignKey("service_categories.code"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lat: Mapped[float | None] = mapped_column(Float)
    long: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(Text)
    address_id: Mapped[str | None] = mapped_column(String(200))
    zipcode: Mapped[str | None] = mapped_column(String(20))
    commune_code: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str | None] = mapped_column(Text)
    # The reporter: personal data, never shown to the public.
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    device_id: Mapped[str | None] = mapped_column(String(200))
    account_id: Mapped[str | None] = mapped_column(String(200))
    answers: Mapped[str] = mapped_column(Text, default="[]")  # JSON
    media_url: Mapped[str | None] = mapped_column(Text)  # a client's own photo address
    expected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    channel: Mapped[str] = mapped_column(String(20))  # web | open311 | import
    # SHA-256 of the key given to the reporter once, with which they rate the handling.
    secret_digest: Mapped[str | None] = mapped_column(String(64))
    submitted_by: Mapped[str] = mapped_column(String(100))
    # Moderation: what the public sees instead of the description, and hidden photos.
    public_description: Mapped[str | None] = mapped_column(Text)
    photos_hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    # -- what the events say, written down at each step ---------------------------------
    state: Mapped[str] = mapped_column(String(20))
    agency_code: Mapped[str | None] = mapped_column(String(40))
    # The body the report is counted at: the one responsible, else the intake body.
    counted_code: Mapped[str] = mapped_column(String(40))
    received_month: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    within_remit: Mapped[bool] = mapped_column(Boolean, default=True)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    dissatisfied: Mapped[bool] = mapped_column(Boolean, default=False)
    days_to_outcome: Mapped[float | None] = mapped_column(Float)
    steps: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ServiceRequestEventRow(Base):
    """One step of a report's workflow, never changed once written."""

    __tablename__ = "service_request_events"
    __table_args__ = (UniqueConstraint("request_pk", "seq", name="uq_service_request_events_seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_pk: Mapped[int] = mapped_column(ForeignKey("service_requests.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    public_note: Mapped[str | None] = mapped_column(Text)
    internal_note: Mapped[str | None] = mapped_column(Text)
    agency: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    duplicate_of: Mapped[str | None] = mapped_column(String(24))
    referred_to: Mapped[str | None] = mapped_column(Text)
    satisfied: Mapped[bool | None] = mapped_column(Boolean)


class ReportPhotoRow(Base):
    """A cleaned photo (no metadata left), named by the SHA-256 of its clean bytes."""

    __tablename__ = "report_photos"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ServiceRequestPhotoRow(Base):
    __tablename__ = "service_request_photos"

    request_pk: Mapped[int] = mapped_column(ForeignKey("service_requests.id"),
                                            primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("report_photos.sha256"))


class DossierRow(Base):
    """A public-service dossier as the one-stop shop last sent it, and how it counts."""

    __tablename__ = "dossiers"
    __table_args__ = (
        Index("ix_dossiers_agency_received", "agency_code", "received_month"),
        Index("ix_dossiers_agency_completed", "agency_code", "completed_month"),
        Index("ix_dossiers_received", "received_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(60), unique=True)
    procedure_code: Mapped[str] = mapped_column(String(60))
    procedure_name: Mapped[str] = mapped_column(String(500), default="")
    # The body handling it (an agency, or a commune's People's Committee) and the area.
    agency_code: Mapped[str] = mapped_column(String(40))
    unit_code: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    pauses: Mapped[str] = mapped_column(Text, default="[]")  # [[start, end or null], ...]
    submitted_online: Mapped[bool] = mapped_column(Boolean, default=False)
    online_service: Mapped[str] = mapped_column(String(10), default="none")
    fee_payable: Mapped[bool] = mapped_column(Boolean, default=False)
    paid_online: Mapped[bool] = mapped_column(Boolean, default=False)
    electronic_result: Mapped[bool] = mapped_column(Boolean, default=False)
    digitised: Mapped[bool] = mapped_column(Boolean, default=False)
    # -- how it counts: a function of the fields above, written with them ----------------
    received_month: Mapped[date] = mapped_column(Date)
    completed_month: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(12))  # early | on_time | late
    net_days: Mapped[float | None] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(100))
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DossierHistoryRow(Base):
    """A version of a dossier that a correction replaced: what it was, who replaced it."""

    __tablename__ = "dossier_history"
    __table_args__ = (UniqueConstraint("number", "version", name="uq_dossier_history_version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[str] = mapped_column(Text)  # the replaced version's fields, as JSON
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    replaced_by: Mapped[str] = mapped_column(String(100))
