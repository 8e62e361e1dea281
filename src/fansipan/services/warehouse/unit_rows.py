"""Unit rows as loaders find them: the stable uid of a version, the version a code names
on a day (codes are reused across reforms)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fansipan.domain.uids import make_uid
from fansipan.store.tables import UnitRow


def unit_uid(code: str, level: str, valid_from: date | None, valid_to: date | None) -> str:
    return make_uid("unit", code, level, str(valid_from or ""), str(valid_to or ""))


def version_on(rows: Sequence[UnitRow], code: str, on: date | None) -> UnitRow | None:
    """The administrative unit `code` names on `on`: the version in force then, else the
    last one that ended before it (Tà Chải, merged in 2024, is still what 02872 names)."""
    versions = [r for r in rows if r.code == code and r.level != "agency"]
    if on is None:
        return versions[0] if len(versions) == 1 else None
    live = [r for r in versions
            if (r.valid_from is None or r.valid_from <= on)
            and (r.valid_to is None or on <= r.valid_to)]
    if len(live) == 1:
        return live[0]
    ended = sorted((r for r in versions if r.valid_to is not None and r.valid_to < on),
                   key=lambda r: r.valid_to or on)
    return ended[-1] if not live and ended else None
