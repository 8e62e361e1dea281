"""Forms on the web: sign-in with the CSRF cookie, data entry, imports, targets."""

from __future__ import annotations

import io
from collections.abc import Callable

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from fansipan.domain.access import Role
from tests.support.accounts import PASSWORD, Account

ENTRY = {"unit": "02683", "period": "2024-04", "sector": "telecom"}


def _sign_in(web: TestClient, account: Account) -> str:
    r = web.post("/login", data={"username": account.username, "password": PASSWORD},
                 follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    token = web.cookies.get("fansipan_csrf")
    assert token and web.cookies.get("fansipan_session")
    return token


def test_a_form_without_the_csrf_token_is_refused(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    officer = make_account(Role.OFFICER)
    token = _sign_in(web, officer)
    refused = web.post("/entry", data={**ENTRY, "v:VT_TRAM_5G": "3"})
    assert refused.status_code == 403 and "csrf_token" in refused.text
    saved = web.post("/entry", data={**ENTRY, "v:VT_TRAM_5G": "3", "csrf_token": token})
    assert saved.status_code == 200 and 'id="entry-status"' in saved.text
    assert 'value="3"' in web.get("/entry", params=ENTRY).text


def test_entry_errors_stand_beside_their_field_in_the_pages_language(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    officer = make_account(Role.OFFICER)
    token = _sign_in(web, officer)
    r = web.post("/entry", data={**ENTRY, "v:VT_TRAM_5G": "nhiều", "csrf_token": token})
    assert r.status_code == 422
    assert 'id="err-VT_TRAM_5G"' in r.text and "không phải là số" in r.text
    assert 'value="nhiều"' in r.text  # what was typed stays in the field
    web.get("/lang/en")
    r = web.post("/entry", data={**ENTRY, "v:VT_TRAM_5G": "-4", "csrf_token": token})
    assert r.status_code == 422 and 'id="err-VT_TRAM_5G"' in r.text


def test_only_officers_enter_data(web: TestClient,
                                  make_account: Callable[..., Account]) -> None:
    assert web.get("/entry").status_code == 401
    leader = make_account(Role.LEADER)
    assert web.get("/entry", headers=leader.headers).status_code == 403
    assert web.get("/imports", headers=leader.headers).status_code == 403


def test_a_bad_file_lists_each_rejected_line(web: TestClient,
                                             make_account: Callable[..., Account]) -> None:
    officer = make_account(Role.OFFICER)
    body = (b"indicator,unit,period,value\n"
            b"VT_TRAM_5G,02683,2024-05,2\n"
            b"\n"
            b"VT_TRAM_5X,02683,2024-05,2\n"
            b"VT_TRAM_5G,02683,2024-05,abc\n")
    r = web.post("/imports", headers=officer.headers,
                 files={"file": ("so-lieu.csv", body, "text/csv")})
    assert r.status_code == 422
    assert "<td class=\"num\">4</td>" in r.text and "<td class=\"num\">5</td>" in r.text
    good = web.post("/imports", headers=officer.headers, files={
        "file": ("ok.csv", b"indicator,unit,period,value\nVT_TRAM_5G,02683,2024-05,2\n",
                 "text/csv")})
    assert good.status_code == 200 and "1 mới" in good.text, good.text[-2000:]
    assert web.post("/imports", headers=officer.headers, files={
        "file": ("x.pdf", b"%PDF", "application/pdf")}).status_code == 422
    template = web.get("/imports/template.xlsx", headers=officer.headers,
                       params={"sector": "telecom", "unit": "082", "period": "2024-04"})
    assert template.status_code == 200, template.text[:300]
    book = load_workbook(io.BytesIO(template.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert any("02683" in [str(c) for c in row] for row in rows)
    assert web.get("/imports/template.xlsx", headers=officer.headers).status_code == 422


def test_officers_set_targets_with_their_document(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    officer = make_account(Role.OFFICER)
    r = web.post("/targets", headers=officer.headers, data={
        "indicator": "CDS_TY_LE_HO_INTERNET", "unit": "10", "period": "2024",
        "planned": "60,5", "document": "Quyết định 1/QĐ-UBND (thử)"})
    assert r.status_code == 200 and "Quyết định 1/QĐ-UBND (thử)" in r.text
    bad = web.post("/targets", headers=officer.headers, data={
        "indicator": "CDS_TY_LE_HO_INTERNET", "unit": "10", "period": "2024Q9",
        "planned": "x"})
    assert bad.status_code == 422 and 'class="errors"' in bad.text
