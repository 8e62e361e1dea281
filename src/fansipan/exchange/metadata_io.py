"""Metadata documents: the catalogue and the units as Fansipan exports them (JSON), and
DHIS2's metadata shape (dataElements, indicators, organisationUnits and their groups).

Pure: a document is plain JSON data in, plain JSON data out. A Fansipan document keeps
everything (every definition field, dated units, parent links, successions); the DHIS2
shape keeps what DHIS2 has a place for, so a DHIS2 instance and a parent Fansipan share
codes and uids. Read back, the fields DHIS2 has no place for take their defaults.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from fansipan.errors import FieldError, ValidationError, msg

FORMAT = "fansipan-metadata"
VERSION = 1

_VALUE_TYPES = {"integer": "INTEGER", "number": "NUMBER", "percent": "PERCENTAGE"}
_AGGREGATIONS = {"sum": "SUM", "average": "AVERAGE", "last": "LAST", "min": "MIN",
                 "max": "MAX", "none": "NONE"}
_CODE = re.compile(r"\b[A-Z][A-Z0-9_]*\b")
_UID_REF = re.compile(r"#\{([A-Za-z0-9]{11})\}")


def is_dhis2(payload: dict[str, Any]) -> bool:
    return payload.get("format") != FORMAT and any(
        k in payload for k in ("dataElements", "indicators", "organisationUnits"))


def check_document(doc: dict[str, Any]) -> dict[str, Any]:
    """A Fansipan document of a version this reader knows, with its lists present."""
    if doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise ValidationError(msg("Not a metadata document"), [FieldError(
            field="format", value=str(doc.get("format", ""))[:60], message=msg(
                "expected format {format} version {version}, or DHIS2's metadata shape "
                "(dataElements, indicators, organisationUnits)", format=FORMAT,
                version=VERSION))])
    for key in ("sectors", "groups", "indicators", "units", "parents", "successions"):
        if not isinstance(doc.get(key, []), list):
            raise ValidationError(msg("Not a metadata document"), [FieldError(
                field=key, message=msg("must be a list"))])
    return doc


def to_dhis2(doc: dict[str, Any]) -> dict[str, Any]:
    """DHIS2's metadata shape of a Fansipan document."""
    uids = {i["code"]: i["uid"] for i in doc["indicators"]}
    base = [i for i in doc["indicators"] if not i.get("formula")]
    derived = [i for i in doc["indicators"] if i.get("formula")]
    unit_uid = {u["uid"]: u for u in doc["units"]}
    parent = {p["child"]: p["parent"] for p in doc["parents"]
              if p["child"] in unit_uid and p["parent"] in unit_uid}

    def named(i: dict[str, Any]) -> dict[str, Any]:
        return {"id": i["uid"], "code": i["code"], "name": i["name_vi"],
                "shortName": i["name_vi"][:50], "description": i.get("description_vi", ""),
                "translations": [
                    {"locale": "en", "property": "NAME", "value": i["name_en"]},
                    {"locale": "en", "property": "DESCRIPTION",
                     "value": i.get("description_en", "")}]}

    return {
        "dataElements": [{
            **named(i), "valueType": _VALUE_TYPES.get(i["value_type"], "NUMBER"),
            "aggregationType": _AGGREGATIONS.get(i["agg_units"], "SUM"),
            "domainType": "AGGREGATE", "zeroIsSignificant": True,
        } for i in base],
        "indicators": [{
            **named(i), "numerator": _CODE.sub(
                lambda m: f"#{{{uids[m.group(0)]}}}" if m.group(0) in uids else m.group(0),
                i["formula"]),
            "denominator": "1", "decimals": i.get("decimals", 0),
            "indicatorType": {"id": "fansipanOne", "name": "Number (factor 1)", "factor": 1},
        } for i in derived],
        "dataElementGroups": [{
            "id": _group_id("sector", s["code"]), "code": s["code"], "name": s["name_vi"],
            "dataElements": [{"id": i["uid"]} for i in base if i["sector"] == s["code"]],
        } for s in doc["sectors"]],
        "indicatorGroups": [{
            "id": _group_id("group", g["code"]), "code": g["code"], "name": g["name_vi"],
            "indicators": [{"id": i["uid"]} for i in doc["indicators"]
                           if i.get("group") == g["code"]],
        } for g in doc["groups"]],
        "organisationUnits": [{
            "id": u["uid"], "code": u["code"], "name": u["name_vi"],
            "shortName": u["name_vi"][:50], "openingDate": u.get("valid_from") or "1900-01-01",
            **({"closedDate": u["valid_to"]} if u.get("valid_to") else {}),
            **({"parent": {"id": parent[u["uid"]]}} if u["uid"] in parent else {}),
        } for u in doc["units"]],
    }


