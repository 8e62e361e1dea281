"""The value rules every write path applies, and the conflicts they report in both
languages: a figure that is not a number, an entered derived indicator, a value out of
the indicator's range, a repeated row, a clash with the import strategy, locked data."""

from __future__ import annotations

import math

from fansipan.domain.indicators import Indicator, ValueType
from fansipan.domain.rows import Problem, RowConflict
from fansipan.domain.texts import text_problem
from fansipan.errors import FieldError

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


def counted_entered(ind: Indicator, row: int) -> RowConflict:
    return RowConflict(row, "indicator", ind.code,
                       f"{ind.code} is counted from the {ind.record_dataset} records whenever "
                       "one changes and cannot be entered; change the records instead",
                       f"{ind.code} được đếm tự động từ dữ liệu {ind.record_dataset} mỗi khi "
                       "có thay đổi, không nhập trực tiếp; hãy cập nhật dữ liệu gốc",
                       "counted_indicator")


def not_counted(ind: Indicator, row: int) -> RowConflict:
    return RowConflict(row, "indicator", ind.code,
                       f"{ind.code} is entered by people; record counts write only the "
                       "indicators counted from records",
                       f"{ind.code} là chỉ tiêu nhập tay; phép đếm từ dữ liệu gốc chỉ ghi các "
                       "chỉ tiêu đếm tự động", "not_counted")


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


def check_comment(comment: str, row: int) -> RowConflict | None:
    """Why a comment cannot be stored (a NUL or other control character), or None."""
    found = text_problem(comment)
    if found is None:
        return None
    return RowConflict(row, "comment", shown(comment.encode("unicode_escape").decode()),
                       f"the comment {found[0]}", f"ghi chú {found[1]}", "bad_text")


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
