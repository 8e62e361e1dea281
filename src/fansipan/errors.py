"""Domain errors: raised by the domain and the services, translated at the edges.

The API turns them into one JSON shape, the CLI into one line and a non-zero exit.
Every message is meant for a person: it says what is wrong and how to fix it.

A message is a `Message`: its English text (what the API sends as `error` and
`message`, what logs show) that also keeps its gettext msgid and values, so each edge
says it in its reader's language through `fansipan.locale.say`. Messages are written
with `msg(...)` (or `pmsg(context, ...)`), the keywords the catalogue's extraction
looks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


class Message(str):
    """English text for a person, with the msgid and values to say it in another language.

    It is a `str` (the English), so every layer can pass, compare and log it as text;
    `fansipan.locale.say(message, lang)` looks the msgid up in the catalogue and fills in
    the same values, translating those that are messages themselves.
    """

    msgid: str
    context: str | None
    params: Mapping[str, object]

    def __new__(cls, msgid: str, /, *, context: str | None = None,
                params: Mapping[str, object] | None = None) -> Message:
        values = dict(params or {})
        try:
            text = msgid.format(**values)  # `{{` is a brace, as in str.format
        except (KeyError, IndexError, ValueError):
            text = msgid  # a template kept for later (its values come when it is used)
        self = super().__new__(cls, text)
        self.msgid = msgid
        self.context = context
        self.params = values
        return self

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.msgid, self.context, dict(self.params)))


def _rebuild(msgid: str, context: str | None, params: dict[str, object]) -> Message:
    return Message(msgid, context=context, params=params)


def msg(msgid: str, /, **params: object) -> Message:
    """A message for people: `msg("No unit {code}", code=code)`; `{name}` placeholders."""
    return Message(msgid, params=params)


def pmsg(context: str, msgid: str, /, **params: object) -> Message:
    """A message whose msgid needs a context to be translated right (gettext's msgctxt)."""
    return Message(msgid, context=context, params=params)


@dataclass(frozen=True)
class FieldError:
    """One problem with one field, optionally of one row of a batch."""

    field: str
    message: str
    row: int | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"field": self.field, "message": self.message}
        if self.row is not None:
            out["row"] = self.row
        if self.value is not None:
            out["value"] = self.value
        return out

    def __str__(self) -> str:
        where = f"row {self.row}, " if self.row is not None else ""
        return f"{where}{self.field}: {self.message}"


@dataclass
class FansipanError(Exception):
    """Base of every error that a user can be shown as is."""

    message: str
    errors: list[FieldError] = field(default_factory=list)

    status = 400
    code = "bad_request"
    audited = False  # set when the service has already written the audit event

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        if not self.errors:
            return self.message
        details = "; ".join(str(e) for e in self.errors[:5])
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        return f"{self.message}: {details}{more}"


class ValidationError(FansipanError):
    """Input that cannot be accepted; nothing was changed."""

    status = 422
    code = "validation_error"


class NotFound(FansipanError):
    status = 404
    code = "not_found"


class Conflict(FansipanError):
    """The request clashes with the current state (a duplicate, a locked period)."""

    status = 409
    code = "conflict"


class Unauthenticated(FansipanError):
    """No valid sign-in or token came with a request that needs one."""

    status = 401
    code = "unauthenticated"


class PermissionDenied(FansipanError):
    status = 403
    code = "forbidden"


class TooManyRequests(FansipanError):
    """Throttled: too many attempts in a short time (failed sign-ins)."""

    status = 429
    code = "too_many_requests"


class ConfigurationError(FansipanError):
    """The settings cannot work; raised at start-up, before anything is served."""

    status = 500
    code = "configuration_error"


class StoreUnavailable(FansipanError):
    """The database cannot be reached or written (down, full, read-only)."""

    status = 503
    code = "store_unavailable"
