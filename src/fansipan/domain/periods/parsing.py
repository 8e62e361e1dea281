"""Period identifiers read from text, with advice for the forms people get wrong."""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Final

from fansipan.domain.periods.messages import not_a_period
from fansipan.domain.periods.period import Period
from fansipan.domain.periods.period_type import PeriodType
from fansipan.domain.periods.validity import problem_of

_FLAGS: Final = re.IGNORECASE | re.ASCII
_INDEXED: Final = re.compile(r"(\d{4})-?([SQW])(\d{1,2})", _FLAGS)
_MONTH: Final = re.compile(r"(\d{4})(?:-(\d{1,2})|(\d{2}))", _FLAGS)
_DAY: Final = re.compile(r"(\d{4})(?:-(\d{1,2})-(\d{1,2})|(\d{2})(\d{2}))", _FLAGS)
_YEAR: Final = re.compile(r"\d{4}", _FLAGS)
# Vietnamese paperwork writes dates day first; say how to write them instead of guessing.
_DAY_FIRST: Final = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", _FLAGS)
_MONTH_FIRST: Final = re.compile(r"(\d{1,2})[/.](\d{4})", _FLAGS)
_LETTER_TYPES: Final = {"S": PeriodType.SIX_MONTH, "Q": PeriodType.QUARTER, "W": PeriodType.WEEK}


def parse_period(text: str) -> Period:
    """Read a period identifier such as 2022, 2022S1, 2022Q1, 2022-03, 2022W05 or 2022-03-15.

    Also accepted: 202203, 20220315, 2022W5, 2022-W05; letters in any case; surrounding spaces.
    """
    if not isinstance(text, str):
        raise not_a_period(repr(text), "a period must be text", repr(text))
    s = text.strip()
    if not s:
        raise not_a_period(s, "it is empty", text)

    if _YEAR.fullmatch(s):
        return _build(PeriodType.YEAR, int(s), 1, s, text)
    if m := _INDEXED.fullmatch(s):
        ptype = _LETTER_TYPES[m.group(2).upper()]
        return _build(ptype, int(m.group(1)), int(m.group(3)), s, text)
    if m := _MONTH.fullmatch(s):
        return _build(PeriodType.MONTH, int(m.group(1)), int(m.group(2) or m.group(3)), s, text)
    if m := _DAY.fullmatch(s):
        year, month = int(m.group(1)), int(m.group(2) or m.group(4))
        day = int(m.group(3) or m.group(5))
        reason = problem_of(PeriodType.MONTH, year, month)
        if reason is None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                reason = f"day must be 01–{last} in {year:04d}-{month:02d}"
        if reason is not None:
            raise not_a_period(s, reason, text)
        return Period.day_of(date(year, month, day))

    if m := _DAY_FIRST.fullmatch(s):
        hint = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        raise not_a_period(s, f"write the date year first, as {hint}", text)
    if m := _MONTH_FIRST.fullmatch(s):
        hint = f"{m.group(2)}-{int(m.group(1)):02d}"
        raise not_a_period(s, f"write the month year first, as {hint}", text)
    raise not_a_period(s, "the form is not recognised", text)


def _build(ptype: PeriodType, year: int, index: int, shown: str, text: str) -> Period:
    reason = problem_of(ptype, year, index)
    if reason is not None:
        raise not_a_period(shown, reason, text)
    return Period(ptype, year, index)
