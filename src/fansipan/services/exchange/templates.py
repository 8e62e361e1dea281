"""Entry templates (biểu mẫu nhập liệu): one XLSX per indicator group × unit × period.

Rows are every indicator of the group that is entered for that kind of period, for the
unit and each unit below it at the levels the indicator is entered at, within the
asker's scope, with the values already stored. Filled in and imported back, it goes
through the same checks as any other import. A demo store's template says in its title
and note that its figures are illustrative, and its file name ends in `-minh-hoa`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.periods import parse_period
from fansipan.domain.units import Unit
from fansipan.errors import FieldError, NotFound, ValidationError, msg
from fansipan.exchange.xlsx_io import TemplateRow, write_template
from fansipan.services.catalog import load_catalog
from fansipan.services.trust.access import data_scope, require
from fansipan.services.warehouse.provenance import demo_mark, marked_name
from fansipan.store import bulk

MAX_ROWS = 100_000


class TemplateRequest(BaseModel):
    sector: str = Field(min_length=1, max_length=40, examples=["telecom"],
                        description="The indicator group")
    unit: str = Field(min_length=1, max_length=40, examples=["080"])
    period: str = Field(min_length=1, max_length=12, examples=["2024-03"])


def entry_template(*, session: Session, principal: Principal, request: TemplateRequest) -> bytes:
    require(principal, Permission.WRITE_DATA)
    period = parse_period(request.period)
    with session.begin():
        catalog = load_catalog(session)
        scope = data_scope(session, catalog, principal)
        sector = catalog.sectors.get(request.sector)
        if sector is None:
            raise NotFound(msg("Unknown indicator group"), [FieldError(
                field="sector", value=request.sector,
                message=msg("there is no indicator group {sector}; known: {value}",
                            sector=repr(request.sector), value=', '.join(catalog.sectors)))])
        top = catalog.unit(request.unit, period.end)
        scope.check_unit(catalog, top.id)
        units = [top, *catalog.hierarchy.descendants(top.id, period.end)]
        rows: list[tuple[str, int, Unit, int]] = []
        for code, ind in catalog.indicators.items():
            ind_id = catalog.indicator_ids[code]
            if (ind.sector != sector.code or ind.formula is not None
                    or not ind.accepts_period_type(period.type)
                    or not scope.allows_indicator(ind_id)):
                continue
            for unit in units:
                if (not ind.levels or unit.level.value in ind.levels) and scope.allows_unit(
                        unit.id):
                    rows.append((code, ind_id, unit, unit.id))
        if not rows:
            raise ValidationError(
                msg("No indicator of {group} is entered for {code} ({name}) or the units below "
                    "it by {value}; choose another period or group", group=sector.name_vi,
                    code=top.code, name=top.name, value=period.type.value),
                [FieldError(field="period", value=period.id,
                            message=msg("nothing to enter for this group, unit and period"))])
        if len(rows) > MAX_ROWS:
            raise ValidationError(
                msg("The template would have {count} rows; choose a smaller unit",
                    count=format(len(rows), ",")),
                [FieldError(field="unit", value=top.code, message=msg("too many rows"))])
        stored = bulk.find_existing(session, [(i, u, period.id) for _c, i, _u, u in rows])
    out = []
    for code, ind_id, unit, unit_id in rows:
        ind = catalog.indicators[code]
        found = stored.get((ind_id, unit_id, period.id))
        live = found is not None and not found.deleted
        out.append(TemplateRow(
            indicator=code, indicator_name=f"{ind.name_vi} / {ind.name_en}",
            measure=ind.unit_vi, unit=unit.code, unit_name=unit.name, period=period.id,
            value=found.value if live and found else None,
            comment=found.comment if live and found else None,
            integer=ind.value_type.value == "integer", minimum=ind.min_value,
            maximum=ind.max_value))
    title = (f"Biểu nhập số liệu {sector.name_vi} — {top.name} — {period.label('vi')} / "
             f"{sector.name_en} data entry — {period.label('en')}")
    note = ("Chỉ nhập cột Giá trị và Ghi chú; để trống nếu chưa có số liệu. Only fill in the "
            "Value and Comment columns; leave a value blank when you have none.")
    mark = demo_mark(session=session)
    if mark is not None:
        title, note = f"{title} ({mark.row})", f"{mark.note}. {note}"
    return write_template(title, note, out)


def template_file_name(*, session: Session, request: TemplateRequest) -> str:
    """`bieu-nhap-telecom-080-2024-03.xlsx`, with `-minh-hoa` for a demo store's."""
    stem = "".join(c if c.isalnum() or c in "-_" else "_"
                   for c in f"bieu-nhap-{request.sector}-{request.unit}-{request.period}")
    return f"{marked_name(stem, demo_mark(session=session))}.xlsx"
