"""Reporting regimes per indicator (chế độ báo cáo): who reports, how often, by when.

An indicator's regime is a row of its own beside the catalogue, set by an administrator:
the frequency (by default the indicator's periodicity), the unit levels that report it
(by default its lowest administrative entry level), the Decree 09 data cut-off and the
deadline. The default deadline is two working days after the cut-off, as Khánh Hòa's
QĐ 01/2023/QĐ-UBND sets it. Reports are expected from `effective_from` on: a regime set
today does not make years of history late.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.bilingual import invalid
from fansipan.domain.calendar import WorkingCalendar, vietnam_calendar
from fansipan.domain.indicators import Indicator
from fansipan.domain.periods import Period, PeriodType
from fansipan.domain.regimes import (
    CutOff,
    DayOfMonth,
    DaysAfter,
    DueBasis,
    DueRule,
    Frequency,
    ReportingRegime,
)
from fansipan.domain.units import UnitLevel
from fansipan.errors import NotFound
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record_for
from fansipan.store.audit import append_events, audited_transaction
from fansipan.store.foresight_tables import ReportingRegimeRow

DEFAULT_BASIS = ("Nghị định 09/2019/NĐ-CP (chốt số liệu); hạn gửi 2 ngày làm việc sau ngày "
                 "chốt theo QĐ 01/2023/QĐ-UBND tỉnh Khánh Hòa")
_FREQUENCIES = {PeriodType.MONTH: Frequency.MONTHLY, PeriodType.QUARTER: Frequency.QUARTERLY,
                PeriodType.SIX_MONTH: Frequency.HALF_YEARLY, PeriodType.YEAR: Frequency.YEARLY}
_LEVEL_ORDER = (UnitLevel.COMMUNE, UnitLevel.DISTRICT, UnitLevel.PROVINCE, UnitLevel.AGENCY)


class RegimeWrite(BaseModel):
    """An indicator's regime as an administrator sets it; every field has a default."""

    frequency: Frequency | None = Field(default=None, description="Default: the indicator's "
                                        "periodicity")
    levels: list[Literal["commune", "district", "province", "agency"]] = Field(
        default_factory=list, max_length=4,
        description="Unit levels that report it; default: its lowest entry level")
    due: Literal["days_after", "day_of_month"] = "days_after"
    days: int = Field(default=2, ge=0, le=366)
    working: bool = True
    after: DueBasis = DueBasis.CUT_OFF_END
    day: int | None = Field(default=None, ge=1, le=31)
    month_offset: int = Field(default=0, ge=-11, le=12)
    cut_off_from_day: int = Field(default=15, ge=1, le=31)
    cut_off_to_day: int | None = Field(default=14, ge=1, le=31)
    cut_off_from_month_offset: int = Field(default=-1, ge=-12, le=0)
    shift_off_days: bool = False
    legal_basis: str = Field(default=DEFAULT_BASIS, max_length=300)
    effective_from: date | None = Field(default=None, description="Default: today")


class RegimePublic(BaseModel):
    indicator: str
    frequency: Frequency
    frequency_label: str
    levels: list[str]
    due: str
    days: int | None
    working: bool
    after: str
    day: int | None
    month_offset: int
    cut_off_from_day: int
    cut_off_to_day: int | None
    cut_off_from_month_offset: int
    shift_off_days: bool
    legal_basis: str
    effective_from: date
    updated_by: str
    updated_at: UtcDateTime


class Regime:
    """A stored regime, ready to say which reports are due when."""

    def __init__(self, row: ReportingRegimeRow, indicator: Indicator) -> None:
        self.row = row
        self.indicator = indicator
        due: DueRule
        if row.due_kind == "day_of_month":
            due = DayOfMonth(row.due_day or 25, row.due_month_offset)
        else:
            due = DaysAfter(row.due_days or 0, working=row.due_working,
                            after=DueBasis(row.due_after))
        self.rule = ReportingRegime(
            code=indicator.code, name=indicator.name_vi, frequency=Frequency(row.frequency),
            due=due, cut_off=CutOff(row.cut_from_day, row.cut_to_day, row.cut_from_month_offset),
            legal_basis=row.legal_basis or DEFAULT_BASIS, shift_off_days=row.shift_off_days)
        self.levels = frozenset(x for x in row.levels.split("|") if x)
        self.effective_from = row.effective_from

    def periods_ending_in(self, month: Period) -> list[Period]:
        """The reports of this regime whose period ends in `month`."""
        return [p for p in self.rule.periods(month.year) if p.end == month.end]

    def due_date(self, period: Period, calendar: WorkingCalendar) -> date:
        return self.rule.due_date(period, calendar=calendar)


def default_levels(indicator: Indicator) -> list[str]:
    entered = [UnitLevel(x) for x in indicator.levels if x in UnitLevel._value2member_map_]
    for level in _LEVEL_ORDER:
        if level in entered:
            return [level.value]
    return [UnitLevel.PROVINCE.value]


