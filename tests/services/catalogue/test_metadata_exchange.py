"""Metadata exported from one instance and imported into a second gives the same
catalogue and units; importing again changes nothing; DHIS2's shape carries the codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.errors import ValidationError
from fansipan.services.exchange.metadata import export_metadata, import_metadata
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.trust.audit import AuditQuery, search_events
from fansipan.services.warehouse.catalogue_admin import IndicatorEdit, edit_indicator
from fansipan.services.warehouse.classes import ClassWrite, save_class
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.indicator_history import list_versions
from fansipan.services.warehouse.indicators import IndicatorCreate, create_indicator
from fansipan.services.warehouse.reorganisations import Reorganisation, reorganise
from fansipan.store.engine import make_engine, make_session_factory
from fansipan.store.migrate import upgrade_store

ADMIN = Principal.system("tests")
A = "02683"


@pytest.fixture
def second(tmp_path: Path) -> Iterator[Session]:
    """A second instance: an SQLite store with no data at all (the first is on each
    backend in turn)."""
    folder = tmp_path / "second"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'store.db'}")
    upgrade_store(engine)
    with make_session_factory(engine)() as s:
        yield s
    engine.dispose()


def same(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "exported_at"}


def province_changes(session: Session) -> None:
    save_class(session=session, principal=ADMIN, kind="group", code="cds",
               data=ClassWrite(name_vi="Chuyển đổi số", name_en="Digital transformation"))
    create_indicator(session=session, principal=ADMIN, data=IndicatorCreate(
        code="CDS_TY_LE", name_vi="Tỷ lệ hồ sơ trực tuyến", name_en="Online share",
        sector="it_dx", group="cds", unit_vi="%", unit_en="%", decimals=1,
        formula="100 * CNTT_HO_SO_TRUC_TUYEN / CNTT_HO_SO_TIEP_NHAN", levels=["commune"]))
    edit_indicator(session=session, principal=ADMIN, code="CDS_TY_LE", data=IndicatorEdit(
        formula="100 * (CNTT_HO_SO_TIEP_NHAN - CNTT_HO_SO_TRUC_TUYEN) / CNTT_HO_SO_TIEP_NHAN",
        effective_from=date(2025, 1, 1)))
    edit_indicator(session=session, principal=ADMIN, code="VT_TRAM_5G",
                   data=IndicatorEdit(name_en="5G base stations (sites)"))
    reorganise(session=session, principal=ADMIN, dry_run=False,
               plan=Reorganisation.model_validate({
                   "effective": "2026-07-01", "units": [
                       {"code": A, "name_vi": "Xã Bát Xát", "level": "commune",
                        "parent_code": "15"}],
                   "successions": [{"old_code": A, "new_code": A},
                                   {"old_code": "02686", "new_code": A}]}))


def test_two_instances_run_the_same_catalogue(session: Session, second: Session) -> None:
    province_changes(session)
    exported = export_metadata(session=session, principal=ADMIN)
    wire = json.loads(json.dumps(exported))  # as it travels
    dry = import_metadata(session=second, principal=ADMIN, document=wire, dry_run=True)
    assert dry.indicators.created == len(exported["indicators"])
    assert dry.units.created == len(exported["units"])
    assert export_metadata(session=second, principal=ADMIN)["indicators"] == []  # unchanged
    assert search_events(session=second, principal=ADMIN,
                         query=AuditQuery(action="metadata.import")) == []  # a dry run
    done = import_metadata(session=second, principal=ADMIN, document=wire, dry_run=False)
    assert done.model_dump(exclude={"dry_run"}) == dry.model_dump(exclude={"dry_run"})
    [event] = search_events(session=second, principal=ADMIN,
                            query=AuditQuery(action="metadata.import"))
    assert event.actor == ADMIN.actor and event.target == wire["exported_at"][:60]
    assert event.detail["indicators"]["created"] == len(exported["indicators"])
    mirror = export_metadata(session=second, principal=ADMIN)
    assert same(mirror) == same(exported)
    again = import_metadata(session=second, principal=ADMIN, document=wire, dry_run=False)
    assert again.indicators.created == again.indicators.updated == 0
    assert again.units.created == again.units.updated == again.parents.created == 0
    assert again.indicators.unchanged == len(exported["indicators"])
    # The second instance reads old periods under the old formula, as the first does.
    for s in (session, second):
        write_values(session=s, actor="t", source="t", items=[
            DataValueWrite(indicator="CNTT_HO_SO_TIEP_NHAN", unit=A, period=p, value=40)
            for p in ("2024-12", "2025-01")] + [
            DataValueWrite(indicator="CNTT_HO_SO_TRUC_TUYEN", unit=A, period=p, value=10)
            for p in ("2024-12", "2025-01")])
        got = run_analytics(session=s, warehouse=Warehouse(), request=AnalyticsRequest(
            indicators=["CDS_TY_LE"], units=[A], periods=["2024-12", "2025-01"])).values()
        assert got[("CDS_TY_LE", A, "2024-12")] == 25.0
        assert got[("CDS_TY_LE", A, "2025-01")] == 75.0
    assert [v.effective_from for v in list_versions(
        session=second, principal=ADMIN, code="CDS_TY_LE")] == [date(2025, 1, 1), None]


def test_a_changed_definition_arrives_as_a_new_version(session: Session,
                                                       second: Session) -> None:
    import_metadata(session=second, principal=ADMIN, dry_run=False,
                    document=export_metadata(session=session, principal=ADMIN))
    edit_indicator(session=session, principal=ADMIN, code="BC_DOANH_THU", data=IndicatorEdit(
        decimals=3, effective_from=date(2026, 1, 1)))
    summary = import_metadata(session=second, principal=ADMIN, dry_run=False,
                              document=export_metadata(session=session, principal=ADMIN))
    assert (summary.indicators.updated, summary.indicators.created) == (1, 0)
    latest = list_versions(session=second, principal=ADMIN, code="BC_DOANH_THU")[0]
    assert latest.effective_from == date(2026, 1, 1)
    assert [c.field for c in latest.changes] == ["decimals"]


def test_dhis2_metadata_shape_round_trip(session: Session, second: Session) -> None:
    province_changes(session)
    dhis2 = export_metadata(session=session, principal=ADMIN, shape="dhis2")
    assert {"dataElements", "indicators", "organisationUnits",
            "dataElementGroups"} <= set(dhis2)
    element = next(e for e in dhis2["dataElements"] if e["code"] == "CNTT_HO_SO_TIEP_NHAN")
    assert element["aggregationType"] == "SUM" and len(element["id"]) == 11
    rate = next(i for i in dhis2["indicators"] if i["code"] == "CDS_TY_LE")
    assert f"#{{{element['id']}}}" in rate["numerator"] and rate["denominator"] == "1"
    province = next(u for u in dhis2["organisationUnits"] if u["code"] == "15"
                    and "closedDate" not in u)
    assert "parent" not in province
    summary = import_metadata(session=second, principal=ADMIN, document=dhis2, dry_run=False)
    assert summary.indicators.created == len(dhis2["dataElements"]) + len(dhis2["indicators"])
    back = export_metadata(session=second, principal=ADMIN)
    codes = {i["code"]: i for i in back["indicators"]}
    assert codes["CDS_TY_LE"]["formula"] == (
        "100 * (CNTT_HO_SO_TIEP_NHAN - CNTT_HO_SO_TRUC_TUYEN) / CNTT_HO_SO_TIEP_NHAN")
    assert codes["CDS_TY_LE"]["group"] == "cds"
    assert {u["uid"] for u in back["units"]} == {u["id"] for u in dhis2["organisationUnits"]}
    again = import_metadata(session=second, principal=ADMIN, document=dhis2, dry_run=False)
    assert again.indicators.created == again.indicators.updated == again.units.created == 0


def test_a_bad_document_changes_nothing(session: Session, second: Session) -> None:
    doc = export_metadata(session=session, principal=ADMIN)
    doc["indicators"][3]["agg_units"] = "sometimes"
    with pytest.raises(ValidationError) as refused:
        import_metadata(session=second, principal=ADMIN, document=doc, dry_run=False)
    assert refused.value.errors[0].row == 4 and refused.value.errors[0].field == "agg_units"
    assert export_metadata(session=second, principal=ADMIN)["units"] == []
    with pytest.raises(ValidationError):
        import_metadata(session=second, principal=ADMIN, document={"hello": 1}, dry_run=True)
