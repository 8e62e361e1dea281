"""Every page in Vietnamese, as every role and anonymously, with the demo-like data of
`conftest.py`, and the messages its forms give back: no English left in what a person
reads (labels, sentences, coded values, errors), only names, codes and the deliberate
"minh họa / illustrative" twin."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Route

from fansipan.domain.access import Role
from fansipan.web.pages import HtmlRoute
from tests.support.accounts import Account
from tests.web.conftest import PUBLIC
from tests.web.vietnamese import english_words, visible_text

# One address (or more) for every page route; a new page must be added here.
PAGES: dict[str, list[str]] = {
    "/": ["/", "/?year=2024", "/?year=2024&unit=080"],
    "/wall": ["/wall?year=2024"],
    "/indicators": ["/indicators", "/indicators?q=dan+so", "/indicators?q=khong+co"],
    "/indicators/{ref}": [f"/indicators/{PUBLIC}?period=2024",
                          "/indicators/CDS_TY_LE_HO_INTERNET?period=2024",
                          "/indicators/CDS_TY_LE_HO_INTERNET?period=2024&unit=080",
                          "/indicators/CDS_TY_LE_HO_INTERNET?period=2024&unit=02647",
                          "/indicators/CDS_TY_LE_HO_INTERNET?period=2025",
                          "/indicators/VT_TRAM_5G?period=2024"],
    "/units": ["/units", "/units?q=bat+xat", "/units?q=khong+co+noi+nay"],
    "/units/{ref}": ["/units/10?period=2024", "/units/080?period=2024",
                     "/units/02647?period=Quý I/2024", "/units/082", "/units/02635",
                     "/units/so-kh-cn?period=2024"],
    "/sectors/{ref}": ["/sectors/it_dx?year=2024", "/sectors/telecom"],
    "/targets": ["/targets?year=2024", "/targets?year=2019"],
    "/entry": ["/entry", "/entry?unit=02647&period=2024&sector=it_dx",
               "/entry?unit=02647&period=tháng 3/2024&sector=telecom"],
    "/imports": ["/imports"],
    "/login": ["/login"],
    "/password": ["/password"],
    "/tasks": ["/tasks", "/tasks?year=2024"],
    "/tasks/{task_id}": ["/tasks/1"],
    "/directives": ["/directives"],
    "/directives/new": ["/directives/new"],
    "/directives/{directive_id}": ["/directives/1"],
    "/reports": ["/reports", "/reports?year=2024"],
    "/reports/jobs/{job_id}": ["/reports/jobs/0123456789abcdef"],
    "/alerts": ["/alerts"],
    "/feedback/new": ["/feedback/new"],
    "/feedback/track": ["/feedback/track"],
    "/feedback/map": ["/feedback/map"],
    "/inbox": ["/inbox"],
    "/inbox/{request_id}": ["/inbox/PA-2025-000001"],
    "/dossiers": ["/dossiers"],
    "/dossiers/late": ["/dossiers/late"],
    "/admin/people": ["/admin/people"],
    "/admin/catalogue": ["/admin/catalogue", "/admin/catalogue?q=dan+so&sector=it_dx"],
    "/admin/catalogue/new": ["/admin/catalogue/new"],
    "/admin/catalogue/{code}": ["/admin/catalogue/CDS_TY_LE_HO_INTERNET",
                                "/admin/catalogue/CDS_TY_LE_HO_INTERNET?done=edited"],
    "/admin/catalogue/{code}/edit": ["/admin/catalogue/CDS_TY_LE_HO_INTERNET/edit"],
    "/admin/people/{username}": ["/admin/people/khong.co.ai"],
    "/admin/audit": ["/admin/audit", "/admin/audit?action=data.&since=2024-01-01"],
    "/admin/audit/{event_id}": ["/admin/audit/1"],
    "/admin/approvals": ["/admin/approvals", "/admin/approvals?state=all"],
    "/admin/systems": ["/admin/systems"],
    "/admin/systems/connectors/{name}": ["/admin/systems/connectors/khong-co"],
    "/admin/systems/clients/{name}": ["/admin/systems/clients/khong-co"],
    "/admin/units": ["/admin/units", "/admin/units?level=district&status=ended",
                     "/admin/units?q=bat xat"],
    "/admin/units/new": ["/admin/units/new"],
    "/admin/units/{ref}/edit": ["/admin/units/02683/edit", "/admin/units/082/edit"],
    "/admin/units/reorganise": ["/admin/units/reorganise"],
}
# Pages that are not for reading: files, redirects, the change counter, the API's docs
# (Swagger UI's own words are its own), and single sign-on (a redirect to the platform and
# its return, 404 here without a platform; their pages are read in tests/security/test_sso.py).
NOT_PAGES = {"/static/{digest}/{name:path}", "/lang/{code}", "/live", "/logout",
             "/login/sso", "/login/sso/callback",
             "/api/docs", "/imports/template.xlsx", "/overview.{fmt}", "/indicators.{fmt}",
             "/units.{fmt}",
             "/targets.{fmt}", "/directives/{directive_id}/template.xlsx", "/dossiers.{fmt}",
             "/dossiers/late.{fmt}", "/feedback/map.{fmt}", "/feedback/photos/{name}",
             "/inbox.{fmt}", "/reports/jobs/{job_id}/file", "/tasks.{fmt}",
             "/admin/people.{fmt}", "/admin/people/{username}.json", "/admin/audit.{fmt}",
             "/admin/audit/{event_id}.json", "/admin/approvals.{fmt}", "/admin/systems.{fmt}",
             "/admin/systems/connectors/{name}.json", "/admin/catalogue.{fmt}",
             "/admin/catalogue/{code}.json", "/admin/units.{fmt}",
             "/admin/systems/clients/{name}.json", "/admin/catalogue/{code}/edit.json",
             "/admin/units/{ref}/edit.json", "/admin/units/reorganise/{digest}.json"}
ERRORS = ["/khong-co-trang-nay", "/indicators/NO_SUCH_CODE",
          "/indicators/CDS_TY_LE_HO_INTERNET?period=2024Q9", "/units/99999",
          "/sectors/khongco", "/?year=1700", "/targets.doc", "/static/0/khong.js",
          "/indicators/CDS_TY_LE_HO_INTERNET?unit=99999"]
HTML = {"accept": "text/html"}


def _page_routes(client: TestClient) -> set[str]:
    found: set[str] = set()

    def walk(routes: list[object], prefix: str) -> None:
        for route in routes:
            if isinstance(route, HtmlRoute) and "GET" in (route.methods or ()):
                found.add(prefix + route.path)
            elif hasattr(route, "original_router"):  # FastAPI's included routers
                walk(route.original_router.routes, prefix + route.include_context.prefix)
            elif hasattr(route, "routes") and not isinstance(route, Route):
                walk(route.routes, prefix + getattr(route, "path", ""))

    walk(client.app.routes, "")  # type: ignore[attr-defined]
    return found


def _check(client: TestClient, path: str, headers: dict[str, str], who: str,
           problems: list[str], *, method: str = "GET", **kwargs: object) -> str:
    url = path + ("&" if "?" in path else "?") + "lang=vi"
    r = client.request(method, url, headers={**HTML, **headers}, **kwargs)  # type: ignore[arg-type]
    assert r.status_code < 500, (path, who, r.text[:300])
    assert r.headers["content-type"].startswith("text/html"), (path, who)
    text = visible_text(r.text)
    words = english_words(text)
    if words:
        problems.append(f"{method} {path} as {who} ({r.status_code}): {sorted(set(words))}")
    return text


# What each role sees differently (menus, forms, refusals); every page is read in full
# anonymously and by an account holding every role.
BY_ROLE = ["/", "/indicators/VT_TRAM_5G?period=2024", "/targets?year=2024", "/entry",
           "/imports", "/password", "/units/080?period=2024", "/khong-co-trang-nay"]


@pytest.fixture
def readers(make_account: Callable[..., Account], store_url: str) -> dict[str, dict[str, str]]:
    if store_url.startswith("postgresql"):
        # The words of a page do not depend on the store; one backend reads them all.
        pytest.skip("read on SQLite only")
    everyone: dict[str, dict[str, str]] = {
        "anonymous": {}, "every role": make_account(*Role, all_units=True).headers}
    for role in Role:
        everyone[role.value] = make_account(role, all_units=True).headers
    everyone["Sa Pa officer"] = make_account(Role.OFFICER, units=["088"],
                                             units_as_of="2024-01-01").headers
    return everyone


def test_every_page_route_has_an_address_here(web: TestClient) -> None:
    assert _page_routes(web) - NOT_PAGES == set(PAGES), "add the new page to PAGES"


def test_no_english_on_any_vietnamese_page_for_anyone(
        web: TestClient, readers: dict[str, dict[str, str]]) -> None:
    problems: list[str] = []
    everything = [p for paths in PAGES.values() for p in paths] + ERRORS
    for who, headers in readers.items():
        for path in everything if who in ("anonymous", "every role") else BY_ROLE:
            _check(web, path, headers, who, problems)
    assert not problems, "English words on Vietnamese pages:\n" + "\n".join(problems)


def test_no_english_in_the_messages_forms_give_back(
        web: TestClient, readers: dict[str, dict[str, str]],
        make_account: Callable[..., Account]) -> None:
    problems: list[str] = []
    officer = readers["officer"]
    # Signing in wrongly, and a password change that fails.
    text = _check(web, "/login", {}, "anonymous", problems, method="POST",
                  data={"username": "nobody", "password": "wrong password"})
    assert "mật khẩu" in text.lower() or "đăng nhập" in text.lower()
    _check(web, "/login", {}, "anonymous", problems, method="POST",
           data={"username": "", "password": ""})
    _check(web, "/password", officer, "officer", problems, method="POST",
           data={"current_password": "wrong", "new_password": "short"})
    web.cookies.clear()
    # Signed in on the web, a new password that breaks every rule of the policy.
    person = make_account(Role.LEADER, username="nguyen.van.a")
    web.post("/login", data={"username": person.username, "password": person.password})
    form = web.get("/password").text
    csrf = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    text = _check(web, "/password", {}, "leader", problems, method="POST", data={
        "csrf_token": csrf, "current_password": person.password,
        "new_password": "nguyen.van.a"})
    assert "chứa tên đăng nhập" in text
    text = _check(web, "/password", {}, "leader", problems, method="POST", data={
        "csrf_token": csrf, "current_password": person.password, "new_password": "ngắn"})
    assert "ít nhất 12 ký tự" in text
    web.cookies.clear()
    # Entry with values that cannot be stored.
    entry = {"unit": "02647", "period": "2024", "sector": "it_dx",
             "v:CDS_HO_CO_INTERNET": "nhiều", "v:CDS_TONG_HO_GD": "-5"}
    text = _check(web, "/entry", officer, "officer", problems, method="POST", data=entry)
    assert "không phải là số" in text
    _check(web, "/entry", officer, "officer", problems, method="POST",
           data={"unit": "02647", "period": "2024Q9", "sector": "it_dx", "v:X": "1"})
    # Targets with a bad tolerance, an unknown indicator and a period of the wrong type.
    for form in ({"indicator": PUBLIC, "unit": "10", "period": "2024", "planned": "5",
                  "tolerance": "7"},
                 {"indicator": "NO_SUCH", "unit": "10", "period": "2024", "planned": "5"},
                 {"indicator": PUBLIC, "unit": "10", "period": "2024-03", "planned": "5"}):
        _check(web, "/targets", officer, "officer", problems, method="POST", data=form)
    # A file with every kind of bad row, and files that cannot be read at all.
    bad = ("mã chỉ tiêu,mã đơn vị,kỳ,giá trị\n"
           f"{PUBLIC},02647,2024,nhiều\nNO_SUCH,02647,2024,1\n{PUBLIC},99999,2024,1\n"
           f"{PUBLIC},02647,2024Q9,1\n{PUBLIC},02647,2024-03,1\n{PUBLIC},080,2024,1\n"
           f"{PUBLIC},02647,2024,-1\nBC_TY_LE_XA_CO_DIEM,10,2024,5\n")
    for name, body in (("xau.csv", bad.encode()), ("rong.csv", b""),
                       ("tieu-de.csv", b"a,b\n1,2\n"), ("hong.xlsx", b"PK\x03\x04no"),
                       ("hong.json", b"{not json")):
        text = _check(web, "/imports", officer, "officer", problems, method="POST",
                      files={"file": (name, io.BytesIO(body), "text/csv")})
        assert "không" in text
    # A unit that cannot be added, and reorganisation files that cannot be loaded.
    admin = readers["admin"]
    _check(web, "/admin/units/new", admin, "admin", problems, method="POST",
           data={"level": "agency", "code": "Ban KKT", "name_vi": "Ban KKT"})
    _check(web, "/admin/units/new", admin, "admin", problems, method="POST",
           data={"level": "agency", "code": "ban-kkt", "parent": "99999"})
    # A connected system and a connector that cannot be registered.
    system = {"name": "lgsp.thu", "agency": "so-khong-co", "units": "082", "read": "on"}
    text = _check(web, "/admin/systems/clients", admin, "admin", problems, method="POST",
                  data=system)
    assert "không có cơ quan" in text
    text = _check(web, "/admin/systems/clients", admin, "admin", problems, method="POST",
                  data={**system, "agency": "so-tttt", "read": ""})
    _check(web, "/admin/systems/clients", admin, "admin", problems, method="POST",
           data={**system, "agency": "so-tttt", "units": "99999"})
    text = _check(web, "/admin/systems/connectors", admin, "admin", problems, method="POST",
                  data={"name": "day.len", "kind": "push", "agency": "so-tttt",
                        "url": "http://127.0.0.1:9/api", "units": "082, 088",
                        "indicators": "VT_TRAM_5G"})
    assert "đúng một đơn vị" in text
    plan = {"effective": "2026-07-01", "units": [{"code": "02683", "level": "xa"}],
            "successions": [{"old_code": "99999", "new_code": "02683"}]}
    for body in (b"{not json", json.dumps(plan).encode(),
                 json.dumps({**plan, "units": []}).encode()):
        text = _check(web, "/admin/units/reorganise", admin, "admin", problems,
                      method="POST", files={"file": ("plan.json", io.BytesIO(body),
                                                     "application/json")})
        assert "Dòng" in text
    assert not problems, "English words in Vietnamese messages:\n" + "\n".join(problems)


def test_the_heuristic_catches_what_it_must() -> None:
    for english in ("Sign in", "Download: CSV", "over units: sum", "Entered at commune",
                    "Source targets", "demo", "web-import", "the form is not recognised",
                    "CREATE_AND_UPDATE changes nothing", "higher"):
        assert english_words(english), english
    for vietnamese in ("Đăng nhập", "Tải bảng: CSV · XLSX · JSON", "theo đơn vị: cộng tổng",
                       "Nguồn: Who's On First (CC0), Natural Earth", "VT_TRAM_5G",
                       "Tỷ lệ hộ có kết nối Internet (%)", "to, do, an, in, con, tin, hay",
                       "12,5 km²", "can thiệp"):
        assert not english_words(vietnamese), vietnamese
