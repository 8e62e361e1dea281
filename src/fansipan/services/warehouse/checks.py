"""Row checks: turn what a client sent into resolved values, or say what is wrong.

Every way data comes in (the API, files, connectors, DHIS2 clients) passes here before
anything is written. Each problem names the row, the field and the fix, in Vietnamese
for data officers and in English. Work that repeats across rows (a period, a unit as
of a date, whether an indicator fits a period type or a level) is done once per
distinct input and remembered, so a million rows cost about as much as their distinct
codes, not a million catalogue look-ups.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from fansipan.domain.indicators import Indicator, ValueType
from fansipan.domain.numbers import NumberReading, Refusal, canonical
from fansipan.domain.periods import ACCEPTED_FORMS, PeriodType, parse_period
from fansipan.domain.rows import IdScheme, PeriodInfo, Problem, RawValue, ResolvedValue, RowConflict
from fansipan.domain.uids import is_uid
from fansipan.domain.value_rules import (
    MAX_INT,
    check_comment,
    check_value,
    counted_entered,
    derived_entered,
    not_counted,
    pending_conflict,
    plain_number,
    shown,
)
from fansipan.errors import FansipanError
from fansipan.services.catalog import Catalog, unknown_message
from fansipan.services.trust.access import Scope

_LEVEL_VI = {"country": "quốc gia", "province": "tỉnh", "district": "huyện",
             "commune": "xã", "agency": "cơ quan"}
_PERIOD_VI = {PeriodType.DAY: "ngày", PeriodType.WEEK: "tuần", PeriodType.MONTH: "tháng",
              PeriodType.QUARTER: "quý", PeriodType.SIX_MONTH: "6 tháng",
              PeriodType.YEAR: "năm"}
_FORMS_VI = "2022, 2022S1, 2022Q1, 2022-03, 2022W05 hoặc 2022-03-15"
def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


class RowChecker:
    """Checks rows against one catalogue snapshot, a scope and an import strategy."""

    def __init__(self, catalog: Catalog, *, deleting: bool = False,
                 scope: Scope | None = None, indicator_scheme: IdScheme = IdScheme.AUTO,
                 unit_scheme: IdScheme = IdScheme.AUTO,
                 numbers: NumberReading | None = None, counts: bool = False) -> None:
        self.catalog = catalog
        # Shared with the reader, which may learn the file's number style from its header.
        self.numbers = numbers if numbers is not None else NumberReading()
        self.deleting = deleting
        # Record counts write the indicators counted from records, and nothing else may.
        self.counts = counts
        self.scope = scope
        self.indicator_scheme = indicator_scheme
        self.unit_scheme = unit_scheme
        self._unit_by_uid = {uid: i for i, uid in catalog.unit_uids.items()}
        self._ind_by_uid = {uid: c for c, uid in catalog.indicator_uids.items()}
        self._indicators: dict[str, tuple[int, Indicator] | RowConflict] = {}
        self._periods: dict[str, PeriodInfo | RowConflict] = {}
        self._units: dict[tuple[str, date], int | RowConflict] = {}
        self._fits: dict[tuple[int, PeriodType], RowConflict | None] = {}
        self._levels: dict[tuple[int, int], RowConflict | None] = {}
        self._scoped: dict[tuple[int, int], RowConflict | None] = {}
        self._good: dict[tuple[int, PeriodType, int], tuple[bool, float | None,
                                                              float | None]] = {}
        self._bad: set[tuple[int, PeriodType, int]] = set()
        self._single: dict[str, tuple[int, date | None, date | None] | tuple[()]] = {}

    # -- one row ----------------------------------------------------------------------------

    def check(self, raw: RawValue | tuple[Any, ...]) -> ResolvedValue | list[RowConflict]:
        """The resolved value, or every problem of the row (never raises for bad input).

        `raw` is a RawValue or a plain tuple in its order (readers of big files yield
        tuples: they are cheaper to make)."""
        row, ind_ref, unit_ref, period_ref, value, comment = raw
        # The common case first: known codes, a plain number, a combination already seen
        # to fit. Anything else takes the full path, which names every problem.
        if type(ind_ref) is str and type(unit_ref) is str and type(period_ref) is str:
            found = self._indicators.get(ind_ref)
            period = self._periods.get(period_ref)
            if type(found) is tuple and type(period) is PeriodInfo:
                end = period.end
                unit_id = self._units.get((unit_ref, end))
                if unit_id is None:
                    # A code carried by one unit only: in force or not, no search needed.
                    single = self._single.get(unit_ref)
                    if single is None:
                        single = self._single[unit_ref] = self._only_version(unit_ref)
                    if single and (single[1] is None or single[1] <= end) and (
                            single[2] is None or end <= single[2]):
                        unit_id = single[0]
                    else:
                        unit_id = self._unit(unit_ref, end, period.id)
                if type(unit_id) is int:
                    key = (found[0], period.type, unit_id)
                    limits = self._good.get(key)
                    if limits is None and key not in self._bad:
                        limits = self._learn(key, found[1], unit_ref)
                    if limits is not None and (not comment or comment.isprintable()):
                        if self.deleting:
                            return _resolved((row, key[0], unit_id, period, None,
                                              comment or None))
                        number = plain_number(value)
                        if number is not None and (not limits[0] or number == int(number)) and (
                                limits[1] is None or number >= limits[1]) and (
                                limits[2] is None or number <= limits[2]):
                            return _resolved((row, key[0], unit_id, period, number,
                                              comment or None))
        return self._check_fully(RawValue._make(raw))

    def _only_version(self, code: str) -> tuple[int, date | None, date | None] | tuple[()]:
        versions = self.catalog.hierarchy.versions(code)
        if len(versions) != 1 or self.unit_scheme is IdScheme.UID:
            return ()
        unit = versions[0]
        return (unit.id, unit.valid_from, unit.valid_to)

    def _learn(self, key: tuple[int, PeriodType, int], ind: Indicator,
               unit_ref: str) -> tuple[bool, float | None, float | None] | None:
        """Whether an indicator × period type × unit fits at all, remembered."""
        ind_id, ptype, unit_id = key
        fits = (ind.accepts_period_type(ptype) and ind.formula is None
                and ind.is_counted == self.counts)
        if fits:
            unit = self.catalog.hierarchy.unit(unit_id)
            fits = not ind.levels or unit.level.value in ind.levels
        if fits and self.scope is not None:
            fits = self._outside(ind_id, unit_id) is None
        if not fits:
            self._bad.add(key)
            return None
        limits = (ind.value_type is ValueType.INTEGER, ind.min_value, ind.max_value)
        self._good[key] = limits
        return limits

    def _check_fully(self, raw: RawValue) -> ResolvedValue | list[RowConflict]:
        row = raw.row
        problems: list[RowConflict] = []
        found = self._indicator(raw.indicator)
        found_period = self._period(raw.period)
        period = found_period if isinstance(found_period, PeriodInfo) else None
        ind_id = -1
        indicator = None
        if isinstance(found, RowConflict):
            problems.append(found.at(row))
        else:
            ind_id, indicator = found
        if isinstance(found_period, RowConflict):
            problems.append(found_period.at(row))
        unit_id = -1
        if period is not None:
            unit = self._unit(raw.unit, period.end, period.id)
            if isinstance(unit, RowConflict):
                problems.append(unit.at(row))
            else:
                unit_id = unit
        value: float | None = None
        if not self.deleting:
            number = self._number(raw.value, row)
            if isinstance(number, RowConflict):
                problems.append(number)
            else:
                value = number
        if indicator is not None:
            if period is not None:
                fit = self._fit(ind_id, indicator, period)
                if fit is not None:
                    problems.append(fit.at(row))
            if indicator.formula is not None:
                problems.append(derived_entered(indicator, row))
            elif indicator.is_counted and not self.counts:
                problems.append(counted_entered(indicator, row))
            elif self.counts and not indicator.is_counted:
                problems.append(not_counted(indicator, row))
            elif value is not None:
                bad = check_value(indicator, value, given=raw.value, row=row)
                if bad is not None:
                    problems.append(bad)
            if unit_id >= 0:
                level = self._level(ind_id, indicator, unit_id, raw.unit)
                if level is not None:
                    problems.append(level.at(row))
        if raw.comment:
            bad_text = check_comment(str(raw.comment), row)
            if bad_text is not None:
                problems.append(bad_text)
        if problems or period is None or unit_id < 0 or ind_id < 0:
            return problems
        if self.scope is not None:
            outside = self._outside(ind_id, unit_id)
            if outside is not None:
                return [outside.at(row)]
        comment = raw.comment if raw.comment else None
        return ResolvedValue(row, ind_id, unit_id, period, value, comment)

    # -- cached look-ups --------------------------------------------------------------------

    def _indicator(self, ref: object) -> tuple[int, Indicator] | RowConflict:
        key = ref if isinstance(ref, str) else str(ref)
        found = self._indicators.get(key)
        if found is None:
            found = self._indicators[key] = self._find_indicator(key)
        return found

    def _find_indicator(self, ref: object) -> tuple[int, Indicator] | RowConflict:
        text = str(ref).strip() if ref is not None else ""
        c = self.catalog
        code: str | None = None
        if self.indicator_scheme is not IdScheme.UID and text in c.indicators:
            code = text
        elif self.indicator_scheme is not IdScheme.CODE and text in self._ind_by_uid:
            code = self._ind_by_uid[text]
        if code is not None:
            return c.indicator_ids[code], c.indicators[code]
        if not text:
            return pending_conflict("indicator", text, "an indicator code is required",
                             "thiếu mã chỉ tiêu", "value_required")
        if self.indicator_scheme is IdScheme.UID:
            return pending_conflict(
                "indicator", text, f"there is no indicator with uid {text!r}; send uids, or "
                "codes with idScheme=code",
                f"không có chỉ tiêu nào có uid {text!r}; gửi uid, hoặc gửi mã với "
                "idScheme=code", "unknown_indicator")
        en = unknown_message("indicator code", text, c.indicators)
        hint = en.partition("; did you mean ")[2].rstrip("?")
        vi = f"không có mã chỉ tiêu {text!r}" + (f"; có phải {hint}?" if hint else "")
        return pending_conflict("indicator", text, en, vi, "unknown_indicator")

    def _period(self, text: object) -> PeriodInfo | RowConflict:
        key = text if isinstance(text, str) else str(text)
        found = self._periods.get(key)
        if found is None:
            try:
                found = PeriodInfo.of(parse_period(key))
            except FansipanError as exc:
                reason = exc.errors[0].message if exc.errors else exc.message
                found = pending_conflict(
                    "period", key, f"{reason}; use {ACCEPTED_FORMS}",
                    f"{shown(key)!r} không phải kỳ báo cáo hợp lệ ({reason}); viết như "
                    f"{_FORMS_VI}", "bad_period")
            self._periods[key] = found
        return found

    def _unit(self, ref: object, on: date, period_id: str) -> int | RowConflict:
        text = str(ref).strip() if ref is not None else ""
        key = (text, on)
        found = self._units.get(key)
        if found is None:
            found = self._units[key] = self._find_unit(text, on, period_id)
        return found

    def _find_unit(self, text: str, on: date, period_id: str) -> int | RowConflict:
        if not text:
            return pending_conflict("unit", text, "a unit code is required", "thiếu mã đơn vị",
                             "value_required")
        if self.unit_scheme is not IdScheme.CODE and is_uid(text) and (
                text in self._unit_by_uid):
            return self._unit_by_uid[text]
        if self.unit_scheme is IdScheme.UID:
            return pending_conflict(
                "unit", text, f"there is no unit with uid {text!r}; send uids, or codes with "
                "orgUnitIdScheme=code",
                f"không có đơn vị nào có uid {text!r}; gửi uid, hoặc gửi mã với "
                "orgUnitIdScheme=code", "unknown_unit")
        h = self.catalog.hierarchy
        try:
            return h.find(text, on).id
        except FansipanError as exc:
            versions = h.versions(text)
            if not versions:
                codes = {u.code for u in h}
                en = unknown_message("unit code", text, codes)
                hint = en.partition("; did you mean ")[2].rstrip("?")
                vi = f"không có mã đơn vị {text!r}" + (f"; có phải {hint}?" if hint else "")
                return pending_conflict("unit", text, en, vi, "unknown_unit")
            spans = ", ".join(
                f"{u.name} ({_dmy(u.valid_from) if u.valid_from else '…'} – "
                f"{_dmy(u.valid_to) if u.valid_to else '…'})" for u in versions)
            return pending_conflict(
                "unit", text, exc.message,
                f"mã đơn vị {text!r} không có hiệu lực vào ngày {_dmy(on)} (cuối kỳ "
                f"{period_id}); mã này thuộc: {spans}", "unit_not_in_force")

    def _fit(self, ind_id: int, ind: Indicator, period: PeriodInfo) -> RowConflict | None:
        key = (ind_id, period.type)
        if key not in self._fits:
            self._fits[key] = None if ind.accepts_period_type(period.type) else pending_conflict(
                "period", period.id,
                f"{ind.code} is reported by {ind.periodicity.value} or coarser; {period.id} "
                f"is a {period.type.value}",
                f"{ind.code} báo cáo theo {_PERIOD_VI[ind.periodicity]} hoặc kỳ dài hơn; "
                f"{period.id} là kỳ {_PERIOD_VI[period.type]}", "wrong_period_type")
        return self._fits[key]

    def _level(self, ind_id: int, ind: Indicator, unit_id: int, ref: str) -> RowConflict | None:
        key = (ind_id, unit_id)
        if key not in self._levels:
            unit = self.catalog.hierarchy.unit(unit_id)
            bad = bool(ind.levels) and unit.level.value not in ind.levels
            self._levels[key] = pending_conflict(
                "unit", ref,
                f"{ind.code} is entered for {', '.join(ind.levels)}; {unit.code} "
                f"({unit.name}) is a {unit.level.value}",
                f"{ind.code} được nhập cho cấp {', '.join(_LEVEL_VI.get(x, x) for x in ind.levels)}"
                f"; {unit.code} ({unit.name}) là cấp {_LEVEL_VI.get(unit.level.value)}",
                "wrong_level") if bad else None
        return self._levels[key]

    def _outside(self, ind_id: int, unit_id: int) -> RowConflict | None:
        key = (ind_id, unit_id)
        if key in self._scoped:
            return self._scoped[key]
        scope = self.scope
        found = None
        if scope is not None and not scope.allows_unit(unit_id):
            unit = self.catalog.hierarchy.unit(unit_id)
            found = pending_conflict(
                "unit", unit.code,
                f"{unit.code} ({unit.name}) is outside the units of your account",
                f"đơn vị {unit.code} ({unit.name}) nằm ngoài phạm vi đơn vị được cấp cho "
                "tài khoản của bạn; đề nghị quản trị mở rộng phạm vi hoặc bỏ dòng này",
                "outside_scope", Problem.SCOPE)
        elif scope is not None and not scope.allows_indicator(ind_id):
            code = self.catalog.indicator_codes[ind_id]
            found = pending_conflict(
                "indicator", code, f"{code} is outside the indicators of your account",
                f"chỉ tiêu {code} nằm ngoài phạm vi chỉ tiêu được cấp cho tài khoản của bạn",
                "outside_scope", Problem.SCOPE)
        self._scoped[key] = found
        return found

    def _number(self, value: object, row: int) -> float | RowConflict:
        if value is None or (isinstance(value, str) and not value.strip()):
            return RowConflict(row, "value", None, "a value is required", "thiếu giá trị",
                            "value_required")
        if isinstance(value, float | int) and not isinstance(value, bool):
            number = float(value) if -MAX_INT < value < MAX_INT else math.inf
            if math.isfinite(number):
                return canonical(number)
        elif isinstance(value, str):
            found = self.numbers.read(value)
            if not isinstance(found, Refusal):
                return found
            return RowConflict(row, "value", shown(value), found.en, found.vi, found.code)
        text = shown(value)
        return RowConflict(row, "value", text,
                        f"{text!r} is not a number; write it like 1234.5 or 1234,5",
                        f"{text!r} không phải là số; viết như 1234,5 hoặc 1.234,5",
                        "not_a_number")


def _resolved(parts: tuple[int, int, int, PeriodInfo, float | None, str | None]
              ) -> ResolvedValue:
    # tuple.__new__ directly: the NamedTuple constructor is a Python call per row.
    return tuple.__new__(ResolvedValue, parts)


