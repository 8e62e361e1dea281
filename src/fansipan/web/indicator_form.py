"""The indicator form as the services take it: typed text becomes the fields of
`IndicatorCreate` or `IndicatorEdit`, and the errors the services name are put beside the
form field they belong to.

A form sends every field, filled or not; the edit service keeps only what differs from
the definition in force, so an unchanged field makes no version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fansipan.domain.indicators import Aggregation, Kind, ValueType
from fansipan.domain.numbers import NumberStyle, read_number
from fansipan.domain.periods import PeriodType
from fansipan.domain.targets import Direction
from fansipan.domain.units import UnitLevel
from fansipan.errors import FieldError, ValidationError, msg
from fansipan.services.warehouse.indicators import IndicatorPublic
from fansipan.web.days import iso_day
from fansipan.web.form_errors import beside

TEXTS = ("name_vi", "name_en", "description_vi", "description_en", "unit_vi", "unit_en",
         "source_vi", "source_en")
CHOICES = ("sector", "group", "value_type", "kind", "agg_units", "agg_time", "direction",
           "periodicity")
NUMBERS = ("min_value", "max_value")
FIELDS = ("code", *TEXTS, *CHOICES, "decimals", *NUMBERS, "levels", "formula",
          "effective_from", "note", "preview_units", "preview_periods")
OPTIONS: dict[str, list[str]] = {
    "value_type": [v.value for v in ValueType],
    "kind": [k.value for k in Kind],
    "agg_units": [a.value for a in Aggregation],
    "agg_time": [a.value for a in Aggregation],
    "direction": [d.value for d in Direction],
    "periodicity": [p.value for p in PeriodType],
    # The levels data is entered at (the country is not one of the province's units).
    "levels": [u.value for u in UnitLevel if u is not UnitLevel.COUNTRY],
}


@dataclass
class Typed:
    """What the administrator typed (to show again) and what the service is given."""

    shown: dict[str, str]
    levels: list[str]
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)


def codes(text: str) -> list[str]:
    """Codes typed into one field: separated by commas, semicolons or spaces."""
    return [c for c in text.replace(";", ",").replace(" ", ",").split(",") if c]


def _number(name: str, text: str, errors: list[FieldError]) -> float | None:
    if not text:
        return None
    found = read_number(text, NumberStyle.VI)
    if isinstance(found, tuple):
        return found[0]
    errors.append(FieldError(field=name, value=text[:40], message=found.message))
    return None


def _day(name: str, text: str, errors: list[FieldError]) -> str | None:
    try:
        return iso_day(text, name) or None
    except ValidationError as exc:
        errors.extend(exc.errors)
        return None


def read_form(fields: dict[str, str], levels: list[str], *, creating: bool) -> Typed:
    """The service's fields from the form; a number that does not read is an error."""
    typed = Typed(shown={k: fields.get(k, "") for k in FIELDS}, levels=levels)
    data: dict[str, Any] = {k: fields.get(k, "") for k in TEXTS}
    for name in CHOICES:
        data[name] = fields.get(name, "")
    data["group"] = data["group"] or None
    data["kind"] = data["kind"] or None
    data["decimals"] = fields.get("decimals", "") or 0
    for name in NUMBERS:
        data[name] = _number(name, fields.get(name, ""), typed.errors)
    data["levels"] = [x for x in levels if x in OPTIONS["levels"]]
    data["formula"] = fields.get("formula", "").strip() or None
    if creating:
        data["code"] = fields.get("code", "")
        if not data["formula"]:
            data.pop("formula")
    else:
        data["group"] = data["group"] or ""  # "" takes the group away
        data["effective_from"] = _day("effective_from", fields.get("effective_from", ""),
                                      typed.errors)
        data["note"] = fields.get("note", "")
        if data["kind"] is None:
            data.pop("kind")
    typed.data = data
    return typed


def shown_of(ind: IndicatorPublic) -> dict[str, str]:
    """An indicator's definition as its edit form shows it."""
    shown = dict.fromkeys(FIELDS, "")
    for name in (*TEXTS, *CHOICES):
        shown[name] = str(getattr(ind, name) or "")
    shown["code"] = ind.code
    shown["decimals"] = str(ind.decimals)
    for name in NUMBERS:
        value = getattr(ind, name)
        shown[name] = "" if value is None else f"{value:g}".replace(".", ",")
    shown["formula"] = ind.formula or ""
    return shown


def beside_fields(errors: list[FieldError]) -> dict[str, list[str]]:
    """Each error under the form field it concerns (the formula's when none is named)."""
    # "name" is the catalogue's check of both names.
    return beside(errors, FIELDS, fallback="formula", aliases={"name": "name_vi"})


def preview_defaults(today: date) -> dict[str, str]:
    """The province (Lào Cai since the 2025 reform) and the two years before this one."""
    return {"preview_units": "15", "preview_periods": f"{today.year - 2}, {today.year - 1}"}


NOTHING_TO_PREVIEW = msg("write a formula to preview it")
