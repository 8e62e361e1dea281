"""The API's interactive documentation (Swagger UI), served offline from our origin.

Swagger UI's files come from the installed `fastapi_offline` package, under their
content hash like every asset, and the page starts it from a file of ours: no CDN, no
inline script, the same Content-Security-Policy as every page.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from fansipan.web.deps import page_router
from fansipan.web.pages import render

router = page_router()


@router.get("/api/docs")
def api_docs(request: Request) -> Response:
    return render(request, "api_docs.html")
