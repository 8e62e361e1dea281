"""The catalogue over the API: an administrator adds an indicator and a derived one, an
officer enters values, the analytics show them; a formula changed later leaves the old
periods as they were."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from fansipan.domain.access import Role
from tests.support.accounts import Account

A = "02683"


def test_an_administrator_adds_and_changes_indicators_an_officer_fills_them(
        client: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN).headers
    officer = make_account(Role.OFFICER, Role.LEADER).headers
    r = client.put("/api/v1/indicator-groups/cds", headers=admin, json={
        "name_vi": "Chuyển đổi số", "name_en": "Digital transformation"})
    assert r.status_code == 200, r.text
    base = {"sector": "it_dx", "levels": ["commune"], "group": "cds"}
    for code, vi in (("CDS_DIEM_WIFI", "Điểm wifi công cộng"), ("CDS_DIEM_WIFI_MIEN_PHI",
                                                              "Điểm wifi miễn phí")):
        r = client.post("/api/v1/indicators", headers=admin,
                        json={**base, "code": code, "name_vi": vi, "name_en": code})
        assert r.status_code == 201, r.text
    cycle = client.post("/api/v1/indicators", headers=admin, json={
        **base, "code": "CDS_TY_LE", "name_vi": "Tỷ lệ", "name_en": "Share",
        "formula": "100 * CDS_DIEM_WIFI_MIEN_PHI / CDS_TY_LE"})
    assert cycle.status_code == 422
    assert cycle.json()["errors"][0]["field"] == "CDS_TY_LE"
    preview = client.post("/api/v1/indicators/preview", headers=admin, json={
        "formula": "100 * CDS_DIEM_WIFI_MIEN_PHI / CDS_DIEM_WIFI", "units": [A],
        "periods": ["2024"]})
    assert preview.status_code == 200, preview.text
    assert preview.json()["cells"][0]["value"] is None  # no values yet
    r = client.post("/api/v1/indicators", headers=admin, json={
        **base, "code": "CDS_TY_LE", "name_vi": "Tỷ lệ điểm wifi miễn phí",
        "name_en": "Share of free wifi points", "unit_vi": "%", "unit_en": "%",
        "decimals": 1, "formula": "100 * CDS_DIEM_WIFI_MIEN_PHI / CDS_DIEM_WIFI"})
    assert r.status_code == 201, r.text
    assert client.post("/api/v1/indicators", headers=officer, json={
        **base, "code": "CDS_X", "name_vi": "x", "name_en": "x"}).status_code == 403
    r = client.post("/api/v1/datavalues", headers=officer, json={"values": [
        {"indicator": "CDS_DIEM_WIFI", "unit": A, "period": "2024", "value": 8},
        {"indicator": "CDS_DIEM_WIFI_MIEN_PHI", "unit": A, "period": "2024", "value": 2},
        {"indicator": "CDS_DIEM_WIFI", "unit": A, "period": "2025Q1", "value": 10},
        {"indicator": "CDS_DIEM_WIFI_MIEN_PHI", "unit": A, "period": "2025Q1", "value": 5}]})
    assert r.status_code == 200, r.text
    r = client.patch("/api/v1/indicators/CDS_TY_LE", headers=admin, json={
        "formula": "100 * (CDS_DIEM_WIFI - CDS_DIEM_WIFI_MIEN_PHI) / CDS_DIEM_WIFI",
        "name_en": "Share of paid wifi points", "effective_from": "2025-01-01"})
    assert r.status_code == 200, r.text
    answer = client.post("/api/v1/analytics", headers=officer, json={
        "indicators": ["CDS_TY_LE"], "units": [A], "periods": ["2024", "2025Q1"]}).json()
    got = {row[3]: row[4] for row in answer["rows"]}
    assert got == {"2024": 25.0, "2025Q1": 50.0}  # 2024 as it was; 2025 under the new formula
    versions = client.get("/api/v1/indicators/CDS_TY_LE/versions", headers=admin).json()
    assert versions[0]["effective_from"] == "2025-01-01"
    assert {c["field"] for c in versions[0]["changes"]} == {"name_en", "formula"}
    assert client.delete("/api/v1/indicators/CDS_DIEM_WIFI", headers=admin).status_code == 409
    r = client.post("/api/v1/indicators/CDS_DIEM_WIFI/retire", headers=admin,
                    json={"retired_from": "2026-01-01"})
    assert r.json()["retired_from"] == "2026-01-01"
    late = client.put(f"/api/v1/datavalues/CDS_DIEM_WIFI/{A}/2026", headers=officer,
                      json={"value": 3})
    assert late.status_code == 422 and "retired" in late.text
    groups = client.get("/api/v1/indicator-groups").json()
    assert [g["code"] for g in groups] == ["cds"]
