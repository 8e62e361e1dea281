"""What the staff's pages write where a person reads: periods by their names ("Tháng 3/2024",
never "2024-03"), a share as every page writes one ("25 %"), and every date field a text
field written dd/mm/yyyy that the server reads back, or refuses naming the field and the fix."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fansipan.domain.access import Role
from tests.support.accounts import Account
from tests.web.test_forms import _sign_in
from tests.web.vietnamese import visible_text

PERIOD_CODE = re.compile(r"\b20\d\d-\d\d\b")
TEMPLATES = Path(__file__).parents[2] / "src" / "fansipan" / "web" / "templates"


class _Fields(HTMLParser):
    """The values the fields of a page show (a text field's value is read, like its label)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inputs: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "input" and values.get("type", "text") not in ("hidden", "submit", "file",
                                                                  "checkbox", "radio"):
            self.inputs[values.get("id") or values.get("name", "")] = values


def fields_of(html: str) -> dict[str, dict[str, str]]:
    reader = _Fields()
    reader.feed(html)
    return reader.inputs


def read_text(html: str) -> str:
    """The page as a person reads it: its text and what its fields show."""
    shown = " ".join(f.get("value", "") for f in fields_of(html).values())
    return f"{visible_text(html)} {shown}"


@pytest.fixture
def leader_officer(make_account: Callable[..., Account]) -> Account:
    return make_account(Role.LEADER, Role.OFFICER, username="lanh.dao.nhap.lieu")


