"""Expected, actual and on-time reports counted on working days (Tết 2026 included)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fansipan.domain.calendar import vietnam_calendar
from fansipan.domain.periods import Period
from fansipan.domain.regimes import DaysAfter, Frequency, ReportingRegime, SubmissionStatus
from fansipan.domain.reporting import ExpectedReport, count_reports

REGIME = ReportingRegime(code="VT_TRAM_5G", name="Trạm 5G", frequency=Frequency.MONTHLY,
                         due=DaysAfter(2, working=True))
FEB = Period.month_of(2026, 2)


def test_the_deadline_counts_working_days_past_tet() -> None:
    # Cut-off 14/02/2026 is a Saturday; Tết closes 16–20/02; two working days → 24/02.
    assert REGIME.due_date(FEB, calendar=vietnam_calendar()) == date(2026, 2, 24)


def report(unit: int, received: datetime | None) -> ExpectedReport:
    return ExpectedReport(indicator="VT_TRAM_5G", unit_id=unit, period=FEB,
                          due=REGIME.due_date(FEB, calendar=vietnam_calendar()),
                          received=received)


def test_reports_counted_as_they_fall_due() -> None:
    # 16:59 UTC on the 24th is 23:59 in Vietnam: still on time; 17:01 is the 25th there.
    reports = [report(1, datetime(2026, 2, 24, 16, 59, tzinfo=UTC)),
               report(2, datetime(2026, 2, 24, 17, 1, tzinfo=UTC)),
               report(3, None), report(4, datetime(2026, 2, 10, tzinfo=UTC))]
    assert reports[0].status(date(2026, 3, 1)) is SubmissionStatus.ON_TIME
    assert reports[1].status(date(2026, 3, 1)) is SubmissionStatus.LATE
    on_the_day = [r for r in reports if r.unit_id != 2]  # as they stood on the due day
    before = count_reports(on_the_day, date(2026, 2, 24))
    # The reports already in count; the missing one is not due until the day is over.
    assert {u for u, _ in before} == {1, 4}
    after = count_reports(reports, date(2026, 2, 25))
    counts = {u: (c.expected, c.received, c.on_time) for (u, _), c in after.items()}
    assert counts == {1: (1, 1, 1), 2: (1, 1, 0), 3: (1, 0, 0), 4: (1, 1, 1)}
    assert {m for _, m in after} == {FEB}
    total = sum(c.expected for c in after.values())
    on_time = sum(c.on_time for c in after.values())
    assert (total, on_time) == (4, 2)


def test_a_yearly_report_counts_in_the_month_its_year_ends() -> None:
    yearly = ExpectedReport(indicator="X", unit_id=1, period=Period.year_of(2025),
                            due=date(2025, 11, 25), received=None)
    assert yearly.month == Period.month_of(2025, 12)
    [(key, c)] = count_reports([yearly], date(2026, 1, 5)).items()
    assert key == (1, Period.month_of(2025, 12)) and (c.expected, c.rate) == (1, 0.0)