def _group_id(kind: str, code: str) -> str:
    """A stable 11-character DHIS2 id for a sector or group (letters and digits)."""
    digest = hashlib.sha256(f"{kind}:{code}".encode()).hexdigest()
    return "G" + "".join(c for c in digest if c.isalnum())[:10]


def from_dhis2(payload: dict[str, Any], *, levels: dict[str, str]) -> dict[str, Any]:
    """A Fansipan document from DHIS2's metadata shape; `levels` names a unit's level by
    its depth ("1" → "province"); fields DHIS2 does not carry take their defaults."""
    errors: list[FieldError] = []
    elements = payload.get("dataElements", []) or []
    code_of = {e["id"]: e.get("code") or e["id"] for e in elements if "id" in e}
    sector_of: dict[str, str] = {}
    sectors = []
    for g in payload.get("dataElementGroups", []) or []:
        code = (g.get("code") or g.get("id", "")).lower()
        sectors.append({"code": code, "name_vi": g.get("name", code),
                        "name_en": g.get("name", code), "sort": 0})
        for e in g.get("dataElements", []):
            sector_of.setdefault(e.get("id", ""), code)
    group_of: dict[str, str] = {}
    groups = []
    for g in payload.get("indicatorGroups", []) or []:
        code = (g.get("code") or g.get("id", "")).lower()
        groups.append({"code": code, "name_vi": g.get("name", code),
                       "name_en": g.get("name", code), "sort": 0})
        for e in g.get("indicators", []):
            group_of.setdefault(e.get("id", ""), code)
    aggregation = {v: k for k, v in _AGGREGATIONS.items()}
    value_type = {v: k for k, v in _VALUE_TYPES.items()}
    indicators = []
    for n, e in enumerate(elements, start=1):
        if not e.get("id") or e["id"] not in sector_of:
            errors.append(FieldError(field="dataElements", row=n, value=str(e.get("id", "")),
                                     message=msg("a data element must be in a data element "
                                                 "group, which becomes its sector")))
            continue
        agg = aggregation.get(e.get("aggregationType", "SUM"), "sum")
        indicators.append({**_names(e), "sector": sector_of[e["id"]], "group":
                           group_of.get(e["id"]), "value_type": value_type.get(
                               e.get("valueType", "NUMBER"), "number"),
                           "agg_units": agg, "agg_time": agg})
    for n, i in enumerate(payload.get("indicators", []) or [], start=1):
        numerator, denominator = i.get("numerator", ""), i.get("denominator", "1")
        factor = (i.get("indicatorType") or {}).get("factor", 1)
        missing = [u for u in _UID_REF.findall(f"{numerator} {denominator}") if u not in code_of]
        if missing:
            errors.append(FieldError(field="indicators", row=n, value=", ".join(missing),
                                     message=msg("the formula names data elements not in the "
                                                 "document")))
            continue
        text = _UID_REF.sub(lambda m: code_of[m.group(1)], numerator)
        if denominator.strip() != "1":
            text = f"({text}) / ({_UID_REF.sub(lambda m: code_of[m.group(1)], denominator)})"
        if factor != 1:
            text = f"{factor} * ({text})"
        sector = next((sector_of[u] for u in _UID_REF.findall(numerator) if u in sector_of),
                      sectors[0]["code"] if sectors else "")
        indicators.append({**_names(i), "sector": sector, "group": group_of.get(i.get("id", "")),
                           "formula": text, "decimals": i.get("decimals", 0),
                           "agg_units": "none", "agg_time": "none", "value_type": "number"})
    units, parents = _units(payload.get("organisationUnits", []) or [], levels, errors)
    if errors:
        raise ValidationError(msg("The DHIS2 metadata has problems; nothing was imported"),
                              errors)
    return {"format": FORMAT, "version": VERSION, "sectors": sectors, "groups": groups,
            "indicators": indicators, "units": units, "parents": parents, "successions": []}


def _names(e: dict[str, Any]) -> dict[str, Any]:
    english = {t.get("property"): t.get("value", "") for t in e.get("translations", [])
               if t.get("locale", "").startswith("en")}
    name = e.get("name") or e.get("code") or e["id"]
    return {"uid": e["id"], "code": e.get("code") or e["id"], "name_vi": name,
            "name_en": english.get("NAME") or name, "description_vi": e.get("description", ""),
            "description_en": english.get("DESCRIPTION", "")}


