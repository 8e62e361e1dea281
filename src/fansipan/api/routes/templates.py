"""Entry templates: `/api/v1/templates` gives the XLSX for an indicator group × unit × period."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from fansipan.http.deps import SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.exchange.templates import (
    TemplateRequest,
    entry_template,
    template_file_name,
)

router = APIRouter(prefix="/templates", tags=["exchange"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("", response_class=Response,
            responses={200: {"content": {XLSX: {}}, "description": "The template"}})
def template_download(session: SessionDep, principal: PrincipalDep,
                      sector: Annotated[str, Query(min_length=1, max_length=40)],
                      unit: Annotated[str, Query(min_length=1, max_length=40)],
                      period: Annotated[str, Query(min_length=1, max_length=12)]) -> Response:
    """Codes locked, values and comments to fill in; import it back at `/api/v1/imports`."""
    asked = TemplateRequest(sector=sector, unit=unit, period=period)
    content = entry_template(session=session, principal=principal, request=asked)
    name = template_file_name(session=session, request=asked)
    return Response(content, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
