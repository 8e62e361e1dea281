"""Field and code mappings of connectors: their records in, our rows out (and back).

A pull source names its fields its own way (`ma_chi_tieu`, `kpi`, `month`…) and may
use its own codes; a mapping says which field holds what, which fields are constant
for the whole source, and how their codes translate to ours. A push target gets our
codes translated to its own the same way.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Generator, Iterable, Iterator, Mapping
from typing import IO, Any

from pydantic import BaseModel, Field

from fansipan.errors import msg
from fansipan.exchange.columns import FIELDS, field_of
from fansipan.exchange.csv_io import file_problem, sniff_delimiter, text_stream
from fansipan.exchange.json_io import load_json


class FieldMapping(BaseModel):
    records: str = Field(default="", max_length=200,
                         description="Dotted path to the list of records in a JSON "
                                     "document (empty: the document, its 'values' or its "
                                     "'dataValues')")
    fields: dict[str, str] = Field(default={}, description="Our field (indicator, unit, "
                                                            "period, value, comment) → theirs")
    constants: dict[str, str] = Field(default={}, description="Fields fixed for every record")
    indicators: dict[str, str] = Field(default={}, description="Their indicator code → ours "
                                                                "(pull); ours → theirs (push)")
    units: dict[str, str] = Field(default={}, description="Their unit code → ours (pull); "
                                                           "ours → theirs (push)")


def _find(doc: Any, path: str) -> Any:
    if path:
        for part in path.split("."):
            doc = doc.get(part) if isinstance(doc, dict) else None
        return doc
    if isinstance(doc, dict):
        return doc.get("values", doc.get("dataValues", doc.get("data")))
    return doc


def _their_field(mapping: FieldMapping, ours: str, names: Iterable[str]) -> str | None:
    """Their field holding `ours`: as mapped, else a column our headers would recognise."""
    if ours in mapping.fields:
        return mapping.fields[ours]
    return next((n for n in names if field_of(n) == ours), None)


def mapped_rows(records: Iterable[Mapping[str, Any]], mapping: FieldMapping,
                first_row: int = 1) -> Iterator[tuple[Any, ...]]:
    """Rows (n, indicator, unit, period, value, comment) of records, mapped to our codes."""
    where: dict[str, str | None] | None = None
    for n, record in enumerate(records, start=first_row):
        if where is None:
            where = {f: _their_field(mapping, f, record.keys()) for f in FIELDS}
            missing = [f for f in FIELDS[:4] if where[f] is None and f not in mapping.constants]
            if missing:
                raise file_problem(msg(
                    "the source's records lack {fields}: map them in the connector's fields "
                    "or constants", fields=", ".join(missing)))

        def get(name: str, record: Mapping[str, Any] = record,
                where: dict[str, str | None] = where) -> Any:
            if name in mapping.constants:
                return mapping.constants[name]
            key = where[name]
            value = record.get(key) if key else None
            return value if value is None or isinstance(value, str | int | float) else str(value)

        indicator = str(get("indicator") or "")
        unit = str(get("unit") or "")
        comment = get("comment")
        yield (n, mapping.indicators.get(indicator, indicator), mapping.units.get(unit, unit),
               str(get("period") or ""), get("value"),
               None if comment is None else str(comment))


def read_source(stream: IO[bytes], fmt: str,
                mapping: FieldMapping) -> Generator[tuple[Any, ...], None, None]:
    """A fetched source (JSON or CSV) as our rows."""
    if fmt == "csv":
        text = text_stream(stream)
        try:
            header = text.readline()
            reader = csv.DictReader(io.StringIO(header), delimiter=sniff_delimiter(header))
            names = reader.fieldnames or []
            rows = csv.DictReader(text, fieldnames=names, delimiter=sniff_delimiter(header))
            yield from mapped_rows(rows, mapping, first_row=2)
        finally:
            with contextlib.suppress(ValueError):
                text.detach()  # the file is its owner's to close
        return
    records = _find(load_json(stream), mapping.records)
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise file_problem(msg("the source's JSON has no list of records where the mapping "
                               "says ({where})", where=mapping.records or "values"))
    yield from mapped_rows(records, mapping)
