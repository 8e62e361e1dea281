"""Expected, actual and on-time reports (báo cáo phải gửi, đã gửi, đúng hạn).

Pure: the caller says which reports are expected (an indicator's regime × the units that
report it × its periods) and when each arrived; this module says the status of each and
counts them the way DHIS2's EXPECTED_REPORTS, ACTUAL_REPORTS and ACTUAL_REPORTS_ON_TIME
do, with one difference that follows the Government Office's rule for tasks: a report
counts as expected once it has fallen due or arrived, not before. Counting reports that
are not yet due would make a unit look late on the first day of the month.

Counts are placed in the month the report's period ends (a yearly report of 2025 counts
in 2025-12), so a month, a quarter or a year of counts adds up like any other flow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from fansipan.domain.periods import Period
from fansipan.domain.regimes import SubmissionStatus, submission_status


@dataclass(frozen=True)
class ExpectedReport:
    """One report a unit owes for one period of one indicator, and what became of it."""

    indicator: str
    unit_id: int
    period: Period
    due: date
    received: datetime | date | None

    def status(self, today: date) -> SubmissionStatus:
        return submission_status(due=self.due, received=self.received, today=today)

    @property
    def month(self) -> Period:
        """The month the report is counted in: the last month of its period."""
        return Period.month_of(self.period.end.year, self.period.end.month)


@dataclass
class ReportCounts:
    """Reports of one unit counted in one month."""

    expected: int = 0
    received: int = 0
    on_time: int = 0

    def add(self, status: SubmissionStatus) -> None:
        if status is SubmissionStatus.NOT_YET_DUE:
            return
        self.expected += 1
        if status.received:
            self.received += 1
        if status is SubmissionStatus.ON_TIME:
            self.on_time += 1

    @property
    def rate(self) -> float | None:
        return None if not self.expected else 100.0 * self.received / self.expected

    @property
    def on_time_rate(self) -> float | None:
        return None if not self.expected else 100.0 * self.on_time / self.expected


def count_reports(reports: Iterable[ExpectedReport],
                  today: date) -> dict[tuple[int, Period], ReportCounts]:
    """(unit id, month) → counts of the reports that have fallen due or arrived by `today`.

    A report received before it was due counts at once (on time); one neither received
    nor due yet is left out until its due day has passed.
    """
    out: dict[tuple[int, Period], ReportCounts] = {}
    for report in reports:
        status = report.status(today)
        if status is SubmissionStatus.NOT_YET_DUE:
            continue
        out.setdefault((report.unit_id, report.month), ReportCounts()).add(status)
    return out
