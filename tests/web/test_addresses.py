"""The language switch and the sign-in bring a person back to the whole address they were
on, path and query alike, and never to another site."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from fansipan.domain.access import Role
from tests.support.accounts import PASSWORD, Account

HTML = {"accept": "text/html,application/xhtml+xml"}
ASKED = "/indicators/CDS_TY_LE_HO_INTERNET?period=2024&unit=080"


def _link(page: str, css_class: str | None, starts: str) -> str:
    pattern = (rf'<a class="{css_class}" href="([^"]+)"' if css_class
               else rf'<a href="({re.escape(starts)}[^"]*)"')
    found = re.search(pattern, page)
    assert found is not None, pattern
    return html.unescape(found.group(1))


def test_the_language_switch_keeps_the_path_and_every_parameter(web: TestClient) -> None:
    page = web.get(ASKED).text
    switch = _link(page, "lang", "/lang/")
    assert urlsplit(switch).path == "/lang/en"
    assert parse_qs(urlsplit(switch).query)["next"] == [ASKED]
    r = web.get(switch, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == ASKED
    english = web.get(r.headers["location"])
    assert '<html lang="en">' in english.text
    # Back to Vietnamese from the English page, still with both parameters.
    back = _link(english.text, "lang", "/lang/")
    assert web.get(back, follow_redirects=False).headers["location"] == ASKED


def test_an_encoded_parameter_comes_back_as_it_was_sent(web: TestClient) -> None:
    asked = "/indicators?q=d%C3%A2n%20s%E1%BB%91&x=a%26b"
    switch = _link(web.get(asked).text, "lang", "/lang/")
    assert web.get(switch, follow_redirects=False).headers["location"] == asked


def test_signing_in_from_a_refusal_comes_back_to_the_page_asked(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    asked = "/entry?unit=02683&period=2024-04&sector=telecom"
    refused = web.get(asked, headers=HTML)
    assert refused.status_code == 401 and "Cần đăng nhập để xem trang này" in refused.text
    sign_in = _link(refused.text, "button", "/login")
    assert urlsplit(sign_in).path == "/login"
    form = web.get(sign_in)
    assert f'name="next" value="{html.escape(asked)}"' in form.text
    officer = make_account(Role.OFFICER)
    r = web.post("/login", data={"username": officer.username, "password": PASSWORD,
                                 "next": asked}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == asked
    page = web.get(asked)
    assert page.status_code == 200 and "(02683)</option>" in page.text
    assert 'value="2024-04"' in page.text


@pytest.mark.parametrize("bad", [
    "https://example.org/", "//example.org", "/\\example.org", "/\t/example.org",
    "/\n/example.org", " //example.org", "example.org", "javascript:alert(1)",
])
def test_sign_in_and_the_language_switch_never_send_to_another_site(
        web: TestClient, make_account: Callable[..., Account], bad: str) -> None:
    assert web.get("/lang/en", params={"next": bad},
                   follow_redirects=False).headers["location"] == "/"
    form = web.get("/login", params={"next": bad})
    assert 'name="next" value="/"' in form.text
    officer = make_account(Role.OFFICER)
    r = web.post("/login", data={"username": officer.username, "password": PASSWORD,
                                 "next": bad}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
