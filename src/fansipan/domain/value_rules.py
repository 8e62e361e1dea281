"""The value rules every write path applies, and the conflicts they report: a figure
that is not a number, an entered derived indicator, a value out of the indicator's range,
a repeated row, a clash with the import strategy, locked data. Messages are said in the
reader's language at the edge."""

from __future__ import annotations

import math
from datetime import date

from fansipan.domain.indicators import Indicator, ValueType
from fansipan.domain.rows import Problem, RowConflict
from fansipan.domain.texts import text_problem
from fansipan.errors import FieldError, Message, msg

SHOWN_MAX = 60
MAX_INT = 10**308  # a JSON integer longer than this has no float


def shown(value: object) -> str:
    """A value as a message quotes it: short, and never a deep dump of a list or object."""
    if isinstance(value, list | tuple | dict):
        return "[…]" if not isinstance(value, dict) else "{…}"
    text = str(value)
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX - 1] + "…"


def plain_number(value: object) -> float | None:
    """A finite number from a number or text that reads the same in every number style
    (`12`, `12.5`, `1e3`), in its canonical form; else None: read it fully, with the
    style in force (`domain.numbers`). Python's `float` alone would take `1.234` for a
    decimal, `١٢` and `１２` for twelve and `1_000` for a thousand."""
    kind = type(value)
    if kind is str:
        text: str = value  # type: ignore[assignment]
        if "_" in text or "," in text or not text.isascii():
            return None
        dot = text.find(".")
        if dot >= 0 and (len(text) - dot == 4 or "." in text[dot + 1:]):
            return None  # 1.234 or 1.234.567: the style decides
        try:
            number = float(text)
        except ValueError:
            return None
    elif kind is float:
        number = value  # type: ignore[assignment]
    elif kind is int:
        if not -MAX_INT < value < MAX_INT:  # type: ignore[operator]
            return None  # read fully: refused as too large, not an OverflowError
        number = float(value)  # type: ignore[arg-type]
    else:
        return None
    return number + 0.0 if math.isfinite(number) else None  # + 0.0: no -0.0


def pending_conflict(field: str, value: str, message: Message, code: str,
                     problem: Problem = Problem.INVALID) -> RowConflict:
    """A conflict before its row is known (cached per distinct input)."""
    return RowConflict(0, field, shown(value), message, code, problem)


def derived_entered(ind: Indicator, row: int) -> RowConflict:
    return RowConflict(row, "indicator", ind.code, msg(
        "{code} is computed from a formula and cannot be entered; enter its parts ({formula})",
        code=ind.code, formula=ind.formula), "derived_indicator")


def retired_period(ind: Indicator, period_end: date, row: int) -> RowConflict | None:
    """A retired indicator keeps its history but takes no value for a period that ends
    on or after the day it was retired."""
    if ind.retired_from is None or period_end < ind.retired_from:
        return None
    return RowConflict(row, "indicator", ind.code, msg(
        "{code} was retired from {day}; it takes no value for a period ending then or later",
        code=ind.code, day=ind.retired_from.strftime("%d/%m/%Y")), "retired_indicator")


def counted_entered(ind: Indicator, row: int) -> RowConflict:
    return RowConflict(row, "indicator", ind.code, msg(
        "{code} is counted from the {dataset} records whenever one changes and cannot be "
        "entered; change the records instead", code=ind.code, dataset=ind.record_dataset),
        "counted_indicator")


def not_counted(ind: Indicator, row: int) -> RowConflict:
    return RowConflict(row, "indicator", ind.code, msg(
        "{code} is entered by people; record counts write only the indicators counted from "
        "records", code=ind.code), "not_counted")


def check_value(ind: Indicator, value: float, *, given: object = None,
                row: int = 0) -> RowConflict | None:
    """Why `value` cannot be stored for `ind`, or None when it can (`given`: as it was sent)."""
    text = shown(value if given is None else given)
    if ind.formula is not None:
        return derived_entered(ind, row)
    if not math.isfinite(value):
        return RowConflict(row, "value", text, msg("the value must be a finite number"),
                           "not_a_number")
    if ind.value_type is ValueType.INTEGER and value != int(value):
        return RowConflict(row, "value", text, msg(
            "{code} counts whole things; {value} is not a whole number",
            code=ind.code, value=f"{value:g}"), "not_whole")
    if ind.min_value is not None and value < ind.min_value:
        return RowConflict(row, "value", text, msg(
            "{value} is below the smallest allowed value {least}",
            value=f"{value:g}", least=f"{ind.min_value:g}"), "out_of_range")
    if ind.max_value is not None and value > ind.max_value:
        return RowConflict(row, "value", text, msg(
            "{value} is above the largest allowed value {most}",
            value=f"{value:g}", most=f"{ind.max_value:g}"), "out_of_range")
    return None


def check_comment(comment: str, row: int) -> RowConflict | None:
    """Why a comment cannot be stored (a NUL or other control character), or None."""
    found = text_problem(comment)
    if found is None:
        return None
    return RowConflict(row, "comment", shown(comment.encode("unicode_escape").decode()),
                       msg("the comment {problem}", problem=found), "bad_text")


def duplicate(row: int, earlier: int | None, period: str) -> RowConflict:
    message = (msg("repeats row {earlier} (same indicator, unit and period); keep one row",
                   earlier=earlier) if earlier else
               msg("repeats an earlier row of this import (same indicator, unit and period); "
                   "keep one row"))
    return RowConflict(row, "period", period, message, "duplicate")


def exists_already(row: int, period: str) -> RowConflict:
    return RowConflict(row, "period", period, msg(
        "a value exists already (strategy CREATE only adds new values); use "
        "CREATE_AND_UPDATE to change it"), "exists", Problem.CLASH)


def nothing_to_update(row: int, period: str) -> RowConflict:
    return RowConflict(row, "period", period, msg(
        "there is no value to update (strategy UPDATE only changes stored values); use "
        "CREATE_AND_UPDATE to add it"), "missing", Problem.CLASH)


def locked(error: FieldError) -> RowConflict:
    """A refusal of `approvals.check_not_locked`, as a conflict of its row."""
    return RowConflict(error.row or 0, error.field, error.value, error.message, "locked",
                       Problem.LOCKED)


def estimate_over_official(row: int, period: str) -> RowConflict:
    """An estimate sent for a value whose official figure is in (domain.estimates)."""
    return RowConflict(row, "status", "estimate", msg(
        "the official figure for {period} is stored; an estimate cannot replace it. Send the "
        "value as official, or delete the official figure first if it was wrong",
        period=period), "estimate_over_official", Problem.CLASH)
