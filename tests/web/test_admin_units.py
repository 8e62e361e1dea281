"""The units pages: an administrator lists, adds and edits units and agencies, and loads a
reorganisation from the web after its dry run, each through the warehouse services."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.data import reference as ref
from fansipan.domain.access import Role
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.trust.audit import AuditQuery, search_events
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.settings import Settings
from fansipan.store.tables import UnitRow, UnitSuccessionRow
from tests.support.accounts import Account
from tests.web.test_admin_people import sign_in

UNITS = "/admin/units"
REORGANISE = "/admin/units/reorganise"
BAT_XAT, A_MU_SUNG = "02683", "02686"  # two communes of the new Lào Cai (from 2025-07-01)
RECEIVED = "CNTT_HO_SO_TIEP_NHAN"
MERGER = {
    "effective": "2026-07-01", "act": "Nghị quyết thử (minh họa)",
    "units": [{"code": BAT_XAT, "name_vi": "Xã Bát Xát", "name_en": "Bat Xat commune",
               "level": "commune", "parent_code": "15"}],
    "successions": [{"old_code": BAT_XAT, "new_code": BAT_XAT},
                    {"old_code": A_MU_SUNG, "new_code": BAT_XAT}],
}


def counts(session: Session) -> tuple[int, int]:
    with session.begin():
        return (session.scalar(select(func.count()).select_from(UnitRow)) or 0,
                session.scalar(select(func.count()).select_from(UnitSuccessionRow)) or 0)


def upload(web: TestClient, csrf: str, body: bytes | str, name: str = "plan.json",
           **params: str) -> object:
    data = body.encode() if isinstance(body, str) else body
    return web.post(REORGANISE, data={"csrf_token": csrf}, params=params,
                    files={"file": (name, data, "application/json")})


def test_the_list_finds_units_without_accents_filters_them_and_has_a_json_twin(
        client: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    sign_in(client, admin.username)
    r = client.get(UNITS, params={"q": "bat xat"})
    assert r.status_code == 200, r.text[:300]
    assert "Xã Bát Xát" in r.text and "Huyện Bát Xát" in r.text
    assert "Sa Pa" not in r.text
    listed = client.get(f"{UNITS}.json", params={"q": "bat xat"}).json()
    rows = {(row["code"], row["status"]) for row in listed["rows"]}
    assert ("082", "đã kết thúc") in rows and (BAT_XAT, "còn hiệu lực") in rows
    assert all("bat xat" in row["name"].lower().replace("á", "a") for row in listed["rows"])
    ended = client.get(f"{UNITS}.json", params={"level": "district", "status": "ended"}).json()
    assert ended["rows"] and {row["code"] for row in ended["rows"]} >= {"082", "080"}
    current = client.get(f"{UNITS}.json", params={"level": "district",
                                                  "status": "current"}).json()
    assert current["rows"] == []  # districts were abolished on 1 July 2025
    r = client.get(UNITS, params={"level": "hamlet"})
    assert r.status_code == 422 and "level" in r.text


def test_an_administrator_adds_and_edits_an_agency_from_the_web(
        client: TestClient, make_account: Callable[..., Account], session: Session) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(client, admin.username)
    form = {"level": "agency", "code": "bql-kkt", "name_vi": "Ban Quản lý Khu kinh tế",
            "name_en": "Economic Zone Authority", "parent": "15", "valid_from": "2025-07-01"}
    assert client.post(f"{UNITS}/new", data=form).status_code == 403  # no CSRF token
    assert "bql-kkt" not in client.get(UNITS).text
    r = client.post(f"{UNITS}/new", data={**form, "csrf_token": csrf})
    assert r.status_code == 200, r.text[:500]
    assert "Đã thêm đơn vị bql-kkt (Ban Quản lý Khu kinh tế)." in r.text
    [row] = client.get(f"{UNITS}.json", params={"q": "bql"}).json()["rows"]
    assert (row["parent"], row["valid_from"], row["valid_to"]) == ("15", "2025-07-01", None)
    edit = f"{UNITS}/{row['uid']}/edit"
    assert "Ban Quản lý Khu kinh tế" in client.get(edit).text
    r = client.post(edit, data={"name_vi": "Ban Quản lý Khu kinh tế tỉnh Lào Cai",
                                "name_en": "Economic Zone Authority", "valid_to": "2026-12-31",
                                "csrf_token": csrf}, params={"lang": "en"})
    assert r.status_code == 200, r.text[:500]
    assert "Saved the unit bql-kkt (Ban Quản lý Khu kinh tế tỉnh Lào Cai)." in r.text
    assert "31/12/2026" in r.text
    events = search_events(session=session, principal=admin.principal,
                           query=AuditQuery(target="bql-kkt"))
    assert [e.action for e in events] == ["unit.edit", "unit.create"]  # newest first


def test_a_bad_unit_names_its_field_and_saves_nothing(
        client: TestClient, make_account: Callable[..., Account], session: Session) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(client, admin.username)
    before = counts(session)
    r = client.post(f"{UNITS}/new", data={"level": "agency", "code": "Ban KKT",
                                          "name_vi": "Ban KKT", "csrf_token": csrf})
    assert r.status_code == 422 and "so-y-te" in r.text and 'value="Ban KKT"' in r.text
    r = client.post(f"{UNITS}/new", data={"level": "agency", "code": "ban-kkt", "name_vi": "",
                                          "csrf_token": csrf}, params={"lang": "en"})
    assert r.status_code == 422 and "this field is required" in r.text
    r = client.post(f"{UNITS}/new", data={"level": "agency", "code": "ban-kkt",
                                          "name_vi": "Ban KKT", "parent": "99999",
                                          "csrf_token": csrf})
    assert r.status_code == 404 and "99999" in r.text
    r = client.post(f"{UNITS}/new", data={"level": "commune", "code": BAT_XAT,
                                          "name_vi": "Xã Bát Xát", "parent": "15",
                                          "valid_from": "2026-01-01", "csrf_token": csrf})
    assert r.status_code == 409 and "02683" in r.text
    uid = client.get(f"{UNITS}.json", params={"q": BAT_XAT, "status": "current"}).json()[
        "rows"][0]["uid"]
    r = client.post(f"{UNITS}/{uid}/edit", data={"name_vi": "Xã Bát Xát", "valid_to": "2020-01-01",
                                                "csrf_token": csrf})
    assert r.status_code == 422
    # The day it starts, which the end cannot precede.
    assert "01/07/2025" in r.text[r.text.index('class="errors"'):]
    assert counts(session) == before


def test_a_reorganisation_dry_run_changes_nothing_then_apply_maps_history(
        client: TestClient, make_account: Callable[..., Account], session: Session) -> None:
    write_values(session=session, actor="tester", source="test", items=[
        DataValueWrite(indicator=RECEIVED, unit=BAT_XAT, period="2026-03", value=30),
        DataValueWrite(indicator=RECEIVED, unit=A_MU_SUNG, period="2026-03", value=12),
        DataValueWrite(indicator=RECEIVED, unit=A_MU_SUNG, period="2026", value=150)])
    admin = make_account(Role.ADMIN)
    csrf = sign_in(client, admin.username)
    before = counts(session)
    r = upload(client, csrf, json.dumps(MERGER))
    assert r.status_code == 200, r.text[:800]
    assert counts(session) == before  # a dry run changes nothing
    assert "Chạy thử: không có gì bị thay đổi" in r.text
    spanning = re.search(r'id="spanning-table".*?</table>', r.text, re.S)
    assert spanning and RECEIVED in spanning.group(0) and "2026" in spanning.group(0)
    mapped = re.search(r'id="mapped-table".*?</table>', r.text, re.S)
    assert mapped and "Xã A Mú Sung" in mapped.group(0) and BAT_XAT in mapped.group(0)
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', r.text)
    assert digest
    assert client.post(f"{REORGANISE}/apply", data={"digest": digest.group(1)}).status_code \
        == 403  # no CSRF token: nothing is loaded
    assert counts(session) == before
    r = client.post(f"{REORGANISE}/apply", data={"digest": digest.group(1),
                                                  "csrf_token": csrf})
    assert r.status_code == 200, r.text[:800]
    assert "01/07/2026" in r.text and 'id="reorganise-apply"' not in r.text
    assert counts(session) == (before[0] + 1, before[1] + 2)
    after = date(2026, 8, 1)
    got = run_analytics(session=session, warehouse=Warehouse(), request=AnalyticsRequest(
        indicators=[RECEIVED], units=[BAT_XAT], periods=["2026-03"], hierarchy="mapped",
        as_of=after)).values()
    assert got[(RECEIVED, BAT_XAT, "2026-03")] == 42  # as the 2025 reform maps history
    again = client.post(f"{REORGANISE}/apply", data={"digest": digest.group(1),
                                                      "csrf_token": csrf})
    assert again.status_code == 422 and "tải tệp lên lại" in again.text  # loaded once
    ended = client.get(f"{UNITS}.json", params={"q": A_MU_SUNG}).json()["rows"]
    assert "2026-06-30" in [row["valid_to"] for row in ended if row["code"] == A_MU_SUNG]
    [event] = search_events(session=session, principal=admin.principal,
                            query=AuditQuery(action="units.reorganise"))
    assert event.detail["created"] == 1


def test_apply_loads_only_the_file_the_dry_run_checked(
        client: TestClient, make_account: Callable[..., Account], session: Session,
        settings: Settings) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(client, admin.username)
    before = counts(session)
    r = upload(client, csrf, json.dumps(MERGER))
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', r.text)
    assert digest
    [kept] = (settings.data_dir / "spool" / "reorganisations").glob(f"*/{digest.group(1)}.json")
    other = {**MERGER, "successions": [{"old_code": A_MU_SUNG, "new_code": BAT_XAT}]}
    kept.write_text(json.dumps(other), encoding="utf-8")  # changed after its dry run
    r = client.post(f"{REORGANISE}/apply", data={"digest": digest.group(1),
                                                  "csrf_token": csrf})
    assert r.status_code == 422 and "tải tệp lên lại" in r.text
    assert counts(session) == before


def test_only_the_administrator_who_ran_the_dry_run_applies_it(
        client: TestClient, make_account: Callable[..., Account], session: Session) -> None:
    first, second = make_account(Role.ADMIN), make_account(Role.ADMIN)
    csrf = sign_in(client, first.username)
    before = counts(session)
    r = upload(client, csrf, json.dumps(MERGER), "sap-xep.json")
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', r.text)
    assert digest
    twin = client.get(f"{REORGANISE}/{digest.group(1)}.json")
    assert twin.status_code == 200, twin.text[:500]
    shown = twin.json()
    assert (shown["file_name"], shown["report"]["dry_run"]) == ("sap-xep.json", True)
    assert shown["report"]["created_count"] == 1 and shown["plan"]["effective"] == "2026-07-01"
    assert {m["old_code"] for m in shown["report"]["mapped"]} >= {A_MU_SUNG}
    other = TestClient(client.app)
    token = sign_in(other, second.username)
    r = other.post(f"{REORGANISE}/apply", data={"digest": digest.group(1), "csrf_token": token})
    assert r.status_code == 403
    assert "Chỉ quản trị viên đã chạy thử tệp này mới áp dụng được" in r.text
    assert "Không có gì bị thay đổi" in r.text
    r = other.post(f"{REORGANISE}/apply", data={"digest": digest.group(1), "csrf_token": token},
                   params={"lang": "en"})
    assert r.status_code == 403 and "Only the administrator who ran this file dry" in r.text
    assert other.get(f"{REORGANISE}/{digest.group(1)}.json").status_code == 403
    assert counts(session) == before  # nothing changed
    refused = search_events(session=session, principal=first.principal, query=AuditQuery(
        action="authz.denied", actor=second.username))
    assert f"POST {REORGANISE}/apply" in {e.target for e in refused}
    r = client.post(f"{REORGANISE}/apply", data={"digest": digest.group(1), "csrf_token": csrf})
    assert r.status_code == 200 and counts(session) == (before[0] + 1, before[1] + 2)
    assert client.get(f"{REORGANISE}/{digest.group(1)}.json").status_code == 422  # applied


def test_the_edit_page_has_a_json_twin(
        client: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    sign_in(client, admin.username)
    uid = client.get(f"{UNITS}.json", params={"q": BAT_XAT, "status": "current"}).json()[
        "rows"][0]["uid"]
    page = client.get(f"{UNITS}/{uid}/edit")
    assert f'href="{UNITS}/{uid}/edit.json"' in page.text
    twin = client.get(f"{UNITS}/{uid}/edit.json")
    assert twin.status_code == 200 and twin.headers["cache-control"] == "no-store"
    unit = twin.json()["unit"]
    assert (unit["uid"], unit["code"], unit["name"]) == (uid, BAT_XAT, "Xã Bát Xát")
    assert unit["valid_from"] == "2025-07-01" and unit["ancestors"]
    assert client.get(f"{UNITS}/99999/edit.json").status_code == 404


def test_the_2025_reform_file_runs_dry_on_the_page(
        client: TestClient, make_account: Callable[..., Account], session: Session) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(client, admin.username)
    before = counts(session)
    r = upload(client, csrf, json.dumps(ref.read_reorganisation()),
               "reorganisation_2025-07-01.json")
    assert r.status_code == 200, r.text[:800]
    facts = re.search(r'id="report-facts".*?</dl>', r.text, re.S)
    assert facts and "01/07/2025" in facts.group(0)
    assert re.search(r'id="n-created">0 <small class="muted">\(100 ', r.text)
    assert counts(session) == before


def test_a_bad_file_is_refused_naming_the_row_and_nothing_changes(
        client: TestClient, make_account: Callable[..., Account], session: Session) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(client, admin.username)
    before = counts(session)
    bad = {**MERGER, "successions": [{"old_code": BAT_XAT, "new_code": BAT_XAT},
                                     {"old_code": "99999", "new_code": BAT_XAT}]}
    r = upload(client, csrf, json.dumps(bad), lang="en")
    assert r.status_code == 422
    errors = r.text[r.text.index('class="errors"'):]
    assert "Row 2" in errors and "99999" in errors and 'name="digest"' not in r.text
    shape = {**MERGER, "successions": [{"old_code": BAT_XAT}]}
    r = upload(client, csrf, json.dumps(shape), lang="en")
    assert r.status_code == 422 and "Row 1" in r.text and "this field is required" in r.text
    r = upload(client, csrf, '{"effective": "2026-07-01",\n "units": [,]}', lang="en")
    assert r.status_code == 422 and "Row 2" in r.text and "column" in r.text
    r = client.post(f"{REORGANISE}/apply", data={"digest": "../../etc/passwd",
                                                  "csrf_token": csrf})
    assert r.status_code == 422 and 'name="digest"' not in r.text
    assert counts(session) == before


def test_non_administrators_are_refused_every_units_page(
        client: TestClient, make_account: Callable[..., Account]) -> None:
    leader = make_account(Role.LEADER)
    csrf = sign_in(client, leader.username)
    for path in (UNITS, f"{UNITS}.json", f"{UNITS}/new", REORGANISE, f"{UNITS}/15/edit.json",
                 f"{REORGANISE}/{'0' * 64}.json"):
        assert client.get(path).status_code == 403, path
    r = client.post(f"{UNITS}/new", data={"level": "agency", "code": "x-y", "name_vi": "X",
                                          "csrf_token": csrf})
    assert r.status_code == 403
    assert upload(client, csrf, json.dumps(MERGER)).status_code == 403
    assert "/admin/units" not in client.get("/").text
