"""How a refused period is reported: a ValidationError whose field message is the gist."""

from __future__ import annotations

from typing import Final

from fansipan.errors import FieldError, Message, ValidationError, msg

ACCEPTED_FORMS: Final = msg(
    "2022, 2022S1, 2022Q1, 2022-03, 2022W05, 2022-03-15, Quý I/2022 or tháng 3/2022")


def clipped(text: str) -> str:
    # Query strings can be arbitrarily long: echo enough to recognise, not the whole payload.
    return text if len(text) <= 40 else text[:39] + "…"


def period_error(message: Message, value: str, field: str = "period",
                 gist: Message | None = None) -> ValidationError:
    # str(error) prints the message and then each field message: keep the latter short.
    return ValidationError(message, [FieldError(field=field, message=gist or message,
                                                value=value)])


def not_a_period(shown: str, reason: Message, value: str) -> ValidationError:
    message = msg("{given} is not a period: {reason}. Use {forms}.", given=repr(clipped(shown)),
                  reason=reason, forms=ACCEPTED_FORMS)
    return ValidationError(message, [FieldError(field="period", message=reason, value=value)])
