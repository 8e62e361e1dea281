"""Every error the API returns has the same shape (pinned here, like datasette does)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.accounts import Account

SHAPE = {"ok", "status", "error", "error_vi", "errors"}


def check(response: object, status: int) -> dict[str, object]:
    r = response  # httpx.Response
    assert r.status_code == status, r.text  # type: ignore[attr-defined]
    body: dict[str, object] = r.json()  # type: ignore[attr-defined]
    assert set(body) == SHAPE
    assert body["ok"] is False and body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["error_vi"], str) and body["error_vi"]
    for item in body["errors"]:  # type: ignore[attr-defined]
        assert item["message_vi"], item  # every problem told in Vietnamese too
    return body


def test_not_found_unit(client: TestClient) -> None:
    body = check(client.get("/api/v1/units/99999"), 404)
    assert body["errors"] == [{"field": "unit", "value": "99999",
                               "message": "there is no unit code '99999'",
                               "message_vi": "không có mã đơn vị '99999'"}]
    assert body["error"] == "Unknown unit" and body["error_vi"] == "Không có đơn vị này"


def test_unknown_route(client: TestClient) -> None:
    check(client.get("/api/v1/nothing-here"), 404)


def test_bad_query_parameter(client: TestClient) -> None:
    body = check(client.get("/api/v1/units?as_of=yesterday"), 422)
    assert body["errors"][0]["field"] == "as_of"  # type: ignore[index]


def test_bad_period(client: TestClient) -> None:
    body = check(client.get("/api/v1/periods/2022Q5"), 422)
    [error] = body["errors"]  # type: ignore[misc]
    assert error["value"] == "2022Q5" and "Q1–Q4" in error["message"]


def test_bad_json_body(client: TestClient, officer: Account) -> None:
    client.headers.update(officer.headers)
    r = client.post("/api/v1/datavalues", content=b"{not json",
                    headers={"content-type": "application/json"})
    check(r, 422)


def test_validation_error_names_row_field_and_fix(client: TestClient, officer: Account) -> None:
    client.headers.update(officer.headers)
    r = client.post("/api/v1/datavalues", json={"values": [
        {"indicator": "VT_TRAM_5G", "unit": "02647", "period": "2024-03", "value": "x"}]})
    body = check(r, 422)
    assert body["errors"] == [{"field": "value", "row": 1, "value": "x",
                               "message": "'x' is not a number; write it like 1234.5 or 1234,5",
                               "message_vi": "'x' không phải là số; viết như 1234,5 hoặc "
                                             "1.234,5"}]
