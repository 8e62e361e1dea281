"""Typed dependencies of the page views."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.web.pages import HtmlRoute, page_lang, web_principal

Viewer = Annotated[Principal, Depends(web_principal)]


def get_lang(request: Request) -> str:
    return page_lang(request)


def get_warehouse(request: Request) -> Warehouse:
    warehouse: Warehouse = request.app.state.warehouse
    return warehouse


Lang = Annotated[str, Depends(get_lang)]
WarehouseDep = Annotated[Warehouse, Depends(get_warehouse)]


def page_router() -> APIRouter:
    """Pages are HTML for people, not part of the API's OpenAPI schema."""
    return APIRouter(route_class=HtmlRoute, include_in_schema=False)
