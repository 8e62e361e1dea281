"""Days typed into forms: every date field of the pages is a text field written dd/mm/yyyy.

A browser draws `<input type="date">` in the browser's own locale, so an English-locale
browser shows mm/dd/yyyy and a Vietnamese official reads 03/12/2026 as the 3rd of
December when it means the 12th of March. A text field with the placeholder dd/mm/yyyy
reads the same in every browser. The server reads dd/mm/yyyy (also d/m/yyyy, and dots or
dashes between) and yyyy-mm-dd, which links, bookmarks and scripts keep using.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from fansipan.errors import FieldError, ValidationError, msg

# What the field's `pattern` lets through; the server reads exactly the same shapes.
PATTERN: Final = r"\s*(\d{1,2}[\/.\-]\d{1,2}[\/.\-]\d{4}|\d{4}-\d{1,2}-\d{1,2})\s*"
_DAY_FIRST: Final = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_YEAR_FIRST: Final = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def read_day(text: str | None, field: str) -> date | None:
    """The day in `text`, None when it is empty; a refusal naming `field` and the fix."""
    given = (text or "").strip()
    if not given:
        return None
    found = _DAY_FIRST.fullmatch(given)
    parts = (found.group(3), found.group(2), found.group(1)) if found else None
    if parts is None and (found := _YEAR_FIRST.fullmatch(given)):
        parts = (found.group(1), found.group(2), found.group(3))
    try:
        if parts is None:
            raise ValueError(given)
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValidationError(msg("The day is not a date"), [FieldError(
            field=field, value=given[:20],
            message=msg("write the day as dd/mm/yyyy, such as 25/12/2026"))]) from None


def iso_day(text: str | None, field: str) -> str:
    """`text` as yyyy-mm-dd for a schema that reads ISO days; empty stays empty."""
    found = read_day(text, field)
    return found.isoformat() if found else ""


def shown_day(value: date | str | None) -> str:
    """What a date field shows: dd/mm/yyyy for a day (or its ISO text), else the text the
    person typed, as typed, so a refused form gives back their words to correct."""
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    text = (value or "").strip()
    if _YEAR_FIRST.fullmatch(text):
        try:
            return shown_day(date.fromisoformat(
                "-".join(p.zfill(2) for p in text.split("-"))))
        except ValueError:
            return text
    return text