def set_regime(*, session: Session, principal: Principal, indicator: str,
               data: RegimeWrite, today: date | None = None) -> RegimePublic:
    """Create or replace an indicator's regime (administrators; audited)."""
    require(principal, Permission.MANAGE_METADATA)
    with audited_transaction(session):
        catalog = load_catalog(session)
        ind = catalog.indicator(indicator)
        _check(ind, data)
        row = session.scalars(select(ReportingRegimeRow).where(
            ReportingRegimeRow.indicator_id == catalog.indicator_ids[ind.code])).one_or_none()
        if row is None:
            row = ReportingRegimeRow(indicator_id=catalog.indicator_ids[ind.code])
            session.add(row)
        frequency = data.frequency or _FREQUENCIES[ind.periodicity]
        row.frequency = frequency.value
        row.levels = "|".join(data.levels or default_levels(ind))
        row.due_kind, row.due_days, row.due_working = data.due, data.days, data.working
        row.due_after, row.due_day, row.due_month_offset = (data.after.value, data.day,
                                                            data.month_offset)
        row.cut_from_day, row.cut_to_day = data.cut_off_from_day, data.cut_off_to_day
        row.cut_from_month_offset = data.cut_off_from_month_offset
        row.shift_off_days, row.legal_basis = data.shift_off_days, data.legal_basis
        row.effective_from = data.effective_from or today or date.today()
        row.updated_by, row.updated_at = principal.actor, datetime.now(UTC)
        Regime(row, ind)  # refuses a rule the domain cannot keep
        session.flush()
        append_events(session, [record_for(principal, "regime.set", target=ind.code,
                                           detail=data.model_dump(mode="json"))])
        return regime_public(catalog, row)


def delete_regime(*, session: Session, principal: Principal, indicator: str) -> None:
    """Stop expecting reports of an indicator (administrators; audited)."""
    require(principal, Permission.MANAGE_METADATA)
    with audited_transaction(session):
        catalog = load_catalog(session)
        ind = catalog.indicator(indicator)
        row = session.scalars(select(ReportingRegimeRow).where(
            ReportingRegimeRow.indicator_id == catalog.indicator_ids[ind.code])).one_or_none()
        if row is None:
            raise NotFound(f"{ind.code} has no reporting regime")
        session.delete(row)
        append_events(session, [record_for(principal, "regime.delete", target=ind.code)])


def list_regimes(*, session: Session) -> list[RegimePublic]:
    """Every regime: public reference data, like the catalogue."""
    with session.begin():
        catalog = load_catalog(session)
        rows = session.scalars(select(ReportingRegimeRow)).all()
        return sorted((regime_public(catalog, r) for r in rows), key=lambda r: r.indicator)


def load_regimes(session: Session, catalog: Catalog) -> list[Regime]:
    """The stored regimes (inside the caller's transaction)."""
    return [Regime(r, catalog.indicators[catalog.indicator_codes[r.indicator_id]])
            for r in session.scalars(select(ReportingRegimeRow))]


def working_calendar() -> WorkingCalendar:
    return vietnam_calendar()


def regime_public(catalog: Catalog, r: ReportingRegimeRow, lang: str = "vi") -> RegimePublic:
    frequency = Frequency(r.frequency)
    return RegimePublic(
        indicator=catalog.indicator_codes[r.indicator_id], frequency=frequency,
        frequency_label=frequency.label(lang), levels=[x for x in r.levels.split("|") if x],
        due=r.due_kind, days=r.due_days, working=r.due_working, after=r.due_after,
        day=r.due_day, month_offset=r.due_month_offset, cut_off_from_day=r.cut_from_day,
        cut_off_to_day=r.cut_to_day, cut_off_from_month_offset=r.cut_from_month_offset,
        shift_off_days=r.shift_off_days, legal_basis=r.legal_basis,
        effective_from=r.effective_from, updated_by=r.updated_by, updated_at=r.updated_at)


def _check(ind: Indicator, data: RegimeWrite) -> None:
    if ind.is_derived:
        raise invalid("indicator", f"{ind.code} được tính từ công thức, không ai báo cáo nó; "
                      "đặt chế độ báo cáo cho các chỉ tiêu thành phần",
                      f"{ind.code} is computed from a formula and nobody reports it; set "
                      "the regime of its parts", value=ind.code)
    if ind.periodicity not in _FREQUENCIES and data.frequency is None:
        raise invalid("frequency", "Chỉ tiêu này không theo tháng, quý, 6 tháng hay năm; ghi "
                      "rõ tần suất", "This indicator is not monthly, quarterly, half-yearly "
                      "or yearly; give the frequency", value=ind.periodicity.value)
    if data.due == "day_of_month" and data.day is None:
        raise invalid("day", "Hạn theo ngày trong tháng cần ngày (1–31)",
                      "A deadline on a day of the month needs the day (1–31)")
    if data.frequency is not None and not ind.accepts_period_type(
            data.frequency.period_type):
        raise invalid("frequency", f"{ind.code} nhập theo {ind.periodicity.value}: tần suất "
                      "báo cáo không thể ngắn hơn", f"{ind.code} is entered by "
                      f"{ind.periodicity.value}: its reports cannot be more frequent",
                      value=data.frequency.value)
