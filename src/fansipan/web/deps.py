"""Typed dependencies of the page views."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from fansipan.domain.access import Principal
from fansipan.domain.rows import ValueMark
from fansipan.http.deps import SessionDep
from fansipan.http.deps import WarehouseDep as WarehouseDep
from fansipan.http.principals import get_principal
from fansipan.web.pages import HtmlRoute, page_lang

Viewer = Annotated[Principal, Depends(get_principal)]


def get_lang(request: Request) -> str:
    return page_lang(request)


Lang = Annotated[str, Depends(get_lang)]


def get_mark(session: SessionDep) -> ValueMark | None:
    """The mark every download of a demo store carries (None for any other store)."""
    from fansipan.services.warehouse.provenance import demo_mark

    return demo_mark(session=session)


Mark = Annotated[ValueMark | None, Depends(get_mark)]


def page_router() -> APIRouter:
    """Pages are HTML for people, not part of the API's OpenAPI schema."""
    return APIRouter(route_class=HtmlRoute, include_in_schema=False)
