"""The periods a report of results covers: a year, six or nine months, a quarter, a month.

`--period` names one within a year: `year` (the default), `6m` (six months), `9m` (nine
months), `q1`–`q4`, or `m1`–`m12` (also `2021-03`). A report of part of a year gives its
figures from 1 January to the period's end (lũy kế từ đầu năm), because the targets it
measures them against are the year's: "9 tháng đầu năm 2021", "3 tháng đầu năm 2021".
The data cut-off window of each kind is Decree 09/2019's (see `domain.regimes`); the
nine-month window is the province's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from fansipan.domain.bilingual import invalid
from fansipan.domain.periods import MAX_YEAR, MIN_YEAR, Period, cumulative_label
from fansipan.domain.regimes import CutOff, DateWindow, DayOfMonth, Frequency, ReportingRegime

__all__ = [
    "NINE_MONTHS_DEFAULT",
    "PERIOD_CHOICES",
    "ReportPeriod",
    "parse_cut_off",
    "report_period",
]

_ROMAN: Final = ("I", "II", "III", "IV")
PERIOD_CHOICES: Final = ("year", "6m", "9m", "q1", "q2", "q3", "q4",
                         *(f"m{m}" for m in range(1, 13)))
NINE_MONTHS_DEFAULT: Final = "15/12..14/09"  # Khánh Hòa, QĐ 01/2023/QĐ-UBND
_MONTH: Final = re.compile(r"^(?:m(\d{1,2})|(\d{4})-(\d{2}))$")
_WINDOW: Final = re.compile(r"^(\d{1,2})/(\d{1,2})\.\.(\d{1,2})/(\d{1,2})$")


@dataclass(frozen=True)
class ReportPeriod:
    """What a report covers: its frequency, the period keying it, the stretch its figures
    add up (1 January to the period's end) and its data cut-off window."""

    kind: str  # one of PERIOD_CHOICES
    year: int
    frequency: Frequency
    period: Period  # 2021, 2021S1, 2021Q3 (nine months), 2021Q1, 2021-03
    regime: ReportingRegime

    @property
    def is_year(self) -> bool:
        return self.frequency is Frequency.YEARLY

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return self.period.end

    @property
    def window(self) -> DateWindow:
        return self.regime.cut_off_window(self.period)

    def label(self, lang: str = "vi") -> str:
        """"năm 2021", "6 tháng đầu năm 2021", "9 tháng đầu năm 2021", "quý I năm 2021",
        "tháng 3 năm 2021" (English: "2021", "January–June 2021", …)."""
        p = self.period
        if lang == "en":
            if self.is_year:
                return str(self.year)
            if self.kind.startswith("q"):
                return f"Q{p.index} {self.year}"
            return p.label("en") if self.kind.startswith("m") else cumulative_label(p, "en")
        if self.is_year:
            return f"năm {self.year}"
        if self.kind.startswith("q"):
            return f"quý {_ROMAN[p.index - 1]} năm {self.year}"
        if self.kind.startswith("m"):
            return f"tháng {p.index} năm {self.year}"
        return cumulative_label(p, "vi")

    def figures_label(self, lang: str = "vi") -> str:
        """The stretch the figures cover: "Năm 2021", "9 tháng đầu năm 2021", "Tháng 1/2021"."""
        if self.is_year:
            return f"Năm {self.year}" if lang != "en" else str(self.year)
        return cumulative_label(self.period, "en" if lang == "en" else "vi")

    @property
    def elapsed(self) -> float:
        """The share of the year its figures cover, by days (1 for the year itself)."""
        days = (date(self.year, 12, 31) - self.start).days + 1
        return min(1.0, ((self.end - self.start).days + 1) / days)


def parse_cut_off(text: str) -> CutOff:
    """A nine-month window "DD/MM..DD/09": from a day of December of the year before (or of
    January) to a day of September, e.g. "15/12..14/09" or "01/01..30/09"."""
    m = _WINDOW.match(text.strip())
    if m is None:
        raise _window_error(text)
    from_day, from_month, to_day, to_month = (int(x) for x in m.groups())
    if to_month != 9 or from_month not in (12, 1) or not (1 <= from_day <= 31
                                                          and 1 <= to_day <= 31):
        raise _window_error(text)
    return CutOff(from_day=from_day, to_day=to_day, from_month_offset=-1 if from_month == 12
                  else 0)


def _window_error(text: str) -> Exception:
    return invalid(
        "nine_months_cutoff",
        f"Thời gian chốt số liệu 9 tháng '{text}' không đúng; ghi dạng 15/12..14/09 (từ một "
        "ngày của tháng 12 năm trước hoặc tháng 1 đến một ngày của tháng 9)",
        f"The nine-month cut-off '{text}' is malformed; write it as 15/12..14/09 (from a day "
        "of December of the year before, or of January, to a day of September)",
        value=text,
    )


def report_period(year: int, kind: str = "year", *,
                  nine_months: CutOff | None = None) -> ReportPeriod:
    """The period of a report of `year`; `kind` as `PERIOD_CHOICES` says (or YYYY-MM)."""
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise invalid("year", f"Năm báo cáo phải từ {MIN_YEAR} đến {MAX_YEAR}",
                      f"The report's year must be {MIN_YEAR} to {MAX_YEAR}", value=year)
    text = (kind or "year").strip().lower()
    month = _MONTH.match(text)
    freq: Frequency
    if text in ("year", "y", "nam", "năm"):
        freq, period, text = Frequency.YEARLY, Period.year_of(year), "year"
    elif text in ("6m", "s1", "h1"):
        freq, period, text = Frequency.HALF_YEARLY, Period.six_month_of(year, 1), "6m"
    elif text in ("9m",):
        freq, period = Frequency.NINE_MONTHS, Period.quarter_of(year, 3)
    elif text in ("q1", "q2", "q3", "q4"):
        freq, period = Frequency.QUARTERLY, Period.quarter_of(year, int(text[1]))
    elif month is not None:
        if month.group(2) is not None and int(month.group(2)) != year:
            raise invalid("period", f"Tháng {text} không thuộc năm {year}",
                          f"The month {text} is not in {year}", value=text)
        number = int(month.group(1) or month.group(3))
        if not 1 <= number <= 12:
            raise _period_error(kind)
        freq, period, text = Frequency.MONTHLY, Period.month_of(year, number), f"m{number}"
    else:
        raise _period_error(kind)
    cut_off = nine_months if freq is Frequency.NINE_MONTHS and nine_months else CutOff()
    regime = ReportingRegime(code="BC-KQ", name="Báo cáo kết quả thực hiện chỉ tiêu, nhiệm vụ",
                             frequency=freq, due=DayOfMonth(25), cut_off=cut_off)
    return ReportPeriod(kind=text, year=year, frequency=freq, period=period, regime=regime)


def _period_error(kind: str) -> Exception:
    return invalid(
        "period",
        f"Kỳ báo cáo '{kind}' không đúng; dùng year (năm), 6m (6 tháng), 9m (9 tháng), q1–q4 "
        "(quý) hoặc m1–m12 (tháng)",
        f"The report period '{kind}' is not known; use year, 6m (six months), 9m (nine "
        "months), q1–q4 (a quarter) or m1–m12 (a month)",
        value=kind,
    )
