"""Metadata exchange between instances: the catalogue and the units exported as a
document (Fansipan's JSON or DHIS2's metadata shape) and imported, idempotently.

Import matches indicators, sectors and groups by code and units by uid (uids are
stable: two instances that loaded the same reference data share them). What is missing
is added, what differs is updated (an indicator's definition as a new version, in force
from the exported version's day), what is the same is counted unchanged; so importing a
document twice changes nothing the second time. The whole import is one audited change,
all or nothing; a dry run does it in a transaction that is rolled back.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.indicator_versions import DEFINITION_FIELDS
from fansipan.domain.indicators import Indicator, check_catalogue, default_kind
from fansipan.domain.units import check_tree
from fansipan.errors import FieldError, ValidationError, msg
from fansipan.exchange.metadata_io import (
    DHIS2_SHAPE,
    FANSIPAN_SHAPE,
    FORMAT,
    VERSION,
    check_document,
    from_dhis2,
    is_dhis2,
    shape_problems,
    to_dhis2,
)
from fansipan.services.catalog import forget_catalog, indicator_from_row, read_catalog
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record, record_export
from fansipan.services.warehouse.catalogue_admin import check_change, edited, write_row
from fansipan.services.warehouse.classes import CODE as CLASS_CODE
from fansipan.services.warehouse.indicator_history import (
    add_version,
    definition_of,
    ensure_first_version,
)
from fansipan.services.warehouse.indicators import IndicatorCreate
from fansipan.services.warehouse.reference import indicator_uid
from fansipan.services.warehouse.unit_admin import AGENCY_CODE, UNIT_CODE
from fansipan.store.audit import audited_transaction
from fansipan.store.catalogue_tables import IndicatorGroupRow, IndicatorVersionRow
from fansipan.store.tables import (
    IndicatorRow,
    SectorRow,
    UnitParentRow,
    UnitRow,
    UnitSuccessionRow,
)

Shape = Literal["json", "dhis2"]
_FIELDS = set(DEFINITION_FIELDS)
#: DHIS2 has no unit levels by name: a unit's depth names it.
DHIS2_LEVELS = {"1": "country", "2": "province", "3": "district", "4": "commune"}


class KindCounts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class MetadataSummary(BaseModel):
    dry_run: bool
    sectors: KindCounts
    groups: KindCounts
    indicators: KindCounts
    units: KindCounts
    parents: KindCounts
    successions: KindCounts


def export_metadata(*, session: Session, principal: Principal,
                    shape: Shape = "json") -> dict[str, Any]:
    """The catalogue and the units as a document; audited as an export."""
    require(principal, Permission.MANAGE_METADATA)
    with session.begin():
        doc = _document(session)
    record_export(session, principal, f"metadata.{shape}", rows=len(doc["indicators"])
                  + len(doc["units"]))
    return to_dhis2(doc) if shape == "dhis2" else doc


def _document(session: Session) -> dict[str, Any]:
    catalog = read_catalog(session)
    newest = {c: vs[-1].effective_from for c, vs in catalog.versions.items() if vs}
    rows = {r.code: r for r in session.scalars(select(IndicatorRow).order_by(IndicatorRow.code))}
    units = {r.id: r for r in session.scalars(select(UnitRow).order_by(UnitRow.uid))}
    return {
        "format": FORMAT, "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sectors": [{"code": r.code, "name_vi": r.name_vi, "name_en": r.name_en,
                     "sort": r.sort} for r in session.scalars(select(SectorRow).order_by(
                         SectorRow.code))],
        "groups": [{"code": r.code, "name_vi": r.name_vi, "name_en": r.name_en,
                    "sort": r.sort} for r in session.scalars(select(IndicatorGroupRow)
                                                             .order_by(IndicatorGroupRow.code))],
        "indicators": [{
            "uid": r.uid, "code": r.code, **definition_of(indicator_from_row(r)),
            "retired_from": _iso(r.retired_from), "record_dataset": r.record_dataset,
            "effective_from": _iso(newest.get(r.code)),
            **({"history": _versions(session, r.id)} if r.code in catalog.versions else {}),
        } for r in rows.values()],
        "units": [{"uid": r.uid, "code": r.code, "name_vi": r.name_vi, "name_en": r.name_en,
                   "level": r.level, "valid_from": _iso(r.valid_from),
                   "valid_to": _iso(r.valid_to)} for r in units.values()],
        "parents": sorted(({"child": units[p.child_id].uid, "parent": units[p.parent_id].uid,
                            "valid_from": _iso(p.valid_from), "valid_to": _iso(p.valid_to)}
                           for p in session.scalars(select(UnitParentRow))),
                          key=lambda p: (p["child"], p["valid_from"] or "")),
        "successions": sorted(({"old": units[s.old_id].uid, "new": units[s.new_id].uid,
                                "effective": s.effective.isoformat(), "change": s.change,
                                "share": s.share}
                               for s in session.scalars(select(UnitSuccessionRow))),
                              key=lambda s: (s["old"], s["new"])),
    }


def _versions(session: Session, indicator_id: int) -> list[dict[str, Any]]:
    return [{"effective_from": _iso(v.effective_from), "definition": json.loads(v.definition),
             "changed": json.loads(v.changed), "note": v.note}
            for v in session.scalars(select(IndicatorVersionRow).where(
                IndicatorVersionRow.indicator_id == indicator_id).order_by(
                IndicatorVersionRow.version))]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _day(text: Any, field: str, row: int) -> date | None:
    if text in (None, ""):
        return None
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise ValidationError(msg("The metadata document has problems; nothing was imported"),
                              [FieldError(field=field, row=row, value=str(text)[:40],
                                          message=msg("expected a date as YYYY-MM-DD"))]) from None


def import_metadata(*, session: Session, principal: Principal, document: dict[str, Any],
                    dry_run: bool) -> MetadataSummary:
    """Import a document (either shape); with `dry_run`, only count what would change."""
    require(principal, Permission.MANAGE_METADATA)
    dhis2 = is_dhis2(document)
    problems: list[FieldError] = []
    shape_problems(document, DHIS2_SHAPE if dhis2 else FANSIPAN_SHAPE, "metadata", problems)
    if problems:
        raise ValidationError(msg("The metadata document has problems; nothing was imported"),
                              problems)
    doc = from_dhis2(document, levels=DHIS2_LEVELS) if dhis2 else check_document(document)
    if dry_run:
        with session.begin():
            try:
                return _import(session, principal, doc, dry_run=True)
            finally:
                session.rollback()
    with audited_transaction(session):
        summary = _import(session, principal, doc, dry_run=False)
        record(session, principal, "metadata.import", target=doc.get("exported_at", "")[:60],
               detail=summary.model_dump(exclude={"dry_run"}))
    forget_catalog()
    return summary


def _import(session: Session, principal: Principal, doc: dict[str, Any], *,
            dry_run: bool) -> MetadataSummary:
    summary = MetadataSummary(
        dry_run=dry_run, sectors=_classes(session, SectorRow, doc.get("sectors", [])),
        groups=_classes(session, IndicatorGroupRow, doc.get("groups", [])),
        indicators=KindCounts(), units=KindCounts(), parents=KindCounts(),
        successions=KindCounts())
    session.flush()
    summary.indicators = _indicators(session, principal, doc.get("indicators", []))
    summary.units, by_uid = _units(session, doc.get("units", []))
    summary.parents = _parents(session, doc.get("parents", []), by_uid)
    summary.successions = _successions(session, doc.get("successions", []), by_uid)
    session.flush()
    catalog = read_catalog(session)
    check_catalogue(catalog.indicators.values())
    check_tree(catalog.hierarchy, msg("The metadata document has problems; nothing was "
                                      "imported"))
    return summary


def _classes(session: Session, table: Any, items: list[dict[str, Any]]) -> KindCounts:
    counts: Counter[str] = Counter()
    for n, item in enumerate(items, start=1):
        code, vi, en = item.get("code"), item.get("name_vi"), item.get("name_en")
        if not code or not vi or not en or not re.fullmatch(CLASS_CODE, code):
            raise ValidationError(msg("The metadata document has problems; nothing was "
                                      "imported"), [FieldError(field="code", row=n,
                                                               value=str(code), message=msg(
                                          "a sector or group needs a code (such as "
                                          "giao_thong) and both names"))])
        row = session.get(table, code)
        if row is None:
            session.add(table(code=code, name_vi=vi, name_en=en, sort=item.get("sort", 0)))
            counts["created"] += 1
        elif (row.name_vi, row.name_en) != (vi, en):
            row.name_vi, row.name_en = vi, en
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return KindCounts(**counts)


def _indicators(session: Session, principal: Principal,
                items: list[dict[str, Any]]) -> KindCounts:
    counts: Counter[str] = Counter()
    rows = {r.code: r for r in session.scalars(select(IndicatorRow))}
    errors: list[FieldError] = []
    for n, item in enumerate(items, start=1):
        try:
            data = IndicatorCreate.model_validate(item)
        except PydanticError as exc:
            errors.extend(FieldError(field=".".join(str(p) for p in e["loc"]), row=n,
                                     value=str(item.get("code", "")), message=e["msg"])
                          for e in exc.errors())
            continue
        new = Indicator(**{**data.model_dump(), "levels": tuple(data.levels),
                           "kind": data.kind or default_kind(data.value_type),
                           "record_dataset": item.get("record_dataset")})
        effective = _day(item.get("effective_from"), "effective_from", n)
        retired = _day(item.get("retired_from"), "retired_from", n)
        row = rows.get(new.code)
        if row is None:
            row = IndicatorRow(uid=item.get("uid") or "", code=new.code, levels="",
                               record_dataset=new.record_dataset, retired_from=retired)
            write_row(row, new)
            row.uid = row.uid or indicator_uid(new.code)
            session.add(row)
            session.flush()
            _history(session, principal, row, new, item.get("history") or [], n)
            counts["created"] += 1
            continue
        old = indicator_from_row(row)
        before, after = definition_of(old), definition_of(new)
        changed = [f for f in before if before[f] != after[f]]
        if not changed and row.retired_from == retired:
            counts["unchanged"] += 1
            continue
        if changed:
            check_change(session, old, edited(old, {f: getattr(new, f) for f in changed}),
                         row.id)
            ensure_first_version(session, row=row, indicator=old)
            add_version(session, row=row, indicator=new, effective_from=effective,
                        changed=changed, actor=principal.actor, note="imported")
            write_row(row, new)
        row.retired_from = retired
        counts["updated"] += 1
    if errors:
        raise ValidationError(msg("The metadata document has problems; nothing was imported"),
                              errors)
    return KindCounts(**counts)


def _history(session: Session, principal: Principal, row: IndicatorRow, new: Indicator,
             history: list[dict[str, Any]], n: int) -> None:
    """A new indicator's versions as the exporting instance had them, so its old periods
    are computed here as there (none when it was never edited, as after a reference load)."""
    for v in history:
        definition = {**definition_of(new), **(v.get("definition") or {})}
        old = edited(new, {k: definition[k] for k in definition if k in _FIELDS})
        add_version(session, row=row, indicator=old,
                    effective_from=_day(v.get("effective_from"), "history.effective_from", n),
                    changed=[str(c) for c in v.get("changed") or []], actor=principal.actor,
                    note=str(v.get("note") or "")[:2000])


def _units(session: Session, items: list[dict[str, Any]]) -> tuple[KindCounts, dict[str, int]]:
    counts: Counter[str] = Counter()
    rows = {r.uid: r for r in session.scalars(select(UnitRow))}
    for n, item in enumerate(items, start=1):
        uid, code, name, level = (item.get(k) for k in ("uid", "code", "name_vi", "level"))
        if not uid or not code or not name or level not in (
                "country", "province", "district", "commune", "agency") or not (
                AGENCY_CODE if level == "agency" else UNIT_CODE).fullmatch(code):
            raise ValidationError(msg("The metadata document has problems; nothing was "
                                      "imported"), [FieldError(field="units", row=n,
                                                               value=str(uid), message=msg(
                                          "a unit needs a uid, a code, a name and a level"))])
        values = {"code": code, "name_vi": name, "name_en": item.get("name_en"),
                  "level": level, "valid_from": _day(item.get("valid_from"), "valid_from", n),
                  "valid_to": _day(item.get("valid_to"), "valid_to", n)}
        row = rows.get(uid)
        if row is None:
            row = UnitRow(uid=uid, **values)
            session.add(row)
            rows[uid] = row
            counts["created"] += 1
        elif any(getattr(row, k) != v for k, v in values.items() if k != "name_en"
                 or v is not None):
            for k, v in values.items():
                if k != "name_en" or v is not None:
                    setattr(row, k, v)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    session.flush()
    return KindCounts(**counts), {uid: r.id for uid, r in rows.items()}


def _parents(session: Session, items: list[dict[str, Any]], ids: dict[str, int]) -> KindCounts:
    counts: Counter[str] = Counter()
    have = {(p.child_id, p.parent_id, p.valid_from): p for p in session.scalars(
        select(UnitParentRow))}
    for n, item in enumerate(items, start=1):
        child, parent = ids.get(item.get("child", "")), ids.get(item.get("parent", ""))
        if child is None or parent is None:
            raise ValidationError(msg("The metadata document has problems; nothing was "
                                      "imported"), [FieldError(field="parents", row=n,
                                                               value=str(item.get("child")),
                                                               message=msg(
                                          "a parent link names a unit not in the document "
                                          "nor in the store"))])
        start = _day(item.get("valid_from"), "valid_from", n)
        end = _day(item.get("valid_to"), "valid_to", n)
        link = have.get((child, parent, start))
        if link is None:
            session.add(UnitParentRow(child_id=child, parent_id=parent, valid_from=start,
                                      valid_to=end))
            counts["created"] += 1
        elif link.valid_to != end:
            link.valid_to = end
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return KindCounts(**counts)


def _successions(session: Session, items: list[dict[str, Any]],
                 ids: dict[str, int]) -> KindCounts:
    counts: Counter[str] = Counter()
    have = {(s.old_id, s.new_id) for s in session.scalars(select(UnitSuccessionRow))}
    for n, item in enumerate(items, start=1):
        old, new = ids.get(item.get("old", "")), ids.get(item.get("new", ""))
        effective = _day(item.get("effective"), "effective", n)
        share = item.get("share", 1.0)
        if old is None or new is None or effective is None or not 0 < share <= 1 or item.get(
                "change", "merged") not in ("merged", "kept", "split"):
            raise ValidationError(msg("The metadata document has problems; nothing was "
                                      "imported"), [FieldError(field="successions", row=n,
                                                               value=str(item.get("old")),
                                                               message=msg(
                                          "a succession names a unit not in the document nor "
                                          "in the store, has no date, a share outside 0–1 or "
                                          "a change other than merged, kept or split"))])
        if (old, new) in have:
            counts["unchanged"] += 1
            continue
        have.add((old, new))
        session.add(UnitSuccessionRow(old_id=old, new_id=new, effective=effective,
                                      change=item.get("change", "merged"), share=float(share)))
        counts["created"] += 1
    return KindCounts(**counts)
