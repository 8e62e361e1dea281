"""Reporting regimes (chế độ báo cáo) under Decree 09/2019/NĐ-CP: windows and deadlines.

A regime says how often a report is due, which days its figures cover (the data cut-off,
Art. 12) and when it must arrive (Art. 13, or the regime's own rule). Decree 09's cut-off
runs from the 15th of the month before the period to the 14th of its last month:

- month: 15th of the previous month → 14th of the month;
- quarter: 15th of the month before the quarter → 14th of its last month;
- first half: 15 December of the previous year → 14 June; second half: 15 June → 14 December;
- year: 15 December of the previous year → 14 December;
- nine months, not in the decree: as provinces set it, by default 15 December of the
  previous year → 14 September (Khánh Hòa, QĐ 01/2023/QĐ-UBND).

A nine-month report is keyed by the third quarter, whose year-to-date it covers, as
`fansipan.domain.periods.year_to_date` does.
"""

from __future__ import annotations

import calendar as _gregorian
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Final

from fansipan.domain.bilingual import invalid
from fansipan.domain.calendar import WorkingCalendar
from fansipan.domain.periods import Period, PeriodType, cumulative_label

__all__ = [
    "VIETNAM_TIME",
    "CutOff",
    "DateWindow",
    "DayOfMonth",
    "DaysAfter",
    "DueBasis",
    "DueRule",
    "Frequency",
    "ReportingRegime",
    "SubmissionStatus",
    "local_day",
    "submission_status",
]

# Vietnam keeps UTC+7 all year; a fixed offset needs no time-zone database.
VIETNAM_TIME: Final = timezone(timedelta(hours=7), "ICT")


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    NINE_MONTHS = "nine_months"
    YEARLY = "yearly"

    @property
    def period_type(self) -> PeriodType:
        """The type of the period that names one report of this frequency."""
        return _PERIOD_TYPES[self]

    def label(self, lang: str = "vi") -> str:
        vi, en = _FREQUENCY_LABELS[self]
        return en if lang == "en" else vi


_PERIOD_TYPES: Final = {
    Frequency.MONTHLY: PeriodType.MONTH,
    Frequency.QUARTERLY: PeriodType.QUARTER,
    Frequency.HALF_YEARLY: PeriodType.SIX_MONTH,
    Frequency.NINE_MONTHS: PeriodType.QUARTER,  # the third quarter, year to date
    Frequency.YEARLY: PeriodType.YEAR,
}
_FREQUENCY_LABELS: Final = {
    Frequency.MONTHLY: ("Báo cáo tháng", "Monthly report"),
    Frequency.QUARTERLY: ("Báo cáo quý", "Quarterly report"),
    Frequency.HALF_YEARLY: ("Báo cáo 6 tháng", "Half-year report"),
    Frequency.NINE_MONTHS: ("Báo cáo 9 tháng", "Nine-month report"),
    Frequency.YEARLY: ("Báo cáo năm", "Annual report"),
}


