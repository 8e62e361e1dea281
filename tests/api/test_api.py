"""The warehouse API end to end over HTTP, on both stores."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.accounts import Account


def test_health(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["ok"] is True


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/api/docs").status_code == 200
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/v1/datavalues/{indicator}/{unit}/{period}" in paths


def test_units_before_and_after_the_reform(client: TestClient) -> None:
    before = client.get("/api/v1/units", params={"as_of": "2025-06-30", "level": "district",
                                                 "parent": "10"}).json()
    assert len(before) == 9
    communes = client.get("/api/v1/units", params={"as_of": "2025-06-30", "parent": "10",
                                                   "level": "commune"}).json()
    assert len(communes) == 151
    after = client.get("/api/v1/units", params={"as_of": "2025-07-01", "parent": "15",
                                                "level": "commune"}).json()
    assert len(after) == 99
    assert {u["depth"] for u in after} == {2}

    kim_tan = client.get("/api/v1/units/02647", params={"as_of": "2025-01-01"}).json()
    assert kim_tan["name"] == "Phường Kim Tân"
    assert [a["code"] for a in kim_tan["ancestors"]] == ["080", "10"]
    assert [s["code"] for s in kim_tan["successors"]] == ["02647"]
    lao_cai = client.get("/api/v1/units/02647", params={"as_of": "2025-07-01"}).json()
    assert lao_cai["name"] == "Phường Lào Cai"
    assert len(lao_cai["predecessors"]) >= 4
    assert client.get(f"/api/v1/units/{lao_cai['uid']}").json()["code"] == "02647"


def test_indicators(client: TestClient, officer: Account) -> None:
    client.headers.update(officer.headers)
    items = client.get("/api/v1/indicators").json()
    assert len(items) >= 40
    one = client.get("/api/v1/indicators/BC_TY_LE_XA_CO_DIEM").json()
    assert one["formula"] == "100 * BC_XA_CO_DIEM / BC_TONG_XA"
    postal = client.get("/api/v1/indicators", params={"sector": "postal"}).json()
    assert postal and all(i["sector"] == "postal" for i in postal)


def test_periods(client: TestClient) -> None:
    [q] = client.get("/api/v1/periods/2022Q1").json()
    assert q == {"id": "2022Q1", "type": "quarter", "start": "2022-01-01", "end": "2022-03-31",
                 "label_vi": "Quý I/2022", "label_en": "Q1 2022"}
    months = client.get("/api/v1/periods/LAST_12_MONTHS", params={"today": "2022-03-15"}).json()
    assert [m["id"] for m in months][:2] == ["2021-03", "2021-04"] and len(months) == 12


def test_write_and_read_one_value(client: TestClient, officer: Account) -> None:
    client.headers.update(officer.headers)
    path = "/api/v1/datavalues/VT_TRAM_5G/02647/2024-03"
    assert client.get(path).status_code == 404
    r = client.put(path, json={"value": 5, "comment": "trạm mới"})
    assert r.status_code == 200, r.text
    assert r.json()["value"] == 5 and r.json()["stored_by"] == "officer"
    assert client.get(path).json()["comment"] == "trạm mới"
    assert client.get("/api/v1/datavalues", params={"unit": "02647"}).json()[0]["value"] == 5
    deleted = client.delete(path).json()
    assert deleted["deleted"] is True
    assert client.get(path).status_code == 404
    feed = client.get("/api/v1/changes").json()
    assert [c["operation"] for c in feed] == ["create", "delete"]


def test_batch_write_is_all_or_nothing(client: TestClient, officer: Account) -> None:
    client.headers.update(officer.headers)
    good = {"indicator": "VT_TRAM_5G", "unit": "02647", "period": "2024-01", "value": 1}
    bad = {"indicator": "VT_TRAM_5G", "unit": "02647", "period": "2024-02", "value": -3}
    r = client.post("/api/v1/datavalues", json={"values": [good, bad]})
    assert r.status_code == 422
    assert r.json()["errors"][0]["row"] == 2
    assert client.get("/api/v1/datavalues").json() == []
    r = client.post("/api/v1/datavalues", json={"values": [good]})
    assert r.json()["created"] == 1


def test_targets_set_list_and_evaluate(client: TestClient, officer: Account) -> None:
    client.headers.update(officer.headers)
    for m in range(1, 13):
        client.put(f"/api/v1/datavalues/BC_DOANH_THU/10/2021-{m:02d}", json={"value": 10})
    r = client.put("/api/v1/targets", json={"indicator": "BC_DOANH_THU", "unit": "10",
                                            "period": "2021", "planned": 100,
                                            "document": "Kế hoạch minh họa"})
    assert r.status_code == 200, r.text
    assert client.get("/api/v1/targets", params={"year": 2021}).json()[0]["planned"] == 100
    report = client.get("/api/v1/targets/evaluation", params={"year": 2021}).json()
    assert report["items"][0]["actual"] == 120
    assert report["items"][0]["status"] == "exceeded"
    assert report["sentence"] == (
        "1/1 chỉ tiêu đạt và vượt kế hoạch, trong đó 1 chỉ tiêu vượt kế hoạch")
    bad = client.put("/api/v1/targets", json={"indicator": "BC_DOANH_THU", "unit": "10",
                                              "period": "2021", "planned": "lots"})
    assert bad.status_code == 422
