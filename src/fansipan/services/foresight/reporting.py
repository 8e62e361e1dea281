"""Late and missing reports: expected, actual and on-time reports, and their rates.

A report is one indicator × one reporting unit × one period of its regime; it arrived
when its value was first stored (the value row's creation time, kept through later
corrections). Its counts are written as indicators of their own, through the one write
path like any figure, in the month the report's period ends, at the unit that owes it and
at every unit above it (each holds the reports of its whole subtree, since analytics lets
a unit's own value stand for the units below it):

- FS_BC_PHAI_GUI, reports fallen due (or in early);
- FS_BC_DA_GUI, of which received;
- FS_BC_DUNG_HAN, of which received by the deadline;
- FS_TY_LE_BC_DA_GUI and FS_TY_LE_BC_DUNG_HAN, the two rates (derived: a rate of sums).

So a district's or the province's rate is analytics over its units, with targets,
trends, thresholds and exports like any indicator.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.periods import Period, parse_period, periods_between
from fansipan.domain.regimes import SubmissionStatus
from fansipan.domain.reporting import ExpectedReport, ReportCounts, count_reports
from fansipan.domain.rows import RawValue
from fansipan.errors import Unauthenticated
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.foresight.regimes import Regime, load_regimes, working_calendar
from fansipan.services.trust.access import data_scope, require
from fansipan.services.warehouse.writes import ValueWriter
from fansipan.store.tables import DataValueRow

EXPECTED = "FS_BC_PHAI_GUI"
RECEIVED = "FS_BC_DA_GUI"
ON_TIME = "FS_BC_DUNG_HAN"
COUNT_INDICATORS = (EXPECTED, RECEIVED, ON_TIME)
SOURCE = "foresight"
ACTOR = "system:foresight"
SWEEP_MONTHS = 13  # a yearly report falls due within a year of its period's end


class ReportStatusPublic(BaseModel):
    indicator: str
    indicator_name: str
    unit: str
    unit_uid: str
    unit_name: str
    period: str
    due: date
    received_at: datetime | None
    status: SubmissionStatus
    status_label: str


def expected_reports(session: Session, catalog: Catalog, months: Iterable[Period],
                     today: date, *, regimes: Sequence[Regime] | None = None,
                     unit_ids: frozenset[int] | None = None) -> list[ExpectedReport]:
    """Every report whose period ends in one of `months`, due from its regime's start on
    (inside the caller's transaction). `unit_ids` narrows the reporting units."""
    regimes = load_regimes(session, catalog) if regimes is None else regimes
    calendar = working_calendar()
    h = catalog.hierarchy
    wanted: list[tuple[Regime, Period, date]] = []
    for month in sorted(set(months)):
        for regime in regimes:
            for period in regime.periods_ending_in(month):
                due = regime.due_date(period, calendar)
                if due >= regime.effective_from:
                    wanted.append((regime, period, due))
    if not wanted:
        return []
    indicator_ids = {catalog.indicator_ids[r.indicator.code] for r, _, _ in wanted}
    periods = {p.id for _, p, _ in wanted}
    arrived: dict[tuple[int, int, str], datetime] = {}
    for ind_id, unit_id, period_id, at in session.execute(
            select(DataValueRow.indicator_id, DataValueRow.unit_id, DataValueRow.period,
                   DataValueRow.created_at).where(
                DataValueRow.indicator_id.in_(sorted(indicator_ids)),
                DataValueRow.period.in_(sorted(periods)), DataValueRow.deleted.is_(False))):
        arrived[(ind_id, unit_id, period_id)] = at
    out: list[ExpectedReport] = []
    for regime, period, due in wanted:
        ind_id = catalog.indicator_ids[regime.indicator.code]
        for unit in h.in_force(period.end):
            if unit.level.value not in regime.levels:
                continue
            if unit_ids is not None and unit.id not in unit_ids:
                continue
            out.append(ExpectedReport(indicator=regime.indicator.code, unit_id=unit.id,
                                      period=period, due=due,
                                      received=arrived.get((ind_id, unit.id, period.id))))
    return out


def recent_months(today: date, count: int = SWEEP_MONTHS) -> list[Period]:
    last = Period.month_of(today.year, today.month)
    return periods_between(last.shift(-(count - 1)), last)


def write_report_counts(*, session: Session, catalog: Catalog, months: Iterable[Period],
                        today: date) -> tuple[int, list[ExpectedReport]]:
    """Write the counts of `months` for every reporting unit; returns how many values
    changed and the reports counted. Rows in approved, locked months are left as they are."""
    months = list(months)
    with session.begin():
        reports = expected_reports(session, catalog, months, today)
    counts = _with_ancestors(catalog, count_reports(reports, today))
    rows: list[RawValue] = []
    n = 0
    for (unit_id, month), c in sorted(counts.items(), key=lambda x: (x[0][1], x[0][0])):
        uid = catalog.unit_uids[unit_id]
        for code, value in zip(COUNT_INDICATORS, (c.expected, c.received, c.on_time),
                               strict=True):
            n += 1
            rows.append(RawValue(n, code, uid, month.id, value, None))
    if not rows:
        return 0, reports
    writer = ValueWriter(session=session, source=SOURCE, actor=ACTOR, atomic=False)
    with writer:
        writer.add(rows)
    out = writer.outcome
    return out.created + out.updated, reports


def _with_ancestors(catalog: Catalog, counts: dict[tuple[int, Period], ReportCounts]
                    ) -> dict[tuple[int, Period], ReportCounts]:
    """Each unit's counts with those of every unit below it (the tree of the month's end)."""
    out: dict[tuple[int, Period], ReportCounts] = {}
    h = catalog.hierarchy
    for (unit_id, month), c in counts.items():
        for target in [unit_id, *(a.id for a in h.ancestors(unit_id, month.end))]:
            total = out.setdefault((target, month), ReportCounts())
            total.expected += c.expected
            total.received += c.received
            total.on_time += c.on_time
    return out


def report_statuses(*, session: Session, principal: Principal, unit: str, first: str,
                    last: str | None = None, today: date | None = None,
                    lang: str = "vi") -> list[ReportStatusPublic]:
    """The reports owed by a unit and the units below it whose periods end between two
    months, each with its deadline and status; within the principal's scope."""
    require(principal, Permission.READ_DATA)
    if principal.is_anonymous:
        raise Unauthenticated("Sign in to see who has reported")
    today = today or date.today()
    start = parse_period(first)
    end = parse_period(last) if last else start
    months = periods_between(Period.month_of(start.start.year, start.start.month),
                             Period.month_of(end.end.year, end.end.month), limit=36)
    with session.begin():
        catalog = load_catalog(session)
        scope = data_scope(session, catalog, principal)
        root = catalog.unit(unit, end.end, field="unit")
        scope.check_unit(catalog, root.id)
        below = frozenset(catalog.hierarchy.below_ever(root.id))
        reports = expected_reports(session, catalog, months, today, unit_ids=below)
    out = []
    for r in reports:
        ind_id = catalog.indicator_ids[r.indicator]
        if not scope.allows(ind_id, r.unit_id):
            continue
        u = catalog.hierarchy.unit(r.unit_id)
        status = r.status(today)
        received = r.received if isinstance(r.received, datetime) else None
        out.append(ReportStatusPublic(
            indicator=r.indicator, indicator_name=catalog.indicators[r.indicator].name(lang),
            unit=u.code, unit_uid=catalog.unit_uids[u.id], unit_name=u.name,
            period=r.period.id, due=r.due, received_at=received, status=status,
            status_label=status.label(lang)))
    return sorted(out, key=lambda s: (s.period, s.indicator, s.unit))
