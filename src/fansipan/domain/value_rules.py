"""The value rules every write path applies, and the conflicts they report: a figure
that is not a number, an entered derived indicator, a value out of the indicator's range,
a repeated row, a clash with the import strategy, locked data. Messages are said in the
reader's language at the edge."""

from __future__ import annotations

import math

from fansipan.domain.indicators import Indicator, ValueType
from fansipan.domain.rows import Problem, RowConflict
from fansipan.errors import FieldError, Message, msg

SHOWN_MAX = 60


def shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX - 1] + "…"


def plain_number(value: object) -> float | None:
    """A finite number from a number or plain numeric text, else None (read it fully)."""
    kind = type(value)
    if kind is str:
        if "_" in value:  # type: ignore[operator]
            return None
        try:
            number = float(value)  # type: ignore[arg-type]
        except ValueError:
            return None
    elif kind is float or kind is int:
        number = float(value)  # type: ignore[arg-type]
    else:
        return None
    return number if math.isfinite(number) else None


def pending_conflict(field: str, value: str, message: Message, code: str,
                     problem: Problem = Problem.INVALID) -> RowConflict:
    """A conflict before its row is known (cached per distinct input)."""
    return RowConflict(0, field, shown(value), message, code, problem)


def derived_entered(ind: Indicator, row: int) -> RowConflict:
    return RowConflict(row, "indicator", ind.code, msg(
        "{code} is computed from a formula and cannot be entered; enter its parts ({formula})",
        code=ind.code, formula=ind.formula), "derived_indicator")


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
