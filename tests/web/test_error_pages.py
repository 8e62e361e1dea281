"""A browser gets an HTML page for every error, in the page's language; API clients keep
the one JSON error shape."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from fansipan.api.app import create_app
from fansipan.settings import Settings

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
