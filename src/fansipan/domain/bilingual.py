"""Messages for people in both languages: Vietnamese first, English second.

A message reads "<tiếng Việt> / <English>" so that one string serves the API, the CLI and
the pages until the web layer translates it; both halves name the field and the fix.
"""

from __future__ import annotations

from fansipan.errors import Conflict, FieldError, ValidationError

SEPARATOR = " / "


def say(vi: str, en: str) -> str:
    """One message in both languages."""
    return f"{vi}{SEPARATOR}{en}"


def invalid(field: str, vi: str, en: str, *, value: object = None,
            row: int | None = None) -> ValidationError:
    """A ValidationError about one field, worded in both languages."""
    text = say(vi, en)
    shown = None if value is None else str(value)
    return ValidationError(text, [FieldError(field=field, message=text, row=row, value=shown)])


def conflict(field: str, vi: str, en: str, *, value: object = None,
             row: int | None = None) -> Conflict:
    """A Conflict (the input is well formed but clashes with the state), in both languages."""
    text = say(vi, en)
    shown = None if value is None else str(value)
    return Conflict(text, [FieldError(field=field, message=text, row=row, value=shown)])
