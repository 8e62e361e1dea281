"""The errors a service names, put beside the form field each concerns.

Services name fields as the API does (`units.0`, `url`); a form shows each message under
the input it belongs to, and one it has no input for under the form's main field, so no
error is lost. The messages stay messages: the template says them in the page's language.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from fansipan.errors import FieldError


def beside(errors: list[FieldError], fields: Collection[str], *, fallback: str,
           aliases: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """{form field: its messages}: `units.0` goes beside `units`, a field the form has no
    input for beside `fallback`; `aliases` renames a service's field to the form's."""
    placed: dict[str, list[str]] = {}
    for e in errors:
        name = e.field.split(".")[0]
        name = (aliases or {}).get(name, name)
        if name not in fields:
            name = fallback
        placed.setdefault(name, []).append(e.message)
    return placed
