"""How a refused period is reported: a ValidationError whose field message is the gist."""

from __future__ import annotations

from typing import Final

from fansipan.errors import FieldError, ValidationError

ACCEPTED_FORMS: Final = "2022, 2022S1, 2022Q1, 2022-03, 2022W05 or 2022-03-15"


def clipped(text: str) -> str:
    # Query strings can be arbitrarily long: echo enough to recognise, not the whole payload.
    return text if len(text) <= 40 else text[:39] + "…"


def period_error(message: str, value: str, field: str = "period") -> ValidationError:
    # str(error) prints the message and then each field message: keep the latter to the gist.
    gist = message.split(". ", 1)[0].rstrip(".")
    return ValidationError(message, [FieldError(field=field, message=gist, value=value)])


def not_a_period(shown: str, reason: str, value: str) -> ValidationError:
    message = f"'{clipped(shown)}' is not a period: {reason}. Use {ACCEPTED_FORMS}."
    return ValidationError(message, [FieldError(field="period", message=reason, value=value)])

