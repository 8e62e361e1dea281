"""Our own JSON (`{"values": [{indicator, unit, period, value, comment}]}`) and DHIS2's
dataValueSet JSON, read into rows."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

from fansipan.domain.rows import RowConflict
from fansipan.errors import msg
from fansipan.exchange.csv_io import DEFAULT_COMBOS, combination, file_problem


def load_json(stream: IO[bytes]) -> Any:
    try:
        return json.load(stream)
    except RecursionError:
        raise file_problem(msg("the JSON is nested too deeply to be a set of values (a values "
                               "document is three levels deep)")) from None
    except UnicodeDecodeError:
        raise file_problem(msg("the JSON is not UTF-8 text")) from None
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise file_problem(msg("the JSON cannot be read: it breaks off or has a mistake at "
                                   "line {line}, column {column}", line=exc.lineno,
                                   column=exc.colno)) from None
        # Python refuses integers of more than 4,300 digits (a denial-of-service guard).
        raise file_problem(msg("the JSON holds a number far too long to be a value")) from None


def _text(item: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        value = item.get(name)
        if value is not None:
            return value if isinstance(value, str | int | float) else _shape(value)
    return ""


def _shape(value: Any) -> str:
    """A short stand-in for a list or object where text was expected (never a deep dump)."""
    return "[…]" if isinstance(value, list) else "{…}" if isinstance(value, dict) else str(value)


def _comment(item: Mapping[str, Any]) -> str | None:
    comment = item.get("comment")
    if comment is None or isinstance(comment, str):
        return comment
    return _shape(comment) if isinstance(comment, list | dict) else str(comment)


def _not_an_object(row: int) -> RowConflict:
    return RowConflict(row, "value", None, msg(
        "each value must be a JSON object with indicator, unit, period and value"), "bad_row")


def read_values(doc: Any) -> Iterator[tuple[Any, ...] | RowConflict]:
    """Rows of our JSON: `{"values": [...]}` or a bare list; row n is item n (from 1)."""
    items = doc.get("values") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        raise file_problem(msg('send {{"values": [{{"indicator": …, "unit": …, "period": …, '
                               '"value": …}}]}}'))
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield _not_an_object(n)
            continue
        yield (n, _text(item, "indicator"), _text(item, "unit"), _text(item, "period"),
               item.get("value"), _comment(item))


def schemes_of(doc: Any) -> dict[str, str]:
    """Id schemes named inside a DHIS2 payload (they override the URL's)."""
    if not isinstance(doc, dict):
        return {}
    return {k: str(doc[k]) for k in ("idScheme", "dataElementIdScheme", "orgUnitIdScheme")
            if isinstance(doc.get(k), str)}


def read_data_value_set(doc: Any) -> Iterator[tuple[Any, ...] | RowConflict]:
    """Rows of a DHIS2 dataValueSet; row n is data value n (from 1).

    The set's `period`, `orgUnit` and `attributeOptionCombo` are defaults for its values.
    """
    if not isinstance(doc, dict) or not isinstance(doc.get("dataValues"), list):
        raise file_problem(msg('a dataValueSet needs "dataValues": [{{"dataElement", '
                               '"period", "orgUnit", "value"}}]'))
    period = doc.get("period")
    unit = doc.get("orgUnit")
    aoc = doc.get("attributeOptionCombo")
    for n, item in enumerate(doc["dataValues"], start=1):
        if not isinstance(item, dict):
            yield _not_an_object(n)
            continue
        combo = item.get("categoryOptionCombo") or ""
        attribute = item.get("attributeOptionCombo") or aoc or ""
        odd = next((str(c) for c in (combo, attribute) if str(c) not in DEFAULT_COMBOS), None)
        if odd is not None:
            yield combination(n, odd)
            continue
        yield (n, _text(item, "dataElement"), _text(item, "orgUnit") or unit or "",
               _text(item, "period") or period or "", item.get("value"), _comment(item))
