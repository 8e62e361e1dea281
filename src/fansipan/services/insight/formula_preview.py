"""A derived indicator's values before it is saved: the formula checked against the
catalogue (unknown codes and cycles refused, naming the part), then applied to its
parts' aggregated values, as the analytics will once it is saved."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.formulas import check_formulas, expand, parse_formula
from fansipan.errors import FieldError, ValidationError, msg
from fansipan.services.catalog import load_catalog
from fansipan.services.insight.analytics import run_analytics
from fansipan.services.insight.answers import AnalyticsRequest
from fansipan.services.trust.access import require

PREVIEW_CODE = "NEW_INDICATOR"


class FormulaPreview(BaseModel):
    formula: str = Field(min_length=1, max_length=2000)
    code: str | None = Field(default=None, description="The indicator being edited, if any")
    units: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        min_length=1, max_length=50)
    periods: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        min_length=1, max_length=50)
    hierarchy: Literal["as_of", "mapped"] = "as_of"
    today: date | None = None


class PreviewCell(BaseModel):
    unit: str
    period: str
    value: float | None
    parts: dict[str, float | None]


class FormulaPreviewResult(BaseModel):
    formula: str  # canonical text
    references: list[str]
    cells: list[PreviewCell]


def preview_formula(*, session: Session, warehouse: Warehouse, principal: Principal,
                    data: FormulaPreview) -> FormulaPreviewResult:
    """The values the formula would give; nothing is stored."""
    require(principal, Permission.MANAGE_METADATA)
    with session.begin():
        catalog = load_catalog(session)
    code = data.code or PREVIEW_CODE
    if data.code is not None:
        catalog.indicator(data.code)
    formulas = {c: i.formula for c, i in catalog.indicators.items() if i.formula is not None}
    formulas[code] = data.formula
    parsed = check_formulas(formulas, set(catalog.indicators))
    inlined = expand(code, parsed)
    refs = sorted(inlined.references)
    if not refs:
        raise ValidationError(msg("Nothing to preview"), [FieldError(
            field="formula", value=data.formula, message=msg(
                "the formula names no indicator; a derived indicator is computed from others"))])
    request = AnalyticsRequest(indicators=refs, units=data.units, periods=data.periods,
                               hierarchy=data.hierarchy, today=data.today)
    answer = run_analytics(session=session, warehouse=warehouse, principal=principal,
                           request=request)
    got = answer.values()
    units = [m["code"] for m in answer.meta.units.values()]
    cells = []
    for unit in units:
        for period in answer.meta.periods:
            parts = {r: got.get((r, unit, period)) for r in refs}
            cells.append(PreviewCell(unit=unit, period=period, parts=parts,
                                     value=inlined.evaluate(parts)))
    return FormulaPreviewResult(formula=str(parse_formula(data.formula)), references=refs,
                                cells=cells)
