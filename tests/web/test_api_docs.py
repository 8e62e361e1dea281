"""`/api/docs` works offline: Swagger UI's files come from the installed package, served
from our origin under their content hash, with the site's strict policy."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from fansipan.web.assets import swagger_file


def test_the_docs_page_loads_nothing_from_the_internet(client: TestClient) -> None:
    r = client.get("/api/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)="([^"]+)"', r.text)
    assert not [a for a in assets if re.match(r"(?:https?:)?//", a)], assets
    assert "<script>" not in r.text  # nothing inline: the policy allows none
    policy = r.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy
    assert "http" not in policy


def test_swagger_ui_comes_from_the_installed_package(client: TestClient) -> None:
    page = client.get("/api/docs").text
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        url = re.search(rf'"(/static/[0-9a-f]+/swagger/{re.escape(name)})"', page)
        assert url is not None, name
        served = client.get(url.group(1))
        assert served.status_code == 200
        assert served.content == swagger_file(name)
        assert "immutable" in served.headers["cache-control"]
    init = re.search(r'"(/static/[0-9a-f]+/swagger-init\.js)"', page)
    assert init is not None and "SwaggerUIBundle" in client.get(init.group(1)).text
    assert client.get("/api/openapi.json").json()["info"]["title"] == "Fansipan"