def _units(items: list[dict[str, Any]], levels: dict[str, str],
           errors: list[FieldError]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    by_id = {u.get("id"): u for u in items}

    def depth(u: dict[str, Any]) -> int:
        seen = 1
        while (u.get("parent") or {}).get("id") in by_id and seen < 20:
            u = by_id[u["parent"]["id"]]
            seen += 1
        return seen

    units, parents = [], []
    for n, u in enumerate(items, start=1):
        level = levels.get(str(depth(u)))
        if not u.get("id") or level is None:
            errors.append(FieldError(field="organisationUnits", row=n, value=str(u.get("id")),
                                     message=msg("no level is named for depth {depth}",
                                                 depth=depth(u))))
            continue
        opening = (u.get("openingDate") or "")[:10] or None
        units.append({"uid": u["id"], "code": u.get("code") or u["id"], "name_vi": u["name"],
                      "name_en": None, "level": level,
                      "valid_from": None if opening == "1900-01-01" else opening,
                      "valid_to": (u.get("closedDate") or "")[:10] or None})
        if (u.get("parent") or {}).get("id"):
            parents.append({"child": u["id"], "parent": u["parent"]["id"],
                            "valid_from": units[-1]["valid_from"],
                            "valid_to": units[-1]["valid_to"]})
    return units, parents


# The shapes a reader relies on: each list holds objects, each field named has this type
# (text at most so long, a number, a list or an object of its own); "!" marks a field
# that must be there. A field of another type would otherwise crash the reader or reach
# a column too short for it; a field not named passes (both formats carry more).
Shape = dict[str, Any]
_ID = ("text", 11)
_NAMED = {"!id": _ID, "code": ("text", 60), "name": ("text", 200), "description":
          ("text", 100_000), "translations": [{"locale": ("text", 20), "property":
                                               ("text", 40), "value": ("text", 100_000)}]}
DHIS2_SHAPE: Shape = {
    "dataElements": [{**_NAMED, "valueType": ("text", 40), "aggregationType": ("text", 40)}],
    "indicators": [{**_NAMED, "numerator": ("text", 10_000), "denominator": ("text", 10_000),
                    "decimals": "number", "indicatorType": {"factor": "number"}}],
    "dataElementGroups": [{"id": _ID, "code": ("text", 40), "name": ("text", 200),
                           "dataElements": [{"id": _ID}]}],
    "indicatorGroups": [{"id": _ID, "code": ("text", 40), "name": ("text", 200),
                         "indicators": [{"id": _ID}]}],
    "organisationUnits": [{"!id": _ID, "code": ("text", 40), "!name": ("text", 200),
                           "openingDate": ("text", 40), "closedDate": ("text", 40),
                           "level": "number", "parent": {"id": _ID}}],
}
_CLASS = {"!code": ("text", 40), "!name_vi": ("text", 200), "!name_en": ("text", 200),
          "sort": "number"}
_DAY = ("text", 40)
FANSIPAN_SHAPE: Shape = {
    "sectors": [_CLASS], "groups": [_CLASS],
    "indicators": [{"uid": _ID, "effective_from": _DAY, "retired_from": _DAY,
                    "record_dataset": ("text", 40), "history": [{
                        "effective_from": _DAY, "changed": [("text", 60)],
                        "note": ("text", 2000), "definition": {}}]}],
    "units": [{"!uid": _ID, "!code": ("text", 40), "!name_vi": ("text", 200),
               "name_en": ("text", 200), "!level": ("text", 20), "valid_from": _DAY,
               "valid_to": _DAY}],
    "parents": [{"!child": _ID, "!parent": _ID, "valid_from": _DAY, "valid_to": _DAY}],
    "successions": [{"!old": _ID, "!new": _ID, "!effective": _DAY, "change": ("text", 40),
                     "share": "number"}],
}
MAX_SHAPE_PROBLEMS = 100


def shape_problems(value: Any, shape: Any, where: str, out: list[FieldError]) -> None:
    """Every place where `value` is not of `shape` (see DHIS2_SHAPE), at most 100."""
    if len(out) >= MAX_SHAPE_PROBLEMS:
        return
    if isinstance(shape, list):
        if not isinstance(value, list):
            out.append(FieldError(field=where, message=msg("must be a list")))
            return
        for n, item in enumerate(value, start=1):
            shape_problems(item, shape[0], f"{where}[{n}]", out)
    elif isinstance(shape, dict):
        if not isinstance(value, dict):
            out.append(FieldError(field=where, message=msg("must be an object")))
            return
        for key, inner in shape.items():
            name = key.lstrip("!")
            if name not in value or value[name] is None:
                if key.startswith("!"):
                    out.append(FieldError(field=f"{where}.{name}", message=msg(
                        "this field is required")))
                continue
            shape_problems(value[name], inner, f"{where}.{name}", out)
    elif shape == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value \
                or value in (float("inf"), float("-inf")):
            out.append(FieldError(field=where, message=msg("must be a number")))
    elif not isinstance(value, str):
        out.append(FieldError(field=where, message=msg("must be text")))
    elif len(value) > shape[1]:
        out.append(FieldError(field=where, value=value[:40], message=msg(
            "at most {limit} characters", limit=shape[1])))
