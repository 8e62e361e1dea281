"""The reports a data officer owes (báo cáo đến hạn): the first thing they look for.

For an officer whose account is scoped to units, every report the reporting regimes
expect from those units and the units below them (one indicator × one unit × one
period), within the officer's indicators: those overdue, those not yet due, and those
sent whose deadline was in the last month. Expected reports, deadlines and statuses are
the ones `reporting.expected_reports` works out for the late-report counts, so the panel
and the counts never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Final

from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, Role
from fansipan.domain.regimes import SubmissionStatus, local_day
from fansipan.domain.reporting import ExpectedReport
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.foresight.reporting import expected_reports, recent_months
from fansipan.services.trust.access import data_scope

SHOWN: Final = 30  # rows on the panel; the rest are counted
RECENT_SENT: Final = timedelta(days=31)  # sent reports stay listed this long after their due day


class DueState(StrEnum):
    """What an officer reads beside each report."""

    OVERDUE = "overdue"  # quá hạn N ngày
    OPEN = "open"  # chưa nộp, not yet due
    SENT = "sent"  # đã nộp


@dataclass(frozen=True)
class DueReport:
    indicator: str
    indicator_name: str
    sector: str
    unit_uid: str
    unit_code: str
    unit_name: str
    period: str
    period_label: str
    due: date
    state: DueState
    days_overdue: int  # 0 unless overdue
    sent_at: datetime | date | None
    late: bool  # sent after the due day


@dataclass(frozen=True)
class DueList:
    reports: list[DueReport]
    more: int  # rows beyond the panel's
    overdue: int
    open: int


def owes_reports(principal: Principal) -> bool:
    """An officer whose account names its units: the one this list is for. An officer
    of the whole province would see every commune's reports, which is a leader's view
    (the late-report indicators), not a to-do list."""
    return (Role.OFFICER in principal.roles and not principal.all_units
            and bool(principal.unit_ids))


def reports_due(*, session: Session, principal: Principal, today: date | None = None,
                lang: str = "vi", shown: int = SHOWN) -> DueList | None:
    """The officer's reports due, overdue first (the longest overdue first), then those
    not yet due by deadline, then those sent lately; None for anyone else."""
    if not owes_reports(principal):
        return None
    # The province's day: a report sent at 00:30 in Hà Nội is sent on that day, whatever
    # zone the server runs in.
    today = today or local_day(datetime.now(UTC))
    with session.begin():
        catalog = load_catalog(session)
        scope = data_scope(session, catalog, principal)
        below: set[int] = set()
        for root in principal.unit_ids:
            below |= catalog.hierarchy.below_ever(root)
        expected = expected_reports(session, catalog, recent_months(today), today,
                                    unit_ids=frozenset(below))
    items = [_item(catalog, r, today, lang) for r in expected
             if scope.allows(catalog.indicator_ids[r.indicator], r.unit_id)]
    kept = [i for i in items if i.state is not DueState.SENT or i.due >= today - RECENT_SENT]
    order = {DueState.OVERDUE: 0, DueState.OPEN: 1, DueState.SENT: 2}
    kept.sort(key=lambda i: (order[i.state], -i.days_overdue,
                             -i.due.toordinal() if i.state is DueState.SENT else i.due.toordinal(),
                             i.unit_name, i.indicator))
    return DueList(reports=kept[:shown], more=max(0, len(kept) - shown),
                   overdue=sum(i.state is DueState.OVERDUE for i in kept),
                   open=sum(i.state is DueState.OPEN for i in kept))


def _item(catalog: Catalog, r: ExpectedReport, today: date, lang: str) -> DueReport:
    status = r.status(today)
    unit = catalog.hierarchy.unit(r.unit_id)
    ind = catalog.indicators[r.indicator]
    if status.received:
        state = DueState.SENT
    elif status is SubmissionStatus.OVERDUE:
        state = DueState.OVERDUE
    else:
        state = DueState.OPEN
    return DueReport(
        indicator=ind.code, indicator_name=ind.name(lang), sector=ind.sector,
        unit_uid=catalog.unit_uids[unit.id], unit_code=unit.code, unit_name=unit.name,
        period=r.period.id, period_label=r.period.label(lang), due=r.due, state=state,
        days_overdue=(today - r.due).days if state is DueState.OVERDUE else 0,
        sent_at=r.received, late=status is SubmissionStatus.LATE)
