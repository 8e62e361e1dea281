"""Static files under their content hash, cached for a year."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from fansipan.errors import NotFound, msg
from fansipan.web.assets import Assets
from fansipan.web.deps import page_router

router = page_router()
YEAR = 365 * 86400


@router.get("/static/{digest}/{name:path}")
def static_file(digest: str, name: str, request: Request) -> Response:
    assets: Assets = request.app.state.web_assets
    asset = assets.get(name)
    if asset is None:
        raise NotFound(msg("No static file {name}", name=repr(name)))
    if asset.digest != digest:
        # An old page asking for a file that has changed since: serve the current one,
        # but let no cache keep it under the old name.
        return Response(asset.body, media_type=asset.media_type,
                        headers={"cache-control": "no-cache"})
    return Response(asset.body, media_type=asset.media_type,
                    headers={"cache-control": f"public, max-age={YEAR}, immutable"})
