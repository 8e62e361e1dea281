"""A browser gets an HTML page for every error, in the page's language; API clients keep
the one JSON error shape."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from fansipan.api.app import create_app
from fansipan.domain.access import Role
from fansipan.settings import Settings
from tests.support.accounts import Account

HTML = {"accept": "text/html,application/xhtml+xml"}


def test_a_page_on_an_unmigrated_store_is_an_html_503(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'empty.db'}",
                        allowed_hosts=("testserver",))
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as web:
        page = web.get("/indicators")
        assert page.status_code == 503
        assert page.headers["content-type"].startswith("text/html")
        assert "<html" in page.text and "503" in page.text
        api = web.get("/api/v1/indicators")
        assert api.status_code == 503 and api.json()["ok"] is False
    app.state.engine.dispose()


def test_an_unknown_address_is_an_html_404_for_browsers_and_json_for_clients(
        web: TestClient) -> None:
    page = web.get("/khong-co-trang-nay", headers=HTML)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert 'lang="vi"' in page.text and "404" in page.text
    english = web.get("/no-such-page?lang=en", headers=HTML)
    assert english.status_code == 404 and 'lang="en"' in english.text
    client = web.get("/api/v1/no-such-thing", headers=HTML)
    assert client.status_code == 404
    assert client.headers["content-type"].startswith("application/json")
    assert client.json() == {
        "ok": False, "status": 404, "errors": [],
        "error": "There is no page or resource at this address; check the address, or start "
                 "from the overview",
        "error_vi": "Không có trang hay tài nguyên nào ở địa chỉ này; kiểm tra lại địa chỉ, "
                    "hoặc bắt đầu từ trang tổng quan"}


def test_a_refusal_for_want_of_a_sign_in_is_an_html_401_that_leads_to_the_sign_in(
        web: TestClient) -> None:
    for lang, words in (("vi", "Cần đăng nhập để xem trang này"),
                        ("en", "Sign in to see this page")):
        page = web.get(f"/entry?lang={lang}", headers=HTML)
        assert page.status_code == 401
        assert page.headers["content-type"].startswith("text/html")
        assert f'lang="{lang}"' in page.text and words in page.text
        assert 'href="/login?next=/entry%3Flang%3D' + lang + '"' in page.text
    client = web.get("/api/v1/users", headers=HTML)
    assert client.status_code == 401 and client.json()["ok"] is False


def test_a_refusal_for_want_of_a_right_is_an_html_403_in_the_pages_language(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    leader = make_account(Role.LEADER)
    for lang, words in (("vi", "Không thực hiện được"), ("en", "This could not be done")):
        page = web.get(f"/entry?lang={lang}", headers={**HTML, **leader.headers})
        assert page.status_code == 403
        assert page.headers["content-type"].startswith("text/html")
        assert f'<html lang="{lang}">' in page.text and words in page.text
        assert "/login?next=" not in page.text.split("</header>")[1]  # signed in already
    client = web.get("/api/v1/users", headers={**HTML, **leader.headers})
    assert client.status_code == 403
    assert client.headers["content-type"].startswith("application/json")


def test_an_unexpected_failure_is_an_html_500_for_browsers_and_json_for_clients(
        web: TestClient) -> None:
    from fastapi import APIRouter

    from fansipan.web.deps import page_router

    def fail() -> None:
        raise RuntimeError("a fault no input can cause")

    pages, api = page_router(), APIRouter()
    pages.add_api_route("/a-failing-page", fail)
    api.add_api_route("/api/v1/a-failing-resource", fail)
    app = web.app
    assert isinstance(app, FastAPI)
    app.include_router(pages)
    app.include_router(api)
    with TestClient(app, raise_server_exceptions=False) as browser:
        for lang, words in (("vi", "Đã xảy ra lỗi ngoài dự kiến"),
                            ("en", "An unexpected error occurred")):
            page = browser.get(f"/a-failing-page?lang={lang}", headers=HTML)
            assert page.status_code == 500
            assert page.headers["content-type"].startswith("text/html")
            assert f'<html lang="{lang}">' in page.text and words in page.text
            assert "a fault no input can cause" not in page.text  # no internals shown
        client = browser.get("/api/v1/a-failing-resource", headers=HTML)
        assert client.status_code == 500
        assert client.json()["error_vi"].startswith("Đã xảy ra lỗi ngoài dự kiến")
