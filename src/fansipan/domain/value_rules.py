"""The value rules every write path applies, and the conflicts they report in both
languages: a figure that is not a number, an entered derived indicator, a value out of
the indicator's range, a repeated row, a clash with the import strategy, locked data."""

from __future__ import annotations

import math

from fansipan.domain.indicators import Indicator, ValueType
from fansipan.domain.rows import Problem, RowConflict
from fansipan.errors import FieldError

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


def pending_conflict(field: str, value: str, en: str, vi: str, code: str,
                     problem: Problem = Problem.INVALID) -> RowConflict:
    """A conflict before its row is known (cached per distinct input)."""
    return RowConflict(0, field, shown(value), en, vi, code, problem)


def derived_entered(ind: Indicator, row: int) -> RowConflict:
    return RowConflict(row, "indicator", ind.code,
                       f"{ind.code} is computed from a formula and cannot be entered; enter its "
                       f"parts ({ind.formula})",
                       f"{ind.code} được tính theo công thức, không nhập trực tiếp; hãy nhập các "
                       f"chỉ tiêu thành phần ({ind.formula})", "derived_indicator")


def check_value(ind: Indicator, value: float, *, given: object = None,
                row: int = 0) -> RowConflict | None:
    """Why `value` cannot be stored for `ind`, or None when it can (`given`: as it was sent)."""
    text = shown(value if given is None else given)
    if ind.formula is not None:
        return derived_entered(ind, row)
    if not math.isfinite(value):
        return RowConflict(row, "value", text, "the value must be a finite number",
                           "giá trị phải là một số hữu hạn", "not_a_number")
    if ind.value_type is ValueType.INTEGER and value != int(value):
        return RowConflict(row, "value", text,
                           f"{ind.code} counts whole things; {value:g} is not a whole number",
                           f"{ind.code} đếm số nguyên; {value:g} không phải số nguyên",
                           "not_whole")
    if ind.min_value is not None and value < ind.min_value:
        return RowConflict(row, "value", text,
                           f"{value:g} is below the smallest allowed value {ind.min_value:g}",
                           f"{value:g} nhỏ hơn giá trị nhỏ nhất cho phép {ind.min_value:g}",
                           "out_of_range")
    if ind.max_value is not None and value > ind.max_value:
        return RowConflict(row, "value", text,
                           f"{value:g} is above the largest allowed value {ind.max_value:g}",
                           f"{value:g} lớn hơn giá trị lớn nhất cho phép {ind.max_value:g}",
                           "out_of_range")
    return None


def duplicate(row: int, earlier: int | None, period: str) -> RowConflict:
    where_en = f"row {earlier}" if earlier else "an earlier row of this import"
    where_vi = f"dòng {earlier}" if earlier else "một dòng trước đó của lần nhập này"
    return RowConflict(row, "period", period,
                       f"repeats {where_en} (same indicator, unit and period)",
                       f"trùng {where_vi} (cùng chỉ tiêu, đơn vị và kỳ); giữ một dòng",
                       "duplicate")


def exists_already(row: int, period: str) -> RowConflict:
    return RowConflict(row, "period", period, "a value exists already (strategy CREATE)",
                       "đã có số liệu cho chỉ tiêu, đơn vị và kỳ này (chế độ CREATE chỉ thêm "
                       "mới); dùng CREATE_AND_UPDATE để sửa", "exists", Problem.CLASH)


def nothing_to_update(row: int, period: str) -> RowConflict:
    return RowConflict(row, "period", period, "there is no value to update (strategy UPDATE)",
                       "chưa có số liệu để cập nhật (chế độ UPDATE chỉ sửa số liệu đã có); dùng "
                       "CREATE_AND_UPDATE để thêm mới", "missing", Problem.CLASH)


def locked(error: FieldError) -> RowConflict:
    """A refusal of `approvals.check_not_locked`, with its Vietnamese twin."""
    return RowConflict(error.row or 0, error.field, error.value, error.message,
                       f"số liệu kỳ {error.value} đã được phê duyệt và khóa; đề nghị người phê "
                       "duyệt mở lại kỳ này trước khi sửa", "locked", Problem.LOCKED)


def estimate_over_official(row: int, period: str) -> RowConflict:
    """An estimate sent for a value whose official figure is in (domain.estimates)."""
    return RowConflict(row, "status", "estimate",
                       f"the official figure for {period} is stored; an estimate cannot "
                       "replace it. Send the value as official, or delete the official figure "
                       "first if it was wrong",
                       f"đã có số chính thức kỳ {period}; số ước thực hiện không thay được số "
                       "chính thức. Gửi giá trị là số chính thức, hoặc xóa số chính thức trước "
                       "nếu số đó sai", "estimate_over_official", Problem.CLASH)
