"""The catalogue as the administrator owns it: versions with their dates, the analytics
reading each period under the definition in force then, retiring, deleting, previews."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal, Role
from fansipan.errors import Conflict, FansipanError, PermissionDenied, ValidationError
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.insight.formula_preview import FormulaPreview, preview_formula
from fansipan.services.trust.audit import AuditQuery, search_events
from fansipan.services.warehouse.catalogue_admin import (
    IndicatorEdit,
    IndicatorRetire,
    delete_indicator,
    edit_indicator,
    retire_indicator,
)
from fansipan.services.warehouse.classes import ClassWrite, list_classes, save_class
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.indicator_history import list_versions
from fansipan.services.warehouse.indicators import (
    IndicatorCreate,
    create_indicator,
    get_indicator,
)
from tests.support.accounts import Account

A = "02683"  # Xã Bát Xát before the reform
RECEIVED, ONLINE = "CNTT_HO_SO_TIEP_NHAN", "CNTT_HO_SO_TRUC_TUYEN"


@pytest.fixture
def admin(make_account: Callable[..., Account]) -> Principal:
    return make_account(Role.ADMIN, username="catalogue.admin").principal


def put(session: Session, *rows: tuple[str, str, str, float]) -> None:
    write_values(session=session, actor="tester", source="test", items=[
        DataValueWrite(indicator=i, unit=u, period=p, value=v) for i, u, p, v in rows])


def grid(session: Session, code: str, periods: list[str]) -> dict[str, float | None]:
    got = run_analytics(session=session, warehouse=Warehouse(), request=AnalyticsRequest(
        indicators=[code], units=[A], periods=periods)).values()
    return {p: got.get((code, A, p)) for p in periods}


def derived(session: Session, admin: Principal, formula: str = f"100 * {ONLINE} / {RECEIVED}",
            code: str = "CNTT_TY_LE_MOI") -> None:
    create_indicator(session=session, principal=admin, data=IndicatorCreate(
        code=code, name_vi="Tỷ lệ hồ sơ trực tuyến (mới)", name_en="Online dossiers (new)",
        sector="it_dx", unit_vi="%", unit_en="%", decimals=1, formula=formula,
        levels=["commune"]))


def test_a_formula_change_keeps_old_periods_under_their_old_definition(
        session: Session, admin: Principal) -> None:
    put(session, (RECEIVED, A, "2024-12", 40), (ONLINE, A, "2024-12", 10),
        (RECEIVED, A, "2025-01", 50), (ONLINE, A, "2025-01", 20))
    derived(session, admin)
    assert grid(session, "CNTT_TY_LE_MOI", ["2024-12", "2025-01"]) == {
        "2024-12": 25.0, "2025-01": 40.0}
    edit_indicator(session=session, principal=admin, code="CNTT_TY_LE_MOI", data=IndicatorEdit(
        formula=f"100 * ({RECEIVED} - {ONLINE}) / {RECEIVED}", effective_from=date(2025, 1, 1),
        note="đổi sang tỷ lệ hồ sơ trực tiếp"))
    # December 2024 is still computed as it was; January 2025 under the new formula.
    assert grid(session, "CNTT_TY_LE_MOI", ["2024-12", "2025-01"]) == {
        "2024-12": 25.0, "2025-01": 60.0}
    # A period is read under the formula in force on its last day: 2024 ends before it.
    assert grid(session, "CNTT_TY_LE_MOI", ["2024"]) == {"2024": 25.0}
    history = list_versions(session=session, principal=admin, code="CNTT_TY_LE_MOI")
    assert [v.version for v in history] == [2, 1]
    assert history[0].effective_from == date(2025, 1, 1)
    assert history[0].actor == "catalogue.admin"
    assert [(c.field, c.old, c.new) for c in history[0].changes] == [(
        "formula", f"100 * {ONLINE} / {RECEIVED}",
        f"100 * ({RECEIVED} - {ONLINE}) / {RECEIVED}")]
    assert get_indicator(session=session, code="CNTT_TY_LE_MOI").formula == (
        f"100 * ({RECEIVED} - {ONLINE}) / {RECEIVED}")
    events = search_events(session=session, principal=admin,
                           query=AuditQuery(action="indicator.edit"))
    assert events[0].target == "CNTT_TY_LE_MOI"
    assert events[0].detail["changes"]["formula"]["old"] == f"100 * {ONLINE} / {RECEIVED}"


def test_a_shipped_indicator_edited_for_the_first_time_keeps_its_shipped_version(
        session: Session, admin: Principal) -> None:
    edit_indicator(session=session, principal=admin, code=RECEIVED, data=IndicatorEdit(
        name_en="Dossiers received (all channels)", decimals=0,
        effective_from=date(2026, 1, 1)))
    history = list_versions(session=session, principal=admin, code=RECEIVED)
    assert [(v.version, v.actor, v.effective_from) for v in history] == [
        (2, "catalogue.admin", date(2026, 1, 1)), (1, "reference", None)]
    assert [c.field for c in history[0].changes] == ["name_en"]  # decimals was already 0
    assert history[1].definition["name_en"] != "Dossiers received (all channels)"


def test_unknown_codes_and_cycles_are_refused_naming_the_part(
        session: Session, admin: Principal) -> None:
    with pytest.raises(ValidationError) as unknown:
        derived(session, admin, formula=f"100 * CNTT_HO_SO_TRUC_TUYN / {RECEIVED}")
    text = str(unknown.value.errors[0].message)
    assert "CNTT_HO_SO_TRUC_TUYN" in text and "CNTT_HO_SO_TRUC_TUYEN" in text  # did you mean
    derived(session, admin, code="X_A", formula=f"{ONLINE} + 1")
    derived(session, admin, code="X_B", formula="X_A * 2")
    with pytest.raises(ValidationError) as cycle:
        edit_indicator(session=session, principal=admin, code="X_A",
                       data=IndicatorEdit(formula="X_B / 2"))
    message = " ".join(str(e.message) for e in cycle.value.errors)
    assert "cycle" in message and "X_A" in message and "X_B" in message
    assert get_indicator(session=session, code="X_A").formula == f"{ONLINE} + 1"  # unchanged
    with pytest.raises(ValidationError) as base:
        edit_indicator(session=session, principal=admin, code=RECEIVED,
                       data=IndicatorEdit(formula=f"{ONLINE} * 2"))
    assert base.value.errors[0].field == "formula"


def test_an_indicator_with_data_is_retired_not_deleted(
        session: Session, admin: Principal) -> None:
    create_indicator(session=session, principal=admin, data=IndicatorCreate(
        code="CNTT_MOI", name_vi="Chỉ tiêu mới", name_en="A new one", sector="it_dx",
        levels=["commune"]))
    put(session, ("CNTT_MOI", A, "2024-03", 7))
    with pytest.raises(Conflict) as refused:
        delete_indicator(session=session, principal=admin, code="CNTT_MOI")
    assert "retire" in str(refused.value.errors[0].message)
    with pytest.raises(ValidationError) as meaning:
        edit_indicator(session=session, principal=admin, code="CNTT_MOI",
                       data=IndicatorEdit(agg_time="last"))
    assert meaning.value.errors[0].field == "agg_time"
    retire_indicator(session=session, principal=admin, code="CNTT_MOI",
                     data=IndicatorRetire(retired_from=date(2024, 7, 1), note="thay thế"))
    assert get_indicator(session=session, code="CNTT_MOI").retired_from == date(2024, 7, 1)
    put(session, ("CNTT_MOI", A, "2024-06", 8))  # a late report of a period before it
    with pytest.raises(FansipanError) as late:
        put(session, ("CNTT_MOI", A, "2024-07", 9))
    assert "retired" in str(late.value.errors[0].message)
    assert grid(session, "CNTT_MOI", ["2024-03", "2024-06"]) == {"2024-03": 7, "2024-06": 8}
    # One without data goes.
    create_indicator(session=session, principal=admin, data=IndicatorCreate(
        code="CNTT_THU", name_vi="Thử", name_en="Trial", sector="it_dx"))
    delete_indicator(session=session, principal=admin, code="CNTT_THU")
    with pytest.raises(FansipanError):
        get_indicator(session=session, code="CNTT_THU")
    actions = [e.action for e in search_events(session=session, principal=admin,
                                               query=AuditQuery(target="CNTT_THU"))]
    assert "indicator.delete" in actions and "indicator.create" in actions


def test_a_part_named_by_a_formula_is_not_deleted(session: Session, admin: Principal) -> None:
    create_indicator(session=session, principal=admin, data=IndicatorCreate(
        code="CNTT_PHAN", name_vi="Phần", name_en="Part", sector="it_dx"))
    derived(session, admin, code="CNTT_TONG", formula="CNTT_PHAN * 2")
    with pytest.raises(Conflict) as used:
        delete_indicator(session=session, principal=admin, code="CNTT_PHAN")
    assert "CNTT_TONG" in str(used.value.errors[0].message)


def test_a_preview_gives_the_values_before_saving(session: Session, admin: Principal) -> None:
    put(session, (RECEIVED, A, "2024-01", 40), (ONLINE, A, "2024-01", 10),
        (RECEIVED, A, "2024-02", 10), (ONLINE, A, "2024-02", 10))
    got = preview_formula(session=session, warehouse=Warehouse(), principal=admin,
                          data=FormulaPreview(formula=f"100*{ONLINE}/{RECEIVED}", units=[A],
                                              periods=["2024-01", "2024-02", "2024Q1"]))
    assert got.formula == f"100 * {ONLINE} / {RECEIVED}"
    assert {(c.period, c.value) for c in got.cells} == {
        ("2024-01", 25.0), ("2024-02", 100.0), ("2024Q1", 40.0)}
    assert get_indicator(session=session, code=RECEIVED)  # nothing was added
    with pytest.raises(ValidationError) as bad:
        preview_formula(session=session, warehouse=Warehouse(), principal=admin,
                        data=FormulaPreview(formula=f"100*{ONLINE}/", units=[A],
                                            periods=["2024"]))
    assert bad.value.errors


def test_sectors_and_groups(session: Session, admin: Principal) -> None:
    save_class(session=session, principal=admin, kind="group", code="chuyen_doi_so",
               data=ClassWrite(name_vi="Chuyển đổi số", name_en="Digital transformation"))
    save_class(session=session, principal=admin, kind="sector", code="giao_duc",
               data=ClassWrite(name_vi="Giáo dục", name_en="Education", sort=9))
    create_indicator(session=session, principal=admin, data=IndicatorCreate(
        code="GD_TRUONG", name_vi="Số trường", name_en="Schools", sector="giao_duc",
        group="chuyen_doi_so"))
    ind = get_indicator(session=session, code="GD_TRUONG")
    assert (ind.sector, ind.group) == ("giao_duc", "chuyen_doi_so")
    save_class(session=session, principal=admin, kind="group", code="chuyen_doi_so",
               data=ClassWrite(name_vi="Chuyển đổi số (CĐS)", name_en="Digital"))
    assert [g.name_vi for g in list_classes(session=session, kind="group")] == [
        "Chuyển đổi số (CĐS)"]
    # Each save is an audit event with the names before and after; so is the indicator.
    def event(action: str, target: str) -> dict[str, object]:
        [found] = search_events(session=session, principal=admin,
                                query=AuditQuery(action=action, target=target))
        assert found.actor == "catalogue.admin"
        return found.detail
    assert event("sector.create", "giao_duc")["new"] == {
        "name_vi": "Giáo dục", "name_en": "Education", "sort": 9}
    assert event("group.create", "chuyen_doi_so")["old"] is None
    assert event("group.edit", "chuyen_doi_so")["old"] == {
        "name_vi": "Chuyển đổi số", "name_en": "Digital transformation", "sort": 0}
    event("indicator.create", "GD_TRUONG")
    with pytest.raises(ValidationError) as unknown:
        edit_indicator(session=session, principal=admin, code="GD_TRUONG",
                       data=IndicatorEdit(group="chuyen_doi"))
    assert unknown.value.errors[0].field == "group"
    with pytest.raises(ValidationError):
        save_class(session=session, principal=admin, kind="sector", code="Giáo dục",
                   data=ClassWrite(name_vi="x", name_en="x"))


def test_only_administrators_manage_the_catalogue(
        session: Session, make_account: Callable[..., Account]) -> None:
    leader = make_account(Role.LEADER, Role.OFFICER, Role.APPROVER).principal
    with pytest.raises(PermissionDenied):
        edit_indicator(session=session, principal=leader, code=RECEIVED,
                       data=IndicatorEdit(name_en="x"))
    with pytest.raises(PermissionDenied):
        retire_indicator(session=session, principal=leader, code=RECEIVED,
                         data=IndicatorRetire(retired_from=date(2025, 1, 1)))
    with pytest.raises(PermissionDenied):
        save_class(session=session, principal=leader, kind="group", code="x",
                   data=ClassWrite(name_vi="x", name_en="x"))
