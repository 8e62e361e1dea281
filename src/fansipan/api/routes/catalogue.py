"""The catalogue as administrators manage it: indicators added, edited as new versions,
retired or deleted; formulas previewed; sectors and indicator groups."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from fansipan.analytics.warehouse import Warehouse
from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.insight.formula_preview import (
    FormulaPreview,
    FormulaPreviewResult,
    preview_formula,
)
from fansipan.services.warehouse.catalogue_admin import (
    IndicatorEdit,
    IndicatorRetire,
    delete_indicator,
    edit_indicator,
    retire_indicator,
)
from fansipan.services.warehouse.classes import ClassPublic, ClassWrite, list_classes, save_class
from fansipan.services.warehouse.indicator_history import IndicatorVersionPublic, list_versions
from fansipan.services.warehouse.indicators import (
    IndicatorCreate,
    IndicatorPublic,
    create_indicator,
)

router = APIRouter(tags=["catalogue"])


@router.post("/indicators", status_code=201, dependencies=[AdminNetwork])
def indicator_create(session: SessionDep, principal: PrincipalDep,
                     data: IndicatorCreate) -> IndicatorPublic:
    """Add an indicator (a derived one with its formula); administrators only."""
    return create_indicator(session=session, principal=principal, data=data)


@router.patch("/indicators/{code}", dependencies=[AdminNetwork])
def indicator_edit(session: SessionDep, principal: PrincipalDep, code: str,
                   data: IndicatorEdit) -> IndicatorPublic:
    """Change a definition: a new version in force from `effective_from`."""
    return edit_indicator(session=session, principal=principal, code=code, data=data)


@router.post("/indicators/{code}/retire", dependencies=[AdminNetwork])
def indicator_retire(session: SessionDep, principal: PrincipalDep, code: str,
                     data: IndicatorRetire) -> IndicatorPublic:
    return retire_indicator(session=session, principal=principal, code=code, data=data)


@router.delete("/indicators/{code}", status_code=204, dependencies=[AdminNetwork])
def indicator_delete(session: SessionDep, principal: PrincipalDep, code: str) -> Response:
    """Only an indicator that never held data; one with data is retired instead."""
    delete_indicator(session=session, principal=principal, code=code)
    return Response(status_code=204)


@router.get("/indicators/{code}/versions")
def indicator_versions(session: SessionDep, principal: PrincipalDep,
                       code: str) -> list[IndicatorVersionPublic]:
    """What changed, when, by whom (newest first)."""
    return list_versions(session=session, principal=principal, code=code)


@router.post("/indicators/preview", dependencies=[AdminNetwork])
def indicator_preview(session: SessionDep, principal: PrincipalDep, request: Request,
                      data: FormulaPreview) -> FormulaPreviewResult:
    """A formula's values for some units and periods, before it is saved."""
    warehouse: Warehouse = request.app.state.warehouse
    return preview_formula(session=session, warehouse=warehouse, principal=principal,
                           data=data)


@router.get("/sectors")
def sectors_index(session: SessionDep) -> list[ClassPublic]:
    """The sectors, for everyone who may read the catalogue."""
    return list_classes(session=session, kind="sector")


@router.put("/sectors/{code}", dependencies=[AdminNetwork])
def sector_save(session: SessionDep, principal: PrincipalDep, code: str,
                data: ClassWrite) -> ClassPublic:
    return save_class(session=session, principal=principal, kind="sector", code=code,
                      data=data)


@router.get("/indicator-groups")
def groups_index(session: SessionDep) -> list[ClassPublic]:
    return list_classes(session=session, kind="group")


@router.put("/indicator-groups/{code}", dependencies=[AdminNetwork])
def group_save(session: SessionDep, principal: PrincipalDep, code: str,
               data: ClassWrite) -> ClassPublic:
    return save_class(session=session, principal=principal, kind="group", code=code,
                      data=data)
