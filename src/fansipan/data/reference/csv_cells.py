"""Reading a reference CSV file: every refusal names the file, line and field."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TextIO, TypeVar

Source = str | os.PathLike[str]
_T = TypeVar("_T")


class Cells:
    """The cells of one CSV row, with parsers that name the file, line and field."""

    def __init__(self, label: str, line: int, row: Mapping[str, str]) -> None:
        self.label = label
        self.line = line
        self._row = row

    def error(self, field: str, problem: str) -> ValueError:
        return ValueError(f"{self.label}, line {self.line}, field '{field}': {problem}")

    def raw(self, field: str) -> str:
        return self._row.get(field, "").strip()

    def required(self, field: str) -> str:
        value = self.raw(field)
        if not value:
            raise self.error(field, "must not be empty")
        return value

    def optional(self, field: str) -> str | None:
        return self.raw(field) or None

    def empty(self, field: str, why: str) -> None:
        value = self.raw(field)
        if value:
            raise self.error(field, f"must be empty for {why}, got {value!r}")

    def matching(self, field: str, pattern: re.Pattern[str], expected: str) -> str:
        value = self.required(field)
        if not pattern.fullmatch(value):
            raise self.error(field, f"expected {expected}, got {value!r}")
        return value

    def choice(self, field: str, allowed: frozenset[str]) -> str:
        value = self.required(field)
        if value not in allowed:
            raise self.error(field, f"expected one of {_listing(allowed)}, got {value!r}")
        return value

    def choice_list(self, field: str, allowed: frozenset[str]) -> tuple[str, ...]:
        value = self.required(field)
        items = tuple(item.strip() for item in value.split("|"))
        for item in items:
            if item not in allowed:
                raise self.error(
                    field,
                    f"expected '|'-separated values among {_listing(allowed)}, got {value!r}",
                )
        if len(set(items)) != len(items):
            raise self.error(field, f"repeats a value: {value!r}")
        return items

    def integer(self, field: str, low: int | None = None, high: int | None = None) -> int:
        value = self.required(field)
        expected = "an integer"
        if low is not None and high is not None:
            expected = f"an integer from {low} to {high}"
        try:
            number = int(value)
        except ValueError:
            raise self.error(field, f"expected {expected}, got {value!r}") from None
        if (low is not None and number < low) or (high is not None and number > high):
            raise self.error(field, f"expected {expected}, got {value!r}")
        return number

    def optional_float(self, field: str) -> float | None:
        value = self.raw(field)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise self.error(field, f"expected a number or nothing, got {value!r}") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise self.error(field, f"expected a finite number, got {value!r}")
        return number

    def flag(self, field: str) -> bool:
        value = self.required(field)
        if value not in ("0", "1"):
            raise self.error(field, f"expected 0 or 1, got {value!r}")
        return value == "1"

    def optional_date(self, field: str) -> date | None:
        value = self.raw(field)
        return self._date(field, value) if value else None

    def required_date(self, field: str) -> date:
        return self._date(field, self.required(field))

    def _date(self, field: str, value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.error(field, f"expected a date YYYY-MM-DD, got {value!r}") from None


def _listing(allowed: frozenset[str]) -> str:
    return ", ".join(sorted(allowed))


def read_csv(
    source: Source | None,
    packaged: str,
    columns: tuple[str, ...],
    parse: Callable[[Cells], _T],
    unique: str | None = None,
) -> list[_T]:
    label = packaged if source is None else os.fspath(source)
    out: list[_T] = []
    seen: dict[str, int] = {}
    for line, cells in _rows(source, packaged, label, columns):
        if unique is not None:
            key = cells.raw(unique)
            if key in seen:
                raise cells.error(unique, f"{key!r} repeats the value of line {seen[key]}")
            seen[key] = line
        out.append(parse(cells))
    return out


def _open(source: Source | None, packaged: str) -> TextIO:
    # utf-8-sig: tolerate the byte-order mark that spreadsheet programs add.
    if source is None:
        resource: Traversable = files("fansipan.data")
        for part in packaged.split("/"):
            resource = resource / part
        return io.TextIOWrapper(resource.open("rb"), encoding="utf-8-sig", newline="")
    return Path(source).open(encoding="utf-8-sig", newline="")


def _rows(
    source: Source | None, packaged: str, label: str, columns: tuple[str, ...]
) -> Iterator[tuple[int, Cells]]:
    with _open(source, packaged) as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = tuple(name.strip() for name in next(reader, []))
            if header != columns:
                missing = [c for c in columns if c not in header]
                extra = [c for c in header if c not in columns]
                field = (missing or extra or [columns[0]])[0]
                raise ValueError(
                    f"{label}, line 1, field '{field}': expected the header "
                    f"{','.join(columns)}, got {','.join(header) or 'nothing'}"
                )
            for cells in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line
                if len(cells) != len(columns):
                    raise ValueError(
                        f"{label}, line {line}: {len(cells)} cells where the header has "
                        f"{len(columns)}"
                    )
                yield line, Cells(label, line, dict(zip(columns, cells, strict=True)))
        except csv.Error as exc:
            raise ValueError(f"{label}, line {reader.line_num}: malformed CSV: {exc}") from exc
