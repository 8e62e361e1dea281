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
    retired_period,
    shown,
)
from fansipan.errors import FansipanError, Message, msg, pmsg
from fansipan.services.catalog import Catalog, unknown_message
from fansipan.services.trust.access import Scope

_LEVELS: dict[str, Message] = {
    "country": pmsg("level", "country"), "province": pmsg("level", "province"),
    "district": pmsg("level", "district"), "commune": pmsg("level", "commune"),
    "agency": pmsg("level", "agency")}


def _levels(levels: tuple[str, ...] | list[str]) -> Message:
    """Levels joined for reading ("commune, district"), each said in the reader's language."""
    names = {f"l{i}": _LEVELS.get(x, x) for i, x in enumerate(levels)}
    return Message(", ".join("{" + k + "}" for k in names), params=names)


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
            if type(found) is tuple and type(period) is PeriodInfo and (
                    found[1].retired_from is None or period.end < found[1].retired_from):
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
                retired = retired_period(indicator, period.end, row)
                if retired is not None and not self.deleting:
                    problems.append(retired)
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
            return pending_conflict("indicator", text, msg("an indicator code is required"),
                                    "value_required")
        if self.indicator_scheme is IdScheme.UID:
            return pending_conflict("indicator", text, msg(
                "there is no indicator with uid {uid}; send uids, or codes with idScheme=code",
                uid=repr(text)), "unknown_indicator")
        return pending_conflict("indicator", text,
                                unknown_message("indicator code", text, c.indicators),
                                "unknown_indicator")

    def _period(self, text: object) -> PeriodInfo | RowConflict:
        key = text if isinstance(text, str) else str(text)
        found = self._periods.get(key)
        if found is None:
            try:
                found = PeriodInfo.of(parse_period(key))
            except FansipanError as exc:
                reason = exc.errors[0].message if exc.errors else exc.message
                found = pending_conflict("period", key, msg(
                    "{given} is not a valid period ({reason}); write it as {forms}",
                    given=repr(shown(key)), reason=reason, forms=ACCEPTED_FORMS), "bad_period")
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
            return pending_conflict("unit", text, msg("a unit code is required"),
                                    "value_required")
        if self.unit_scheme is not IdScheme.CODE and is_uid(text) and (
                text in self._unit_by_uid):
            return self._unit_by_uid[text]
        if self.unit_scheme is IdScheme.UID:
            return pending_conflict("unit", text, msg(
                "there is no unit with uid {uid}; send uids, or codes with "
                "orgUnitIdScheme=code", uid=repr(text)), "unknown_unit")
        h = self.catalog.hierarchy
        try:
            return h.find(text, on).id
        except FansipanError as exc:
            versions = h.versions(text)
            if not versions:
                codes = {u.code for u in h}
                return pending_conflict("unit", text, unknown_message("unit code", text, codes),
                                        "unknown_unit")
            spans = ", ".join(
                f"{u.name} ({_dmy(u.valid_from) if u.valid_from else '…'} – "
                f"{_dmy(u.valid_to) if u.valid_to else '…'})" for u in versions)
            del exc
            return pending_conflict("unit", text, msg(
                "unit code {code} is not in force on {day} (the end of {period}); the code "
                "belongs to: {spans}", code=repr(text), day=_dmy(on), period=period_id,
                spans=spans), "unit_not_in_force")

    def _fit(self, ind_id: int, ind: Indicator, period: PeriodInfo) -> RowConflict | None:
        key = (ind_id, period.type)
        if key not in self._fits:
            self._fits[key] = None if ind.accepts_period_type(period.type) else pending_conflict(
                "period", period.id, msg(
                    "{code} is reported by {periodicity} or a longer period; {period} is a "
                    "{kind}", code=ind.code, periodicity=ind.periodicity.word,
                    period=period.id, kind=period.type.word), "wrong_period_type")
        return self._fits[key]

    def _level(self, ind_id: int, ind: Indicator, unit_id: int, ref: str) -> RowConflict | None:
        key = (ind_id, unit_id)
        if key not in self._levels:
            unit = self.catalog.hierarchy.unit(unit_id)
            bad = bool(ind.levels) and unit.level.value not in ind.levels
            self._levels[key] = pending_conflict("unit", ref, msg(
                "{code} is entered for {levels}; {unit} is a {level}", code=ind.code,
                levels=_levels(ind.levels), unit=f"{unit.code} ({unit.name})",
                level=_LEVELS.get(unit.level.value, unit.level.value)),
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
            found = pending_conflict("unit", unit.code, msg(
                "{unit} is outside the units of your account; ask an administrator to widen "
                "your scope, or leave this row out", unit=f"{unit.code} ({unit.name})"),
                "outside_scope", Problem.SCOPE)
        elif scope is not None and not scope.allows_indicator(ind_id):
            code = self.catalog.indicator_codes[ind_id]
            found = pending_conflict("indicator", code, msg(
                "{code} is outside the indicators of your account", code=code),
                "outside_scope", Problem.SCOPE)
        self._scoped[key] = found
        return found

    def _number(self, value: object, row: int) -> float | RowConflict:
        if value is None or (isinstance(value, str) and not value.strip()):
            return RowConflict(row, "value", None, msg("a value is required"),
                               "value_required")
        if isinstance(value, float | int) and not isinstance(value, bool):
            number = float(value) if -MAX_INT < value < MAX_INT else math.inf
            if math.isfinite(number):
                return canonical(number)
        elif isinstance(value, str):
            found = self.numbers.read(value)
            if not isinstance(found, Refusal):
                return found
            return RowConflict(row, "value", shown(value), found.message, found.code)
        text = shown(value)
        return RowConflict(row, "value", text, msg(
            "{given} is not a number; write it like 1234.5 or 1234,5", given=repr(text)),
            "not_a_number")


def _resolved(parts: tuple[int, int, int, PeriodInfo, float | None, str | None]
              ) -> ResolvedValue:
    # tuple.__new__ directly: the NamedTuple constructor is a Python call per row.
    return tuple.__new__(ResolvedValue, parts)