def _vn(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _month_shift(year: int, month: int, offset: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + offset
    return index // 12, index % 12 + 1


def _day_in_month(year: int, month: int, day: int | None) -> date:
    """`day` of the month, the last day when None or when the month is shorter (31 → 30/6)."""
    last = _gregorian.monthrange(year, month)[1]
    return date(year, month, last if day is None else min(day, last))


def _check_day_of_month(field: str, day: int | None, *, allow_none: bool) -> None:
    if day is None and allow_none:
        return
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 31:
        raise invalid(field, f"Ngày trong tháng phải từ 1 đến 31, không phải {day!r}",
                      f"A day of the month must be 1 to 31, not {day!r}", value=day)


@dataclass(frozen=True)
class DateWindow:
    """Days from `start` to `end`, both included."""

    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        return f"{_vn(self.start)} - {_vn(self.end)}"


@dataclass(frozen=True)
class CutOff:
    """The data cut-off (thời gian chốt số liệu) as a rule on days of the month.

    The window starts on `from_day` of the month `from_month_offset` months from the
    period's first month (−1: the month before) and ends on `to_day` of its last month
    (None: the month's last day). The default is Decree 09's 15th → 14th;
    `CutOff.calendar_months()` makes the window the period itself.
    """

    from_day: int = 15
    to_day: int | None = 14
    from_month_offset: int = -1

    def __post_init__(self) -> None:
        _check_day_of_month("from_day", self.from_day, allow_none=False)
        _check_day_of_month("to_day", self.to_day, allow_none=True)
        if not -12 <= self.from_month_offset <= 0:
            raise invalid(
                "from_month_offset",
                "Kỳ chốt số liệu bắt đầu trong vòng 12 tháng trước tháng đầu kỳ; ghi từ -12 "
                "đến 0",
                "The cut-off starts within the 12 months before the period's first month; "
                "use -12 to 0",
                value=self.from_month_offset,
            )

    @classmethod
    def calendar_months(cls) -> CutOff:
        return cls(from_day=1, to_day=None, from_month_offset=0)


class DueBasis(StrEnum):
    """What a deadline in days counts from: the period's last day or the cut-off's."""

    PERIOD_END = "period_end"
    CUT_OFF_END = "cut_off_end"


@dataclass(frozen=True)
class DaysAfter:
    """Due `days` calendar or working days after the end of the period or of the cut-off."""

    days: int
    working: bool = False
    after: DueBasis = DueBasis.CUT_OFF_END

    def __post_init__(self) -> None:
        if isinstance(self.days, bool) or not isinstance(self.days, int) or not (
            0 <= self.days <= 366
        ):
            raise invalid("days", f"Số ngày phải từ 0 đến 366, không phải {self.days!r}",
                          f"The number of days must be 0 to 366, not {self.days!r}",
                          value=self.days)


@dataclass(frozen=True)
class DayOfMonth:
    """Due on `day` of a month counted from the period's last month (0: that month).

    Decree 09 Art. 13's "by the 25th of the last month of the period" is DayOfMonth(25);
    an annual report due on 25 November is DayOfMonth(25, month_offset=-1); the 5th of
    the following month is DayOfMonth(5, month_offset=1).
    """

    day: int
    month_offset: int = 0

    def __post_init__(self) -> None:
        _check_day_of_month("day", self.day, allow_none=False)
        if not -11 <= self.month_offset <= 12:
            raise invalid("month_offset", "Độ lệch tháng phải từ -11 đến 12",
                          "The month offset must be -11 to 12", value=self.month_offset)


DueRule = DaysAfter | DayOfMonth


class SubmissionStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    NOT_YET_DUE = "not_yet_due"
    OVERDUE = "overdue"

    def label(self, lang: str = "vi") -> str:
        vi, en = _SUBMISSION_LABELS[self]
        return en if lang == "en" else vi

    @property
    def received(self) -> bool:
        return self in (SubmissionStatus.ON_TIME, SubmissionStatus.LATE)


_SUBMISSION_LABELS: Final = {
    SubmissionStatus.ON_TIME: ("Gửi đúng hạn", "Received on time"),
    SubmissionStatus.LATE: ("Gửi muộn", "Received late"),
    SubmissionStatus.NOT_YET_DUE: ("Chưa đến hạn", "Not yet due"),
    SubmissionStatus.OVERDUE: ("Quá hạn, chưa gửi", "Overdue, not received"),
}


def local_day(moment: date | datetime) -> date:
    """The Vietnamese calendar day of a moment; naive times are taken as Vietnam time."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(VIETNAM_TIME)
        return moment.date()
    return moment


def submission_status(*, due: date, received: date | datetime | None,
                      today: date | datetime) -> SubmissionStatus:
    """On time when received by the end of the due day (Vietnam time), late after it;
    without a report, not yet due until the due day ends, overdue from the next day."""
    if received is not None:
        return SubmissionStatus.ON_TIME if local_day(received) <= due else SubmissionStatus.LATE
    return SubmissionStatus.NOT_YET_DUE if local_day(today) <= due else SubmissionStatus.OVERDUE


@dataclass(frozen=True)
class ReportingRegime:
    """One regime: its frequency, cut-off and deadline, and the document that set them.

    With `shift_off_days`, a deadline that falls on a day off moves to the next working
    day, as some regimes say; Decree 09 itself does not, so it is off by default.
    """

    code: str
    name: str
    frequency: Frequency
    due: DueRule
    cut_off: CutOff = CutOff()
    legal_basis: str = "Nghị định 09/2019/NĐ-CP"
    shift_off_days: bool = False

    def __post_init__(self) -> None:
        for name in ("code", "name"):
            if not str(getattr(self, name)).strip():
                raise invalid(name, f"Chế độ báo cáo thiếu {name}; ghi giá trị cho trường này",
                              f"The reporting regime has no {name}; give it one")

    # -- which periods ------------------------------------------------------------------------

    def check_period(self, period: Period) -> None:
        """Refuse a period that does not name a report of this regime."""
        wanted = self.frequency.period_type
        nine = self.frequency is Frequency.NINE_MONTHS
        if period.type is not wanted or (nine and period.index != 3):
            form = {
                Frequency.MONTHLY: "a month such as 2025-03",
                Frequency.QUARTERLY: "a quarter such as 2025Q1",
                Frequency.HALF_YEARLY: "a half-year such as 2025S1",
                Frequency.NINE_MONTHS: "the third quarter such as 2025Q3 (January–September)",
                Frequency.YEARLY: "a year such as 2025",
            }[self.frequency]
            raise invalid(
                "period",
                f"Kỳ {period.id} không phải kỳ của {self.frequency.label('vi').lower()} "
                f"{self.code}; dùng {_FORMS_VI[self.frequency]}",
                f"{period.id} is not a period of the {self.frequency.label('en').lower()} "
                f"{self.code}; use {form}",
                value=period.id,
            )

    def periods(self, year: int) -> list[Period]:
        """The reports of one year, in order."""
        if self.frequency is Frequency.NINE_MONTHS:
            return [Period.quarter_of(year, 3)]
        return Period.year_of(year).periods_within(self.frequency.period_type)

    def period_label(self, period: Period, lang: str = "vi") -> str:
        """"Tháng 3/2025", "Quý I/2025", "6 tháng đầu năm 2025", "9 tháng đầu năm 2025"…"""
        self.check_period(period)
        if self.frequency is Frequency.NINE_MONTHS:
            return cumulative_label(period, lang)
        return period.label(lang)

    # -- which days ---------------------------------------------------------------------------

    def covered_months(self, period: Period) -> tuple[date, date]:
        """The first day of the first month and the last day of the period's last month."""
        self.check_period(period)
        first = date(period.year, 1, 1) if self.frequency is Frequency.NINE_MONTHS else (
            period.start
        )
        return first, period.end

    def cut_off_window(self, period: Period) -> DateWindow:
        """The days whose figures the report of `period` carries (Art. 12)."""
        first, last = self.covered_months(period)
        y, m = _month_shift(first.year, first.month, self.cut_off.from_month_offset)
        start = _day_in_month(y, m, self.cut_off.from_day)
        end = _day_in_month(last.year, last.month, self.cut_off.to_day)
        return DateWindow(start, end)

    def due_date(self, period: Period, *, calendar: WorkingCalendar) -> date:
        """The last day on which the report of `period` is on time."""
        self.check_period(period)
        rule = self.due
        if isinstance(rule, DayOfMonth):
            y, m = _month_shift(period.end.year, period.end.month, rule.month_offset)
            due = _day_in_month(y, m, rule.day)
        else:
            base = (
                period.end if rule.after is DueBasis.PERIOD_END
                else self.cut_off_window(period).end
            )
            due = (calendar.add_working_days(base, rule.days) if rule.working
                   else base + timedelta(days=rule.days))
        return calendar.next_working_day(due) if self.shift_off_days else due

    def status(self, period: Period, *, received: date | datetime | None,
               today: date | datetime, calendar: WorkingCalendar) -> SubmissionStatus:
        """Whether the report of `period` came on time, late, or is not yet due or overdue."""
        return submission_status(due=self.due_date(period, calendar=calendar),
                                 received=received, today=today)


_FORMS_VI: Final = {
    Frequency.MONTHLY: "một tháng, ví dụ 2025-03",
    Frequency.QUARTERLY: "một quý, ví dụ 2025Q1",
    Frequency.HALF_YEARLY: "một nửa năm, ví dụ 2025S1",
    Frequency.NINE_MONTHS: "quý III, ví dụ 2025Q3 (tháng 1 đến tháng 9)",
    Frequency.YEARLY: "một năm, ví dụ 2025",
}
