"""Data quality on arrival (kiểm tra chất lượng số liệu): outliers flagged, never refused.

Every value the change log numbers is checked once it is committed, whatever path wrote
it, against the unit's own series (mapped through the merger, so a new commune is judged
against its predecessors' seasons). A value that stands out gets a flag with the reason,
the expected value and the range that would have passed. An officer of the unit then
confirms it (the value is right) or sends a corrected value, which closes the flag as
corrected by itself; a value that was wrong is never lost, the change log keeps it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.bilingual import conflict
from fansipan.domain.periods import parse_period
from fansipan.errors import FieldError, NotFound, Unauthenticated
from fansipan.forecasting import OutlierCheck, Series, check_value, scan_series
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.foresight.series import SeriesKey, forecastable, load_series
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import data_scope, require
from fansipan.services.trust.audit import record_for
from fansipan.store.audit import append_events, audited_transaction
from fansipan.store.foresight_tables import QualityFlagRow

SYSTEM_PREFIX = "FS_"  # indicators foresight writes itself are not checked


class FlagStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"  # an officer says the value is right
    CORRECTED = "corrected"  # a new value replaced it

    def label(self, lang: str = "vi") -> str:
        vi, en = {FlagStatus.OPEN: ("Cần kiểm tra", "To check"),
                  FlagStatus.CONFIRMED: ("Đã xác nhận đúng", "Confirmed"),
                  FlagStatus.CORRECTED: ("Đã sửa", "Corrected")}[self]
        return en if lang == "en" else vi


@dataclass(frozen=True)
class Arrival:
    """A value the change log numbered: `value` None when it was deleted."""

    indicator_id: int
    unit_id: int
    period: str
    value: float | None
    change_id: int


@dataclass
class QualityOutcome:
    opened: list[QualityFlagRow]
    closed: list[QualityFlagRow]
    checked: int = 0
    # The series read for the checks, by the day their tree was taken on: the refresher
    # reuses today's instead of reading them again.
    series: dict[date, dict[SeriesKey, Series]] = field(default_factory=dict)


class FlagPublic(BaseModel):
    id: int
    indicator: str
    indicator_name: str
    unit: str
    unit_uid: str
    unit_name: str
    period: str
    value: float
    expected: float | None
    lower: float | None = Field(description="The lowest value that would not be flagged")
    upper: float | None
    score: float | None = Field(description="Robust standard deviations from the usual")
    method: str
    threshold: float
    reason: str
    status: FlagStatus
    status_label: str
    change: int
    created_at: UtcDateTime
    updated_at: UtcDateTime
    resolved_by: str
    note: str


class FlagDecision(BaseModel):
    note: str = Field(default="", max_length=2000,
                      examples=["Đã kiểm tra với bộ phận một cửa: số liệu đúng"])


def checkable(catalog: Catalog, indicator_id: int, period: str) -> bool:
    code = catalog.indicator_codes[indicator_id]
    ind = catalog.indicators[code]
    return (not ind.is_derived and not code.startswith(SYSTEM_PREFIX) and forecastable(ind)
            and parse_period(period).type is ind.periodicity)


def check_arrivals(*, session: Session, warehouse: Warehouse, catalog: Catalog,
                   arrivals: Sequence[Arrival], today: date) -> QualityOutcome:
    """Check the values that arrived; open and close flags (commits its own transaction)."""
    latest: dict[tuple[int, int, str], Arrival] = {}
    for a in arrivals:
        if checkable(catalog, a.indicator_id, a.period):
            latest[(a.indicator_id, a.unit_id, a.period)] = a
    loaded: dict[date, dict[SeriesKey, Series]] = {}
    verdicts = _verdicts(session, warehouse, catalog, list(latest.values()), today, loaded)
    outcome = QualityOutcome(opened=[], closed=[], checked=len(verdicts), series=loaded)
    now = datetime.now(UTC)
    with session.begin():
        for a in latest.values():
            found = verdicts.get((a.indicator_id, a.unit_id, a.period))
            open_flags = session.scalars(select(QualityFlagRow).where(
                QualityFlagRow.indicator_id == a.indicator_id,
                QualityFlagRow.unit_id == a.unit_id, QualityFlagRow.period == a.period,
                QualityFlagRow.status == FlagStatus.OPEN.value)).all()
            keep = None
            for flag in open_flags:
                if found is not None and found.outlier and flag.value == a.value:
                    keep = flag  # the same value again: the same flag
                    continue
                flag.status, flag.updated_at = FlagStatus.CORRECTED.value, now
                flag.resolved_by = "system"
                flag.note = ("Giá trị đã được thay / The value was replaced" if a.value
                             is not None else "Giá trị đã bị xóa / The value was deleted")
                outcome.closed.append(flag)
            if found is None or not found.outlier or keep is not None or a.value is None:
                continue
            flag = QualityFlagRow(
                indicator_id=a.indicator_id, unit_id=a.unit_id, period=a.period,
                value=a.value, change_id=a.change_id, score=found.score,
                expected=found.expected, lower=found.lower, upper=found.upper,
                method=found.method.value, threshold=found.threshold,
                reason_vi=found.reason.vi, reason_en=found.reason.en,
                status=FlagStatus.OPEN.value, created_at=now, updated_at=now)
            session.add(flag)
            outcome.opened.append(flag)
        session.flush()
    return outcome


def _verdicts(session: Session, warehouse: Warehouse, catalog: Catalog,
              arrivals: list[Arrival], today: date, loaded: dict[date, dict[SeriesKey, Series]],
              ) -> dict[tuple[int, int, str], OutlierCheck]:
    """The verdict on each arrived value, one series read per indicator × unit.

    A unit no longer in force is judged in the tree of its last day, where it still
    stands; one value is checked on its own against the others, many are scanned at once.
    """
    h = catalog.hierarchy
    groups: dict[tuple[date, SeriesKey], list[Arrival]] = {}
    for a in arrivals:
        if a.value is None:
            continue
        unit = h.unit(a.unit_id)
        on = today if unit.in_force(today) or unit.valid_to is None else unit.valid_to
        key = SeriesKey(catalog.indicator_codes[a.indicator_id], a.unit_id)
        groups.setdefault((on, key), []).append(a)
    out: dict[tuple[int, int, str], OutlierCheck] = {}
    by_day: dict[date, list[SeriesKey]] = {}
    for on, key in groups:
        by_day.setdefault(on, []).append(key)
    for on, keys in by_day.items():
        read = loaded.setdefault(on, {})
        read.update(load_series(session=session, warehouse=warehouse, catalog=catalog,
                                keys=keys, today=on))
        for key in keys:
            series, group = read[key], groups[(on, key)]
            one = group[0].value
            if len(group) == 1 and one is not None:
                checks = [check_value(series=series, period=parse_period(group[0].period),
                                      value=one)]
            else:
                wanted = {a.period for a in group}
                checks = [c for c in scan_series(series=series) if c.period.id in wanted]
            for c in checks:
                out[(catalog.indicator_ids[key.indicator], key.unit_id, c.period.id)] = c
    return out


def list_flags(*, session: Session, principal: Principal, status: FlagStatus | None = None,
               indicator: str | None = None, limit: int = 200,
               lang: str = "vi") -> list[FlagPublic]:
    """Flags within the principal's scope, newest first (signed-in readers: flags are
    follow-up work, not published figures)."""
    require(principal, Permission.READ_DATA)
    if principal.is_anonymous:
        raise Unauthenticated("Sign in to see data-quality flags")
    with session.begin():
        catalog = load_catalog(session)
        scope = data_scope(session, catalog, principal)
        stmt = select(QualityFlagRow).order_by(QualityFlagRow.id.desc())
        if status is not None:
            stmt = stmt.where(QualityFlagRow.status == status.value)
        if indicator:
            ind = catalog.indicator(indicator)
            stmt = stmt.where(QualityFlagRow.indicator_id == catalog.indicator_ids[ind.code])
        stmt = scope.where(stmt, unit=QualityFlagRow.unit_id,
                           indicator=QualityFlagRow.indicator_id)
        return [flag_public(catalog, r, lang) for r in session.scalars(stmt.limit(limit))]


def confirm_flag(*, session: Session, principal: Principal, flag_id: int,
                 decision: FlagDecision, lang: str = "vi") -> FlagPublic:
    """An officer of the unit says the flagged value is right (audited)."""
    require(principal, Permission.WRITE_DATA)
    with audited_transaction(session):
        catalog = load_catalog(session)
        row = session.get(QualityFlagRow, flag_id)
        scope = data_scope(session, catalog, principal)
        if row is None or not scope.allows(row.indicator_id, row.unit_id):
            raise NotFound("No such data-quality flag", [FieldError(
                field="flag", value=str(flag_id),
                message="there is no flag with this id among your units; list them at "
                        "/api/v1/quality-flags")])
        if row.status != FlagStatus.OPEN.value:
            raise conflict("status", f"Cờ này đã được xử lý ({FlagStatus(row.status).label()})",
                           f"This flag is closed already ({FlagStatus(row.status).label('en')})",
                           value=row.status)
        row.status, row.updated_at = FlagStatus.CONFIRMED.value, datetime.now(UTC)
        row.resolved_by, row.note = principal.actor, decision.note
        append_events(session, [record_for(principal, "quality.confirm",
                                           target=f"quality_flag:{row.id}",
                                           detail={"note": decision.note[:200]})])
        session.flush()
        return flag_public(catalog, row, lang)


def flag_public(catalog: Catalog, r: QualityFlagRow, lang: str = "vi") -> FlagPublic:
    code = catalog.indicator_codes[r.indicator_id]
    unit = catalog.hierarchy.unit(r.unit_id)
    status = FlagStatus(r.status)
    return FlagPublic(
        id=r.id, indicator=code, indicator_name=catalog.indicators[code].name(lang),
        unit=unit.code, unit_uid=catalog.unit_uids[unit.id], unit_name=unit.name,
        period=r.period, value=r.value, expected=r.expected, lower=r.lower, upper=r.upper,
        score=r.score, method=r.method, threshold=r.threshold,
        reason=r.reason_en if lang == "en" else r.reason_vi, status=status,
        status_label=status.label(lang), change=r.change_id, created_at=r.created_at,
        updated_at=r.updated_at, resolved_by=r.resolved_by, note=r.note)
