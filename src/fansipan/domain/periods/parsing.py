"""Period identifiers read from text, as machines and as people write them.

Identifiers: 2022, 2022S1, 2022Q1, 2022-03 (202203), 2022W05, 2022-03-15 (20220315).
People's names, in Vietnamese with or without diacritics and in English, are the names
`Period.label` gives, so every label reads back: "Năm 2022", "6 tháng đầu năm 2022",
"Quý I/2022" (also "quý 1/2022", "Quý I năm 2022"), "Tháng 3/2022", "Tuần 5/2022",
"Ngày 15/03/2022"; "Q1 2022", "Jan–Jun 2022", "March 2022", "Week 5 2022", "15 March 2022".
A year-to-date total ("9 tháng đầu năm 2022", "lũy kế 9 tháng") is several months, not
one period: `year_to_date_of` reads it, and `parse_period` says so instead of guessing.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date
from typing import Final

from fansipan.domain.periods.labels import EN_MONTHS
from fansipan.domain.periods.messages import not_a_period
from fansipan.domain.periods.period import Period
from fansipan.domain.periods.period_type import PeriodType
from fansipan.domain.periods.validity import problem_of
from fansipan.errors import msg

_FLAGS: Final = re.IGNORECASE | re.ASCII
_INDEXED: Final = re.compile(r"(\d{4})-?([SQW])(\d{1,2})", _FLAGS)
_MONTH: Final = re.compile(r"(\d{4})(?:-(\d{1,2})|(\d{2}))", _FLAGS)
_DAY: Final = re.compile(r"(\d{4})(?:-(\d{1,2})-(\d{1,2})|(\d{2})(\d{2}))", _FLAGS)
_YEAR: Final = re.compile(r"\d{4}", _FLAGS)
# Vietnamese paperwork writes dates day first; say how to write them instead of guessing.
_DAY_FIRST: Final = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", _FLAGS)
_MONTH_FIRST: Final = re.compile(r"(\d{1,2})[/.](\d{4})", _FLAGS)
_LETTER_TYPES: Final = {"S": PeriodType.SIX_MONTH, "Q": PeriodType.QUARTER, "W": PeriodType.WEEK}

# People's names, matched on folded text (lower case, no diacritics, đ → d, one space).
_OF_YEAR: Final = r"\s*(?:/|-|\s|\s*nam\s*)\s*(\d{4})"
_NAMED: Final = (
    (re.compile(r"(?:ca\s+)?nam\s+(\d{4})|full\s+year\s+(\d{4})|year\s+(\d{4})"), "year"),
    (re.compile(r"(?:6|sau)\s+thang\s+(dau|cuoi)\s+nam\s+(\d{4})"), "half"),
    (re.compile(r"(jan\s*-\s*jun|jul\s*-\s*dec)\s+(\d{4})"), "half_en"),
    (re.compile(r"quy\s+([1-4]|iv|i{1,3})" + _OF_YEAR), "quarter"),
    (re.compile(r"q([1-4])\s+(\d{4})"), "quarter"),
    (re.compile(r"thang\s+(\d{1,2})" + _OF_YEAR), "month"),
    (re.compile(r"tuan\s+(\d{1,2})" + _OF_YEAR + r"|week\s+(\d{1,2})\s+(\d{4})"), "week"),
    (re.compile(r"ngay\s+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"), "day"),
)
_TO_DATE: Final = re.compile(
    r"(?:luy\s+ke\s+)?(\d{1,2})\s+thang(?:\s+dau)?\s+nam\s+(\d{4})"
    r"|january\s*-\s*([a-z]+)\s+(\d{4})")
_ROMAN: Final = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_EN_MONTHS: Final = {m.lower(): i for i, m in enumerate(EN_MONTHS, start=1)}


def fold(text: str) -> str:
    """Lower case without diacritics, dashes as "-", single spaces: "Quý I" → "quy i"."""
    text = text.replace("đ", "d").replace("Đ", "d").replace("–", "-").replace("—", "-")
    text = unicodedata.normalize("NFD", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.lower().split())


def parse_period(text: str) -> Period:
    """Read a period: an identifier (2022, 2022S1, 2022Q1, 2022-03, 2022W05, 2022-03-15)
    or its name as people write it ("Quý I/2022", "tháng 3/2022", "6 tháng đầu năm 2022").

    Also accepted: 202203, 20220315, 2022W5, 2022-W05; letters in any case; surrounding spaces.
    """
    if not isinstance(text, str):
        raise not_a_period(repr(text), msg("a period must be text"), repr(text))
    s = text.strip()
    if not s:
        raise not_a_period(s, msg("it is empty"), text)

    if _YEAR.fullmatch(s):
        return _build(PeriodType.YEAR, int(s), 1, s, text)
    if m := _INDEXED.fullmatch(s):
        ptype = _LETTER_TYPES[m.group(2).upper()]
        return _build(ptype, int(m.group(1)), int(m.group(3)), s, text)
    if m := _MONTH.fullmatch(s):
        return _build(PeriodType.MONTH, int(m.group(1)), int(m.group(2) or m.group(3)), s, text)
    if m := _DAY.fullmatch(s):
        year, month = int(m.group(1)), int(m.group(2) or m.group(4))
        return _day(year, month, int(m.group(3) or m.group(5)), s, text)

    named = _named(fold(s), s, text)
    if named is not None:
        return named
    if m := _DAY_FIRST.fullmatch(s):
        hint = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        raise not_a_period(s, msg("write the date year first, as {hint}, or as Ngày {given}",
                                  hint=hint, given=s), text)
    if m := _MONTH_FIRST.fullmatch(s):
        hint = f"{m.group(2)}-{int(m.group(1)):02d}"
        raise not_a_period(s, msg("write the month year first, as {hint}, or as tháng {given}",
                                  hint=hint, given=s), text)
    raise not_a_period(s, msg("the form is not recognised"), text)


def year_to_date_of(text: str) -> tuple[int, int] | None:
    """(year, months) of a year-to-date name such as "9 tháng đầu năm 2022", else None."""
    if not isinstance(text, str):
        return None
    m = _TO_DATE.fullmatch(fold(text))
    if m is None:
        return None
    if m.group(1):
        months, year = int(m.group(1)), int(m.group(2))
    else:
        found = _EN_MONTHS.get(m.group(3))
        if found is None:
            return None
        months, year = found, int(m.group(4))
    return (year, months) if 1 <= months <= 12 else None


def _named(folded: str, shown: str, text: str) -> Period | None:
    for pattern, kind in _NAMED:
        m = pattern.fullmatch(folded)
        if m is None:
            continue
        groups = [g for g in m.groups() if g is not None]
        if kind == "year":
            return _build(PeriodType.YEAR, int(groups[0]), 1, shown, text)
        if kind == "half":
            return _build(PeriodType.SIX_MONTH, int(groups[1]), 1 if groups[0] == "dau" else 2,
                          shown, text)
        if kind == "half_en":
            return _build(PeriodType.SIX_MONTH, int(groups[1]),
                          1 if groups[0].startswith("jan") else 2, shown, text)
        if kind == "quarter":
            index = _ROMAN.get(groups[0]) or int(groups[0])
            return _build(PeriodType.QUARTER, int(groups[1]), index, shown, text)
        if kind == "month":
            return _build(PeriodType.MONTH, int(groups[1]), int(groups[0]), shown, text)
        if kind == "week":
            return _build(PeriodType.WEEK, int(groups[1]), int(groups[0]), shown, text)
        return _day(int(groups[2]), int(groups[1]), int(groups[0]), shown, text)
    to_date = year_to_date_of(folded)
    if to_date is not None:
        year, months = to_date
        whole = {3: PeriodType.QUARTER, 6: PeriodType.SIX_MONTH, 12: PeriodType.YEAR}
        if months in whole:  # "6 tháng đầu năm" is the first half-year, and so on
            return _build(whole[months], year, 1, shown, text)
        if months == 1:
            return _build(PeriodType.MONTH, year, 1, shown, text)
        raise not_a_period(shown, msg(
            "it adds up {months} months; ask for the range {year}-01..{year}-{last}",
            months=months, year=year, last=f"{months:02d}"), text)
    m = re.fullmatch(r"([a-z]+)\s+(\d{4})|(\d{1,2})\s+([a-z]+)\s+(\d{4})", folded)
    if m is not None and m.group(1) in _EN_MONTHS:
        return _build(PeriodType.MONTH, int(m.group(2)), _EN_MONTHS[m.group(1)], shown, text)
    if m is not None and m.group(4) in _EN_MONTHS:
        return _day(int(m.group(5)), _EN_MONTHS[m.group(4)], int(m.group(3)), shown, text)
    return None


def _day(year: int, month: int, day: int, shown: str, text: str) -> Period:
    reason = problem_of(PeriodType.MONTH, year, month)
    if reason is None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            reason = msg("day must be 01–{last} in {month}", last=last,
                         month=f"{year:04d}-{month:02d}")
    if reason is not None:
        raise not_a_period(shown, reason, text)
    return Period.day_of(date(year, month, day))


def _build(ptype: PeriodType, year: int, index: int, shown: str, text: str) -> Period:
    reason = problem_of(ptype, year, index)
    if reason is not None:
        raise not_a_period(shown, reason, text)
    return Period(ptype, year, index)