def test_entry_and_imports_name_the_period_and_read_the_name_back(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    officer = make_account(Role.OFFICER)
    _sign_in(web, officer)
    for path, params in (("/entry", {"unit": "02647", "period": "2024-03",
                                     "sector": "telecom"}),
                         ("/imports", {})):
        page = web.get(path, params={**params, "lang": "vi"})
        assert page.status_code == 200, page.text[:300]
        text = read_text(page.text)
        assert not PERIOD_CODE.findall(text), (path, PERIOD_CODE.findall(text))
    entry = web.get("/entry", params={"unit": "02647", "period": "2024-03",
                                      "sector": "telecom"})
    assert fields_of(entry.text)["e-period"]["value"] == "Tháng 3/2024"
    assert 'name="period" value="2024-03"' in entry.text  # the form's machine value
    english = web.get("/entry", params={"unit": "02647", "period": "2024-03",
                                        "sector": "telecom", "lang": "en"})
    assert fields_of(english.text)["e-period"]["value"] == "March 2024"
    shown = fields_of(web.get("/imports").text)["tpl-period"]["value"]
    assert not PERIOD_CODE.search(shown) and shown.startswith(("Tháng", "Quý", "Năm"))
    # The template's name, as the picker sends it, gives the file of that period's code.
    r = web.get("/imports/template.xlsx", params={"unit": "10", "period": "Quý I/2024",
                                                  "sector": "it_dx"})
    assert r.status_code == 200, r.text[:300]
    assert "2024Q1" in r.headers["content-disposition"]


def test_the_tasks_page_writes_the_completion_share_as_pages_do(
        web: TestClient, leader_officer: Account) -> None:
    token = _sign_in(web, leader_officer)
    r = web.post("/directives", data={
        "number": "09/KH-UBND", "issued_on": "10/01/2024", "issuer": "UBND tỉnh Lào Cai",
        "excerpt": "Kế hoạch thử", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    directive = r.headers["location"].split("?")[0]
    for n in range(4):  # four tasks fallen due on 01/02/2024, one of them done
        r = web.post(f"{directive}/tasks", data={
            "title": f"Việc số {n + 1}", "lead_unit": "082", "deadline": "01/02/2024",
            "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303, r.text[:500]
    listed = web.get("/tasks", params={"year": 2024}).text
    first = re.search(r'data-task="(\d+)"', listed).group(1)  # type: ignore[union-attr]
    r = web.post(f"/tasks/{first}/events", data={"kind": "completion", "on": "25/01/2024",
                                                "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    for lang, share in (("vi", "(25 %)"), ("en", "(25%)")):
        page = web.get("/tasks", params={"year": 2024, "lang": lang}).text
        sentence = re.search(r'id="tasks-rate">([^<]*)<', page).group(1)  # type: ignore[union-attr]
        assert share in sentence, sentence
        assert "25,00" not in page and "25.00" not in page
    assert "Hoàn thành 1/4 nhiệm vụ đến hạn (25 %)" in web.get(
        "/tasks", params={"year": 2024}).text


def test_no_form_uses_the_browsers_date_control() -> None:
    """The browser draws type=date in its own locale (mm/dd/yyyy in English)."""
    found = [p.name for p in TEMPLATES.glob("*.html") if 'type="date"' in p.read_text()]
    assert not found, found


def test_date_fields_show_and_read_dd_mm_yyyy_and_name_the_field_they_refuse(
        web: TestClient, leader_officer: Account) -> None:
    token = _sign_in(web, leader_officer)
    form = web.get("/directives/new").text
    field = fields_of(form)["d-date"]
    assert (field["type"], field["placeholder"], field["inputmode"]) == (
        "text", "dd/mm/yyyy", "numeric")
    assert re.fullmatch(field["pattern"], "10/01/2024")
    assert re.fullmatch(field["pattern"], "2024-01-10")
    assert not re.fullmatch(field["pattern"], "01-10-24")
    r = web.post("/directives", data={
        "number": "10/KH-UBND", "issued_on": "31/02/2024", "issuer": "UBND tỉnh Lào Cai",
        "excerpt": "Ngày không có", "csrf_token": token})
    assert r.status_code == 422
    box = r.text.split('class="errors"', 1)[1].split("</div>", 1)[0]
    assert "ngày ban hành" in visible_text(box) and "dd/mm/yyyy" in box and "31/02/2024" in box
    assert fields_of(r.text)["d-date"]["value"] == "31/02/2024"  # given back to correct
    r = web.post("/directives", data={
        "number": "10/KH-UBND", "issued_on": "10/01/2024", "issuer": "UBND tỉnh Lào Cai",
        "excerpt": "Ngày viết như người Việt", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    directive = r.headers["location"].split("?")[0]
    assert "10/01/2024" in web.get(directive).text
    r = web.post(f"{directive}/tasks", data={
        "title": "Việc có hạn", "lead_unit": "082", "deadline": "29/02/2024",
        "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    listed = web.get("/tasks", params={"year": 2024}).text
    assert "29/02/2024" in listed
    task = re.search(r'data-task="(\d+)"', listed).group(1)  # type: ignore[union-attr]
    page = web.get(f"/tasks/{task}").text
    shown = fields_of(page)
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", shown["p-on"]["value"])
    assert shown["x-deadline"]["placeholder"] == "dd/mm/yyyy"
    r = web.post(f"/tasks/{task}/events", data={
        "kind": "extension", "on": "1/3/2024", "new_deadline": "15/3/2024",
        "document": "12/UBND", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text.split('class="errors"')[-1][:600]
    assert "15/03/2024" in web.get(f"/tasks/{task}").text
    r = web.post(f"/tasks/{task}/events", data={
        "kind": "extension", "new_deadline": "03/15/2024", "document": "13/UBND",
        "csrf_token": token})
    assert r.status_code == 422
    assert "hạn mới" in r.text and "viết ngày theo dạng dd/mm/yyyy" in r.text


def test_the_administrators_date_fields_read_dd_mm_yyyy(
        client: TestClient, make_account: Callable[..., Account]) -> None:
    from tests.web.test_admin_people import sign_in

    admin = make_account(Role.ADMIN)
    csrf = sign_in(client, admin.username)
    r = client.post("/admin/units/new", data={
        "level": "agency", "code": "bql-kkt-2", "name_vi": "Ban Quản lý thử", "parent": "15",
        "valid_from": "01/07/2025", "csrf_token": csrf})
    assert r.status_code == 200, r.text[:500]
    [row] = client.get("/admin/units.json", params={"q": "bql-kkt-2"}).json()["rows"]
    assert row["valid_from"] == "2025-07-01"
    edit = f"/admin/units/{row['uid']}/edit"
    r = client.post(edit, data={"name_vi": "Ban Quản lý thử", "valid_to": "2026/12/31",
                                "csrf_token": csrf})
    assert r.status_code == 422 and "đến ngày" in r.text and "dd/mm/yyyy" in r.text
    r = client.post(edit, data={"name_vi": "Ban Quản lý thử", "valid_to": "31/12/2026",
                                "csrf_token": csrf})
    assert r.status_code == 200, r.text[:500]
    assert fields_of(client.get(edit).text)["e-to"]["value"] == "31/12/2026"
    # A search's days come back as they are written, whichever form the address used.
    page = client.get("/admin/audit", params={"since": "2026-12-01", "until": "02/12/2026"})
    assert page.status_code == 200
    shown = fields_of(page.text)
    assert (shown["f-since"]["value"], shown["f-until"]["value"]) == ("01/12/2026",
                                                                     "02/12/2026")
    page = client.get("/admin/audit", params={"since": "12/31/2026"})
    assert page.status_code == 422 and "từ ngày" in page.text and "dd/mm/yyyy" in page.text
