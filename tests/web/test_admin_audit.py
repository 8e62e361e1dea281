"""The audit log's page: search by person, object and days, pages newest first, the values
a data write changed (old and new), and downloads that are safe to open and audited."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fansipan.domain.access import Role
from fansipan.services.trust.audit import AuditQuery, search_events
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from tests.support.accounts import Account
from tests.web.vietnamese import english_words, visible_text

AUDIT = "/admin/audit"


def _ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<a href="/admin/audit/(\d+)">', html)]


def test_a_data_write_shows_who_changed_which_value_from_what_to_what(
        web: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    officer = make_account(Role.OFFICER)
    write_values(session=session, principal=officer.principal, source="api", items=[
        DataValueWrite(indicator="VT_TRAM_5G", unit="02683", period="2024-03", value=7),
        DataValueWrite(indicator="VT_TRAM_5G", unit="02686", period="2024-03", value=1234)])
    r = web.get(AUDIT, headers=admin.headers, params={"actor": officer.username,
                                                     "action": "data."})
    assert r.status_code == 200
    [event_id] = _ids(r.text)
    page = web.get(f"{AUDIT}/{event_id}", headers=admin.headers)
    assert "Số liệu thay đổi: 2" in page.text
    rows = re.findall(r"<tr><th scope=\"row\">\d+</th>(.*?)</tr>", page.text)
    assert len(rows) == 2
    assert "02683" in rows[0] and ">2<" in rows[0] and ">7<" in rows[0]  # 2 → 7
    assert "1.234" in rows[1] and "sửa" in rows[1]
    assert not english_words(visible_text(page.text))
    twin = web.get(f"{AUDIT}/{event_id}.json", headers=admin.headers).json()
    assert twin["event"]["actor"] == officer.username and twin["changes_total"] == 2
    assert [(c["old_value"], c["new_value"]) for c in twin["changes"]] == [(2, 7), (2, 1234)]
    # An administrator scoped to Lào Cai city sees the write counted, not its values.
    scoped = make_account(Role.ADMIN, units=["080"], units_as_of="2024-01-01")
    twin = web.get(f"{AUDIT}/{event_id}.json", headers=scoped.headers).json()
    assert twin["changes_total"] == 2 and twin["changes_hidden"] == 2 and twin["changes"] == []


def test_the_search_filters_by_person_object_kind_and_days_and_pages_back(
        web: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    for n in range(60):  # 60 refused sign-ins, newest last
        web.post("/login", data={"username": f"ai.do.{n:02d}", "password": "x"})
    r = web.get(AUDIT, headers=admin.headers, params={"action": "auth."})
    first = _ids(r.text)
    assert len(first) == 50 and first == sorted(first, reverse=True)
    older = re.search(r'href="/admin/audit\?([^"]+)" rel="next"', r.text)
    assert older
    r = web.get(f"{AUDIT}?{older.group(1).replace('&amp;', '&')}", headers=admin.headers)
    second = _ids(r.text)
    assert second and max(second) < min(first)
    everything = search_events(session=session, principal=admin.principal,
                               query=AuditQuery(action="auth.", limit=1000))
    assert first + second == [e.id for e in everything]
    r = web.get(AUDIT, headers=admin.headers, params={"target": "ai.do.07"})
    assert len(_ids(r.text)) == 1 and "ai.do.07" in r.text
    r = web.get(AUDIT, headers=admin.headers, params={"since": "2000-01-01",
                                                     "until": "2000-12-31"})
    assert _ids(r.text) == [] and "Không có sự kiện nào" in r.text
    r = web.get(AUDIT, headers=admin.headers, params={"since": "01/12/2030",
                                                     "until": "30/11/2030"})
    assert r.status_code == 422 and "sau ngày bắt đầu" in r.text
    r = web.get(AUDIT, headers=admin.headers, params={"since": "31/02/2024"})
    assert r.status_code == 422 and "dd/mm/yyyy" in r.text


def test_downloads_are_inert_and_are_themselves_audited(
        web: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    web.post("/login", data={"username": "=HYPERLINK(\"http://x\")", "password": "x"})
    params = {"action": "auth."}
    r = web.get(f"{AUDIT}.csv", headers=admin.headers, params=params)
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Sự kiện", "Thời điểm", "Người thực hiện"]
    [row] = [x for x in rows[1:] if "HYPERLINK" in x[5]]
    assert row[5].startswith("'=")  # text, never a live formula
    book = load_workbook(io.BytesIO(web.get(f"{AUDIT}.xlsx", headers=admin.headers,
                                            params=params).content))
    cells = [row[5] for row in book.worksheets[0].iter_rows(min_row=2)
             if "HYPERLINK" in str(row[5].value)]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not [c for s in book.worksheets for row in s.iter_rows() for c in row
                if c.data_type == "f"]
    twin = web.get(f"{AUDIT}.json", headers=admin.headers, params=params).json()
    assert len(twin["rows"]) == len(rows) - 1
    exports = search_events(session=session, principal=admin.principal,
                            query=AuditQuery(action="export", actor=admin.username))
    assert len(exports) == 3
    assert {e.detail["rows"] for e in exports} == {len(rows) - 1}
    assert exports[0].detail["filters"] == {"action": "auth."}


def test_only_administrators_read_the_audit_log(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    for role in (Role.LEADER, Role.OFFICER, Role.APPROVER, Role.INTEGRATOR):
        account = make_account(role)
        for path in (AUDIT, f"{AUDIT}.csv", f"{AUDIT}/1", f"{AUDIT}/1.json"):
            r = web.get(path, headers=account.headers)
            assert r.status_code == 403, (role, path)
            assert "auth.login" not in r.text and "data.write" not in r.text
