"""The catalogue pages: an administrator adds indicators and a derived one from the web
form, previews a formula, changes a definition as a new version, retires and deletes;
an officer then fills the new indicators through the entry form and the indicator's
page and the analytics show them. Every write goes through the catalogue services."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.domain.access import Role
from fansipan.services.trust.audit import AuditQuery, search_events
from tests.support.accounts import Account
from tests.web.test_admin_people import sign_in

CATALOGUE = "/admin/catalogue"
A = "02683"
BASE = {"sector": "it_dx", "value_type": "integer", "agg_units": "sum", "agg_time": "sum",
        "direction": "up", "decimals": "0", "periodicity": "year", "levels": ["commune"],
        "unit_vi": "điểm", "unit_en": "points"}
RATE = "100 * CDS_WIFI_MIEN_PHI / CDS_WIFI"


def _beside(html: str, name: str) -> str:
    """The errors shown beside one form field."""
    return " ".join(re.findall(rf'<span class="field-error" id="err-{name}">([^<]*)</span>',
                               html))


def _add(web: TestClient, csrf: str, **fields: object) -> str:
    r = web.post(f"{CATALOGUE}/new", data={**BASE, **fields, "csrf_token": csrf},
                 follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    return r.headers["location"]


def test_an_administrator_adds_indicators_an_officer_fills_them(
        web: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    officer = make_account(Role.OFFICER, Role.LEADER, units=[A], units_as_of="2025-01-01")
    csrf = sign_in(web, admin.username)
    r = web.post(f"{CATALOGUE}/groups", data={"code": "wifi", "name_vi": "Wifi công cộng",
                                              "name_en": "Public wifi", "csrf_token": csrf})
    assert r.status_code == 200 and "Đã lưu nhóm chỉ tiêu wifi." in r.text
    r = web.post(f"{CATALOGUE}/sectors", data={"code": "it_dx", "name_vi": "Công nghệ thông "
                                               "tin và chuyển đổi số", "name_en": "IT and "
                                               "digital transformation", "sort": "3",
                                               "csrf_token": csrf})
    assert r.status_code == 200 and "Đã lưu lĩnh vực it_dx." in r.text
    [renamed] = search_events(session=session, principal=admin.principal,
                              query=AuditQuery(action="sector.edit", target="it_dx"))
    assert renamed.actor == admin.username and renamed.detail["old"]["name_vi"]
    form = {**BASE, "code": "CDS_WIFI", "name_vi": "Điểm wifi công cộng",
            "name_en": "Public wifi points", "group": "wifi"}
    refused = web.post(f"{CATALOGUE}/new", data=form)  # no CSRF token: nothing is added
    assert refused.status_code == 403
    assert web.get(f"{CATALOGUE}/CDS_WIFI.json").status_code == 404
    assert _add(web, csrf, **form) == f"{CATALOGUE}/CDS_WIFI?done=created"
    _add(web, csrf, code="CDS_WIFI_MIEN_PHI", name_vi="Điểm wifi miễn phí",
         name_en="Free wifi points", group="wifi")
    derived = {**BASE, "code": "CDS_TY_LE_WIFI", "name_vi": "Tỷ lệ điểm wifi miễn phí",
               "name_en": "Share of free wifi points", "value_type": "percent",
               "agg_units": "none", "agg_time": "none", "decimals": "1", "unit_vi": "%",
               "unit_en": "%", "formula": RATE, "preview_units": A, "preview_periods": "2024"}
    r = web.post(f"{CATALOGUE}/new", data={**derived, "action": "preview", "csrf_token": csrf})
    assert r.status_code == 200, r.text[:2000]
    assert 'id="preview-table"' in r.text and "CDS_WIFI_MIEN_PHI" in r.text
    assert web.get(f"{CATALOGUE}/CDS_TY_LE_WIFI.json").status_code == 404  # only previewed
    page = web.get(_add(web, csrf, **{k: v for k, v in derived.items()
                                      if not k.startswith("preview")}))
    assert "Đã thêm chỉ tiêu." in page.text and RATE in page.text
    shown = web.get(f"{CATALOGUE}/CDS_TY_LE_WIFI.json").json()["indicator"]
    assert shown["formula"] == RATE and shown["value_type"] == "percent"
    assert web.get(f"{CATALOGUE}/CDS_WIFI.json").json()["indicator"]["group"] == "wifi"

    clerk = TestClient(web.app)
    token = sign_in(clerk, officer.username)
    r = clerk.post("/entry", data={"unit": A, "period": "2024", "sector": "it_dx",
                                   "v:CDS_WIFI": "8", "v:CDS_WIFI_MIEN_PHI": "2",
                                   "csrf_token": token})
    assert r.status_code == 200, r.text[:2000]
    answer = web.post("/api/v1/analytics", headers=officer.headers, json={
        "indicators": ["CDS_TY_LE_WIFI"], "units": [A], "periods": ["2024"]}).json()
    assert [row[4] for row in answer["rows"]] == [25.0]
    page = clerk.get("/indicators/CDS_TY_LE_WIFI", params={"unit": A, "period": "2024"})
    assert page.status_code == 200 and "25,0" in page.text
    # The sector's page shows the new indicators with the officer's figures.
    sector = clerk.get("/sectors/it_dx", params={"period": "2024"})
    assert sector.status_code == 200
    for code, value in (("CDS_WIFI", "8"), ("CDS_WIFI_MIEN_PHI", "2"),
                        ("CDS_TY_LE_WIFI", "25,0")):
        tile = re.search(rf'data-code="{code}">(.*?)</a>', sector.text, re.S)
        assert tile and f'<span class="kpi-value">{value} ' in tile.group(1), code
        assert "2024" in tile.group(1), code
    assert "Tỷ lệ điểm wifi miễn phí" in sector.text
    figures = {row["indicator"]: row["value"] for row in clerk.get(
        "/sectors/it_dx.json", params={"period": "2024"}).json()["rows"]}
    assert (figures["CDS_WIFI"], figures["CDS_WIFI_MIEN_PHI"], figures["CDS_TY_LE_WIFI"]) == (
        8, 2, 25.0)
    # Each addition is in the audit log: the group and the three indicators.
    events = search_events(session=session, principal=admin.principal,
                           query=AuditQuery(action="indicator.create"))
    assert {e.target for e in events} >= {"CDS_WIFI", "CDS_WIFI_MIEN_PHI", "CDS_TY_LE_WIFI"}
    assert {e.actor for e in events if e.target.startswith("CDS_")} == {admin.username}
    [group] = search_events(session=session, principal=admin.principal,
                            query=AuditQuery(action="group.create", target="wifi"))
    assert group.actor == admin.username and group.detail["new"]["name_vi"] == "Wifi công cộng"

    # The same preview now shows the stored parts, in Vietnamese numbers.
    r = web.post(f"{CATALOGUE}/CDS_TY_LE_WIFI/edit", data={
        **derived, "action": "preview", "csrf_token": csrf})
    assert r.status_code == 200 and "<strong>25,0</strong>" in r.text
    listed = web.get(f"{CATALOGUE}.json", params={"q": "wifi mien phi"}).json()
    assert {row["code"]: row["derived"] for row in listed["rows"]} == {
        "CDS_WIFI_MIEN_PHI": False, "CDS_TY_LE_WIFI": True}


def test_a_definition_change_is_a_version_with_its_day_and_author(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(web, admin.username)
    form = web.get(f"{CATALOGUE}/CDS_TY_LE_HO_INTERNET/edit")
    assert form.status_code == 200
    assert 'value="Tỷ lệ hộ gia đình có kết nối Internet"' in form.text
    r = web.post(f"{CATALOGUE}/CDS_TY_LE_HO_INTERNET/edit", data={
        "name_vi": "Tỷ lệ hộ gia đình có Internet", "name_en": "Share of households online",
        "sector": "it_dx", "value_type": "percent", "kind": "rate", "agg_units": "none",
        "agg_time": "none", "direction": "up", "decimals": "1", "periodicity": "year",
        "levels": ["commune", "district", "province"], "min_value": "0", "max_value": "100",
        "formula": "100 * CDS_HO_CO_INTERNET / CDS_TONG_HO_GD", "unit_vi": "%",
        "unit_en": "%", "effective_from": "2025-01-01", "note": "Tên ngắn hơn",
        "source_vi": "Sở Khoa học và Công nghệ; Cục Thống kê",
        "source_en": "Department of Science and Technology; National Statistics Office",
        "description_vi": "Tỷ lệ phần trăm hộ gia đình có kết nối Internet trên tổng số hộ "
                          "gia đình.",
        "description_en": "Percentage of households that have an internet connection.",
        "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303, r.text[:2000]
    twin = web.get(f"{CATALOGUE}/CDS_TY_LE_HO_INTERNET/edit.json").json()
    assert twin["form"]["name_vi"] == "Tỷ lệ hộ gia đình có Internet"
    assert twin["indicator"]["code"] == "CDS_TY_LE_HO_INTERNET"
    assert "province" in twin["form"]["levels"]
    versions = web.get(f"{CATALOGUE}/CDS_TY_LE_HO_INTERNET.json").json()["versions"]
    assert versions[0]["effective_from"] == "2025-01-01"
    assert versions[0]["actor"] == admin.username and versions[0]["note"] == "Tên ngắn hơn"
    assert {c["field"] for c in versions[0]["changes"]} == {"name_vi", "name_en"}
    page = web.get(f"{CATALOGUE}/CDS_TY_LE_HO_INTERNET").text
    assert "Tỷ lệ hộ gia đình có kết nối Internet → Tỷ lệ hộ gia đình có Internet" in page
    assert "01/01/2025" in page and "Tên ngắn hơn" in page


def test_a_bad_formula_is_refused_beside_it_naming_the_part(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(web, admin.username)
    new = {**BASE, "code": "CDS_HAI_LAN", "name_vi": "Gấp đôi", "name_en": "Twice",
           "csrf_token": csrf}
    r = web.post(f"{CATALOGUE}/new", data={**new, "formula": "2 * CDS_HO_CO_INTERNETT"})
    assert r.status_code == 422
    assert "CDS_HO_CO_INTERNETT" in _beside(r.text, "formula")
    assert "CDS_HO_CO_INTERNET" in _beside(r.text, "formula")  # the suggestion
    r = web.post(f"{CATALOGUE}/new", data={**new, "formula": "2 * (CDS_HO_CO_INTERNET",
                                           "action": "preview", "preview_units": A,
                                           "preview_periods": "2024"})
    assert r.status_code == 422 and _beside(r.text, "formula")
    assert 'id="preview-table"' not in r.text
    assert web.get(f"{CATALOGUE}/CDS_HAI_LAN.json").status_code == 404
    r = web.post(f"{CATALOGUE}/new", data={**new, "code": "cds thu", "min_value": "mười"})
    assert r.status_code == 422 and _beside(r.text, "min_value")
    r = web.post(f"{CATALOGUE}/new", data={**new, "code": "cds thu", "decimals": "9"})
    assert r.status_code == 422 and _beside(r.text, "code") and _beside(r.text, "decimals")
    r = web.post(f"{CATALOGUE}/new", data={**new, "code": "CDS_DAN_SO"})
    assert r.status_code == 409 and "CDS_DAN_SO" in _beside(r.text, "code")
    assert web.get(f"{CATALOGUE}/CDS_DAN_SO.json").json()["indicator"]["name_vi"] == "Dân số"
    # A cycle: CDS_HAI_LAN is made from the rate, then the rate from CDS_HAI_LAN.
    _add(web, csrf, **{k: v for k, v in new.items() if k != "csrf_token"},
         formula="2 * CDS_TY_LE_HO_INTERNET")
    before = web.get(f"{CATALOGUE}/CDS_TY_LE_HO_INTERNET.json").json()["indicator"]
    edit = web.get(f"{CATALOGUE}/CDS_TY_LE_HO_INTERNET/edit").text
    fields = dict(re.findall(r'name="([a-z_]+)" maxlength="\d+" value="([^"]*)"', edit))
    r = web.post(f"{CATALOGUE}/CDS_TY_LE_HO_INTERNET/edit", data={
        **fields, "sector": "it_dx", "value_type": "percent", "agg_units": "none",
        "agg_time": "none", "direction": "up", "periodicity": "year", "decimals": "1",
        "formula": "CDS_HAI_LAN / 2", "csrf_token": csrf}, params={"lang": "en"})
    assert r.status_code == 422, r.text[:2000]
    said = _beside(r.text, "formula")
    assert "cycle" in said and "CDS_HAI_LAN" in said and "CDS_TY_LE_HO_INTERNET" in said
    r = web.post(f"{CATALOGUE}/CDS_TY_LE_HO_INTERNET/edit", data={
        **fields, "sector": "it_dx", "value_type": "percent", "agg_units": "none",
        "agg_time": "none", "direction": "up", "periodicity": "year", "decimals": "1",
        "formula": "CDS_HAI_LAN / 2", "csrf_token": csrf})
    assert "vòng lặp" in _beside(r.text, "formula")
    after = web.get(f"{CATALOGUE}/CDS_TY_LE_HO_INTERNET.json").json()
    assert after["indicator"] == before and len(after["versions"]) == 1


def test_retiring_needs_a_reason_and_an_indicator_with_data_is_not_deleted(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(web, admin.username)
    page = f"{CATALOGUE}/CDS_HO_CO_INTERNET"
    r = web.post(page, data={"action": "delete", "csrf_token": csrf})
    assert r.status_code == 409 and "hãy ngừng sử dụng" in r.text
    assert web.get(f"{page}.json").status_code == 200
    r = web.post(page, data={"action": "retire", "retired_from": "2030-01-01",
                             "csrf_token": csrf})
    assert r.status_code == 422 and 'id="indicator-status"' in r.text
    assert web.get(f"{page}.json").json()["indicator"]["retired_from"] is None
    r = web.post(page, data={"action": "retire", "retired_from": "2030-01-01",
                             "note": "Thay bằng chỉ tiêu mới", "csrf_token": csrf})
    assert r.status_code == 200 and "01/01/2030" in r.text
    assert web.get(f"{page}.json").json()["indicator"]["retired_from"] == "2030-01-01"
    r = web.post(page, data={"action": "restore", "csrf_token": csrf})
    assert web.get(f"{page}.json").json()["indicator"]["retired_from"] is None
    _add(web, csrf, code="CDS_TAM", name_vi="Tạm", name_en="Temporary")
    r = web.post(f"{CATALOGUE}/CDS_TAM", data={"action": "delete", "csrf_token": csrf})
    assert r.status_code == 200 and "Đã xóa chỉ tiêu CDS_TAM." in r.text
    assert web.get(f"{CATALOGUE}/CDS_TAM.json").status_code == 404


def test_the_list_finds_words_without_accents_and_filters_by_sector(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    sign_in(web, admin.username)
    page = web.get(CATALOGUE, params={"q": "dan so"})
    assert page.status_code == 200 and "CDS_DAN_SO" in page.text
    assert "Danh mục chỉ tiêu" in page.text and 'href="/admin/catalogue"' in page.text
    rows = web.get(f"{CATALOGUE}.json", params={"q": "dân số"}).json()["rows"]
    assert "CDS_DAN_SO" in {r["code"] for r in rows}
    telecom = web.get(f"{CATALOGUE}.json", params={"sector": "telecom"}).json()["rows"]
    assert telecom and {r["sector"] for r in telecom} == {"Viễn thông"}
    assert "CDS_DAN_SO" not in {r["code"] for r in telecom}
    assert web.get(f"{CATALOGUE}.csv").status_code == 200


def test_only_administrators_manage_the_catalogue(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    leader = make_account(Role.LEADER, Role.OFFICER, Role.APPROVER)
    csrf = sign_in(web, leader.username)
    for path in (CATALOGUE, f"{CATALOGUE}.json", f"{CATALOGUE}/new",
                 f"{CATALOGUE}/CDS_DAN_SO", f"{CATALOGUE}/CDS_DAN_SO.json",
                 f"{CATALOGUE}/CDS_DAN_SO/edit", f"{CATALOGUE}/CDS_DAN_SO/edit.json"):
        assert web.get(path).status_code == 403, path
    r = web.post(f"{CATALOGUE}/new", data={**BASE, "code": "CDS_X", "name_vi": "x",
                                           "name_en": "x", "csrf_token": csrf})
    assert r.status_code == 403
    r = web.post(f"{CATALOGUE}/CDS_DAN_SO", data={"action": "delete", "csrf_token": csrf})
    assert r.status_code == 403
    r = web.post(f"{CATALOGUE}/sectors", data={"code": "x", "name_vi": "x", "name_en": "x",
                                               "csrf_token": csrf})
    assert r.status_code == 403
    assert 'href="/admin/catalogue"' not in web.get("/").text


def test_the_reporting_regime_and_its_due_day_are_set_on_the_indicators_page(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(web, admin.username)
    page = f"{CATALOGUE}/CDS_HO_CO_INTERNET"
    assert "Chưa có chế độ báo cáo" in web.get(page).text
    r = web.post(page, data={"action": "regime", "due": "day_of_month", "day": "",
                             "month_offset": "1", "csrf_token": csrf})
    assert r.status_code == 422 and "ngày" in r.text
    assert web.get("/api/v1/regimes").json() == []
    r = web.post(page, data={"action": "regime", "due": "day_of_month", "day": "5",
                             "month_offset": "1", "regime_from": "2025-01-01",
                             "csrf_token": csrf})
    assert r.status_code == 200 and "Đã lưu chế độ báo cáo." in r.text
    assert "hạn ngày 5" in r.text
    regime = web.get("/api/v1/regimes").json()[0]
    assert (regime["indicator"], regime["due"], regime["day"], regime["month_offset"]) == (
        "CDS_HO_CO_INTERNET", "day_of_month", 5, 1)
    assert regime["effective_from"] == "2025-01-01"
    assert 'id="regime-form"' not in web.get(f"{CATALOGUE}/CDS_TY_LE_HO_INTERNET").text
