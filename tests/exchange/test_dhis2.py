"""The DHIS2-compatible API with DHIS2's documented payloads and answers, signed in as a
connected system with HTTP Basic (client id and key)."""

from __future__ import annotations

import csv
import io
import time

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.services.catalog import load_catalog
from tests.exchange.conftest import Client, register
from tests.exchange.test_imports import counts


def uids(session: Session, indicator: str, unit: str) -> tuple[str, str]:
    from datetime import date

    with session.begin():
        catalog = load_catalog(session)
    unit_row = catalog.unit(unit, date(2024, 12, 31))
    return catalog.indicator_uids[indicator], catalog.uid_of(unit_row)


def test_data_value_set_by_codes_then_read_back(client: TestClient, lgsp: Client,
                                                session: Session) -> None:
    payload = {"dataSet": "telecom", "completeDate": "2024-04-03", "period": "202403",
               "orgUnit": "02647", "dataValues": [
                   {"dataElement": "VT_TRAM_5G", "value": "1"},
                   {"dataElement": "VT_TRAM_5G", "period": "202404", "value": "2",
                    "comment": "trạm mới"}]}
    r = client.post("/dhis2/api/dataValueSets", json=payload, params={"idScheme": "CODE"},
                    headers=lgsp.basic)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "OK" and body["httpStatusCode"] == 200
    summary = body["response"]
    assert summary["responseType"] == "ImportSummary" and summary["status"] == "SUCCESS"
    assert summary["importCount"] == {"imported": 2, "updated": 0, "ignored": 0, "deleted": 0}
    again = client.post("/dhis2/api/dataValueSets", json=payload, params={"idScheme": "CODE"},
                        headers=lgsp.basic).json()["response"]["importCount"]
    assert again == {"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}

    got = client.get("/dhis2/api/dataValueSets.json", headers=lgsp.basic, params={
        "dataSet": "telecom", "period": ["202403", "202404"], "orgUnit": "080",
        "children": "true", "idScheme": "CODE"})
    assert got.status_code == 200, got.text
    values = {(v["dataElement"], v["period"], v["orgUnit"]): v for v in got.json()["dataValues"]}
    assert values[("VT_TRAM_5G", "202403", "02647")]["value"] == "1"
    assert values[("VT_TRAM_5G", "202404", "02647")]["comment"] == "trạm mới"
    assert values[("VT_TRAM_5G", "202403", "02647")]["categoryOptionCombo"] == "default"

    by_uid = client.get("/dhis2/api/dataValueSets.csv", headers=lgsp.basic, params={
        "dataElement": "VT_TRAM_5G", "startDate": "2024-01-01", "endDate": "2024-12-31",
        "orgUnit": "02647"})
    rows = list(csv.DictReader(io.StringIO(by_uid.text)))
    de, ou = uids(session, "VT_TRAM_5G", "02647")
    assert {(r["dataelement"], r["orgunit"], r["period"]) for r in rows} == {
        (de, ou, "202403"), (de, ou, "202404")}


def test_uids_by_default_csv_and_conflicts_with_indexes(client: TestClient, lgsp: Client,
                                                        session: Session) -> None:
    de, ou = uids(session, "VT_TRAM_5G", "02647")
    text = ("dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
            f"{de},202405,{ou},HllvX50cXC0,HllvX50cXC0,5\n")
    r = client.post("/dhis2/api/dataValueSets", content=text.encode(),
                    headers={**lgsp.basic, "content-type": "application/csv"})
    assert r.status_code == 200, r.text
    assert r.json()["response"]["importCount"]["imported"] == 1
    before = counts(session)
    bad = {"dataValues": [
        {"dataElement": de, "period": "202406", "orgUnit": ou, "value": "6"},
        {"dataElement": "VT_TRAM_5G", "period": "202406", "orgUnit": ou, "value": "6"},
        {"dataElement": de, "period": "202406", "orgUnit": ou, "categoryOptionCombo": "abc",
         "value": "6"}]}
    r = client.post("/dhis2/api/dataValueSets", json=bad, headers=lgsp.basic)
    assert r.status_code == 409
    body = r.json()
    assert body["status"] == "ERROR" and body["httpStatus"] == "Conflict"
    summary = body["response"]
    assert summary["rejectedIndexes"] == [1, 2]
    assert summary["importCount"]["ignored"] == 3
    assert {c["errorCode"] for c in summary["conflicts"]} == {"unknown_indicator",
                                                             "unsupported_combination"}
    assert "idScheme=code" in summary["conflicts"][0]["value"]
    assert counts(session) == before
    partial = client.post("/dhis2/api/dataValueSets", json=bad, headers=lgsp.basic,
                          params={"atomicMode": "NONE"}).json()
    assert partial["status"] == "WARNING"
    assert partial["response"]["importCount"]["imported"] == 1


def test_query_rules_system_info_and_single_values(client: TestClient, lgsp: Client) -> None:
    r = client.get("/dhis2/api/dataValueSets.json", headers=lgsp.basic,
                   params={"period": "202403"})
    assert r.status_code == 409 and "E2001" in r.json()["error"]
    info = client.get("/dhis2/api/system/info.json", headers=lgsp.basic).json()
    assert info["version"].startswith("2.") and info["revision"]
    base = {"de": "VT_TRAM_5G", "pe": "202407", "ou": "02647"}
    saved = client.post("/dhis2/api/dataValues", params={**base, "value": "7"},
                        headers=lgsp.basic)
    assert saved.status_code == 201, saved.text
    assert client.get("/dhis2/api/dataValues.json", params=base,
                      headers=lgsp.basic).json() == ["7"]
    bad = client.post("/dhis2/api/dataValues", params={**base, "value": "bảy"},
                      headers=lgsp.basic)
    assert bad.status_code == 409
    assert client.delete("/dhis2/api/dataValues", params=base,
                         headers=lgsp.basic).status_code == 204
    assert client.get("/dhis2/api/dataValues", params=base,
                      headers=lgsp.basic).status_code == 404


def test_basic_auth_and_scope(client: TestClient, session: Session, settings: object) -> None:
    reader = register(session, settings, "reader-sapa", units=("088",), write=False)  # type: ignore[arg-type]
    payload = {"dataValues": [{"dataElement": "VT_TRAM_5G", "period": "202403",
                               "orgUnit": "02647", "value": "1"}]}
    assert client.post("/dhis2/api/dataValueSets", json=payload, params={"idScheme": "CODE"},
                       headers=reader.basic).status_code == 403
    wrong = Client(reader.client_id, reader.key[:-2] + "xx")
    assert client.get("/dhis2/api/system/info", headers=wrong.basic).status_code == 401
    other = Client("lgsp-someone-else", reader.key)
    assert client.get("/dhis2/api/system/info", headers=other.basic).status_code == 401
    outside = client.get("/dhis2/api/dataValueSets.json", headers=reader.basic, params={
        "dataElement": "VT_TRAM_5G", "period": "202403", "orgUnit": "02647"})
    assert outside.status_code == 403


def test_async_import_is_followed_through_tasks(client: TestClient, lgsp: Client) -> None:
    payload = {"period": "202408", "orgUnit": "02647",
               "dataValues": [{"dataElement": "VT_TRAM_5G", "value": "8"}]}
    r = client.post("/dhis2/api/dataValueSets", json=payload, headers=lgsp.basic,
                    params={"idScheme": "CODE", "async": "true"})
    assert r.status_code == 200
    job = r.json()["response"]["id"]
    for _ in range(250):
        tasks = client.get(f"/dhis2/api/system/tasks/DATAVALUE_IMPORT/{job}",
                           headers=lgsp.basic).json()
        if tasks[0]["completed"]:
            break
        time.sleep(0.02)
    summary = client.get(f"/dhis2/api/system/taskSummaries/DATAVALUE_IMPORT/{job}",
                         headers=lgsp.basic).json()
    assert summary["status"] == "SUCCESS" and summary["importCount"]["imported"] == 1
