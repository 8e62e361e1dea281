"""Hostile or broken metadata and reorganisation files: refused with the problem named,
nothing kept, dry run or not, and the site still reads its units afterwards.

A unit above itself, two units with one code on one day, a version that ends before it
starts or succession links in a loop would make every page that asks the tree fail;
a field of the wrong type would crash the reader (services/exchange/metadata.py,
exchange/metadata_io.py, domain/units.tree_problems).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Role
from fansipan.store.tables import SectorRow, UnitParentRow, UnitRow, UnitSuccessionRow
from tests.support.accounts import Account

A, B = "AAAAAAAAAAA", "BBBBBBBBBBB"
BAT_XAT_DISTRICT = "yVa9JecRpcC"  # 082, ended on 30 June 2025


def doc(**lists: Any) -> dict[str, Any]:
    return {"format": "fansipan-metadata", "version": 1, **lists}


def commune(uid: str, code: str, **extra: Any) -> dict[str, Any]:
    return {"uid": uid, "code": code, "name_vi": f"Xã {code}", "level": "commune",
            "valid_from": "2020-01-01", **extra}


UNREADABLE = {
    "its own parent": doc(units=[commune(A, "90001")],
                          parents=[{"child": A, "parent": A, "valid_from": "2020-01-01"}]),
    "two units above each other": doc(
        units=[commune(A, "90001"), commune(B, "90002")],
        parents=[{"child": A, "parent": B, "valid_from": "2020-01-01"},
                 {"child": B, "parent": A, "valid_from": "2021-06-01"}]),
    "a code the province carries": doc(units=[{
        "uid": A, "code": "15", "name_vi": "Tỉnh giả", "level": "province",
        "valid_from": "2025-07-01"}]),
    "an end before its start": doc(units=[commune(A, "90001", valid_to="2019-01-01")]),
    "successions in a loop": doc(
        units=[commune(A, "90001", valid_to="2020-12-31"),
               commune(B, "90002", valid_to="2021-12-31")],
        successions=[{"old": A, "new": B, "effective": "2021-01-01"},
                     {"old": B, "new": A, "effective": "2022-01-01"}]),
}


def _counts(session: Session) -> tuple[int, ...]:
    with session.begin():
        return tuple(session.scalar(select(func.count()).select_from(t)) or 0
                     for t in (UnitRow, UnitParentRow, UnitSuccessionRow, SectorRow))


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_a_file_that_would_make_the_unit_tree_unreadable_is_refused(
        client: TestClient, session: Session, make_account: Callable[..., Account],
        case: str) -> None:
    admin = make_account(Role.ADMIN).headers
    before = _counts(session)
    for dry in ("true", "false"):
        r = client.post("/api/v1/metadata/import", headers=admin, params={"dry_run": dry},
                        json=UNREADABLE[case])
        assert r.status_code == 422, (case, dry, r.text)
        assert r.json()["errors"], r.text
    assert _counts(session) == before
    assert client.get("/api/v1/units", headers=admin).status_code == 200
    assert client.get("/", headers={**admin, "accept": "text/html"}).status_code == 200


def test_a_reorganisation_that_would_put_a_unit_above_itself_is_refused(
        client: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN).headers
    before = _counts(session)
    today = "2026-01-01"
    for units in ([{"code": "90001", "name_vi": "x", "level": "commune", "parent_code": "90001"}],
                  [{"code": "90001", "name_vi": "x", "level": "commune", "parent_code": "90002"},
                   {"code": "90002", "name_vi": "y", "level": "district",
                    "parent_code": "90001"}]):
        for dry in ("true", "false"):
            r = client.post("/api/v1/units/reorganisations", headers=admin,
                            params={"dry_run": dry}, json={"effective": today, "units": units})
            assert r.status_code == 422, (units, dry, r.text)
            assert r.json()["errors"][0]["field"] == "parents"
    assert _counts(session) == before
    assert client.get("/api/v1/units", headers=admin, params={"as_of": today}).status_code == 200


WRONG_TYPES = [
    doc(sectors=[1, "x"]),
    doc(sectors=[{"code": "zz", "name_vi": {"a": 1}, "name_en": "x"}]),
    doc(sectors=[{"code": "z" * 5000, "name_vi": "x" * 2_000_000, "name_en": "x"}]),
    doc(sectors=[{"code": "Giao Thong", "name_vi": "x", "name_en": "x"}]),
    doc(units=[{"uid": ["a"], "code": "X", "name_vi": "x", "level": "commune"}]),
    doc(units=[commune(A, "<b>1</b>")]),
    doc(indicators=[7]),
    doc(successions=[{"old": BAT_XAT_DISTRICT, "new": BAT_XAT_DISTRICT,
                      "effective": "2025-07-01", "share": "abc"}]),
    doc(successions=[{"old": BAT_XAT_DISTRICT, "new": BAT_XAT_DISTRICT,
                      "effective": "2025-07-01", "share": 1e308}]),
    {"dataElements": "nope"},
    {"indicators": [{"id": "x", "numerator": {"x": 1}}]},
    {"organisationUnits": [{"id": A, "name": "o", "level": "x"}]},
    {"organisationUnits": [{"id": A}]},
    {"dataElements": [{"id": A, "translations": [{"locale": 5}]}]},
]


def test_wrong_types_in_a_metadata_file_are_named_not_a_crash(
        client: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN).headers
    before = _counts(session)
    for n, hostile in enumerate(WRONG_TYPES):
        for dry in ("true", "false"):
            r = client.post("/api/v1/metadata/import", headers=admin, params={"dry_run": dry},
                            json=hostile)
            assert r.status_code == 422, (n, dry, r.text)
            assert r.json()["errors"], (n, r.text)
    assert _counts(session) == before


def test_a_tree_that_fails_to_build_leaves_the_engine_answering(
        client: TestClient, make_account: Callable[..., Account],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A tree the engine could not build (as a unit above itself once made it) must not
    # leave the month cube pointing at tables of the tree before: every answer after it,
    # on that server process, failed until a restart.
    import fansipan.analytics.warehouse as warehouse

    officer = make_account(Role.OFFICER, Role.LEADER, username="cb.bat.xat").headers
    admin = make_account(Role.ADMIN).headers
    ask = {"indicator": "CNTT_HO_SO_TIEP_NHAN", "unit": "082/children", "period": "2024"}

    def put(period: str, value: float) -> None:
        r = client.put(f"/api/v1/datavalues/CNTT_HO_SO_TIEP_NHAN/02683/{period}",
                       headers=officer, json={"value": value})
        assert r.status_code == 200, r.text

    put("2024-01", 5)
    assert client.get("/api/v1/analytics", headers=officer, params=ask).status_code == 200
    built = warehouse.ever_above

    def broken(h: Any) -> Any:
        raise RuntimeError("the engine could not build the tree")

    monkeypatch.setattr(warehouse, "ever_above", broken)
    assert client.post("/api/v1/units", headers=admin, json={
        "code": "90001", "name_vi": "Xã mới", "level": "commune", "parent": "15"}
    ).status_code == 201
    assert client.get("/api/v1/analytics", headers=officer, params=ask).status_code == 500
    monkeypatch.setattr(warehouse, "ever_above", built)
    put("2024-02", 7)
    after = client.get("/api/v1/analytics", headers=officer, params=ask)
    assert after.status_code == 200, after.text
    answer = after.json()
    values = [dict(zip(answer["columns"], row, strict=True))["value"] for row in answer["rows"]]
    assert 12 in values, after.text
