"""A reorganisation loaded with a dry run, then for real, maps history as the 2025 one
does; the 2025 reform itself is a file of the same shape."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.data import reference as ref
from fansipan.domain.access import Principal, Role
from fansipan.errors import Conflict, ValidationError
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.trust.audit import AuditQuery, search_events
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.reorganisations import Reorganisation, reorganise
from fansipan.services.warehouse.targets import TargetWrite, set_target
from fansipan.services.warehouse.unit_admin import UnitCreate, UnitEdit, add_unit, edit_unit
from fansipan.services.warehouse.units import get_unit, list_units
from fansipan.store.tables import UnitRow, UnitSuccessionRow
from tests.support.accounts import Account

BAT_XAT, A_MU_SUNG = "02683", "02686"  # two communes of the new Lào Cai (from 2025-07-01)
RECEIVED = "CNTT_HO_SO_TIEP_NHAN"
MERGER = {
    "effective": "2026-07-01", "act": "Nghị quyết thử (minh họa)",
    "units": [{"code": BAT_XAT, "name_vi": "Xã Bát Xát", "name_en": "Bat Xat commune",
               "level": "commune", "parent_code": "15"}],
    "successions": [{"old_code": BAT_XAT, "new_code": BAT_XAT},
                    {"old_code": A_MU_SUNG, "new_code": BAT_XAT}],
}


@pytest.fixture
def admin(make_account: Callable[..., Account]) -> Principal:
    return make_account(Role.ADMIN, username="units.admin").principal


def counts(session: Session) -> tuple[int, int]:
    with session.begin():
        return (session.scalar(select(func.count()).select_from(UnitRow)) or 0,
                session.scalar(select(func.count()).select_from(UnitSuccessionRow)) or 0)


def total(session: Session, unit: str, period: str, hierarchy: str, as_of: date) -> float | None:
    got = run_analytics(session=session, warehouse=Warehouse(), request=AnalyticsRequest(
        indicators=[RECEIVED], units=[unit], periods=[period], hierarchy=hierarchy,
        as_of=as_of)).values()
    return got.get((RECEIVED, unit, period))


def test_a_merger_with_a_dry_run_then_for_real(session: Session, admin: Principal) -> None:
    write_values(session=session, actor="tester", source="test", items=[
        DataValueWrite(indicator=RECEIVED, unit=BAT_XAT, period="2026-03", value=30),
        DataValueWrite(indicator=RECEIVED, unit=A_MU_SUNG, period="2026-03", value=12),
        DataValueWrite(indicator=RECEIVED, unit=A_MU_SUNG, period="2026", value=150)])
    set_target(session=session, principal=Principal.system("tests"), data=TargetWrite(
        indicator=RECEIVED, unit=A_MU_SUNG, period="2026", planned=140))
    before = counts(session)
    plan = Reorganisation.model_validate(MERGER)
    dry = reorganise(session=session, principal=admin, plan=plan, dry_run=True)
    assert counts(session) == before  # a dry run changes nothing
    assert dry.dry_run
    assert sorted(u.code for u in dry.ended) == [BAT_XAT, A_MU_SUNG]
    assert [u.code for u in dry.created] == [BAT_XAT]
    assert (dry.successions_added, dry.spanning_values, dry.spanning_targets) == (2, 1, 1)
    assert {(s.kind, s.unit, s.period) for s in dry.spanning} == {
        ("value", A_MU_SUNG, "2026"), ("target", A_MU_SUNG, "2026")}
    mapped = {m.old_code: ([s.code for s in m.successors], m.values) for m in dry.mapped}
    assert mapped == {BAT_XAT: ([BAT_XAT], 1), A_MU_SUNG: ([BAT_XAT], 2)}
    assert get_unit(session=session, ref=A_MU_SUNG, as_of=date(2026, 8, 1)).valid_to is None

    real = reorganise(session=session, principal=admin, plan=plan, dry_run=False)
    assert (real.ended_count, real.created_count, real.successions_added) == (2, 1, 2)
    assert counts(session) == (before[0] + 1, before[1] + 2)
    after = date(2026, 8, 1)
    assert A_MU_SUNG not in {u.code for u in list_units(session=session, as_of=after)}
    assert get_unit(session=session, ref=BAT_XAT, as_of=after).parent == "15"
    # As in 2025: history mapped into the unit in force, or kept where it was stored.
    assert total(session, BAT_XAT, "2026-03", "mapped", after) == 42
    assert total(session, BAT_XAT, "2026-03", "as_of", date(2026, 3, 31)) == 30
    assert total(session, "15", "2026-03", "as_of", date(2026, 3, 31)) == 42
    again = reorganise(session=session, principal=admin, plan=plan, dry_run=False)
    assert (again.ended_count, again.created_count, again.successions_added) == (0, 0, 0)
    assert again.already_ended == 2 and again.kept_count == 1
    event = search_events(session=session, principal=admin,
                          query=AuditQuery(action="units.reorganise"))[-1]
    assert event.detail["created"] == 1 and event.detail["spanning_values"] == 1


def test_a_bad_file_is_refused_whole_naming_the_row(session: Session, admin: Principal) -> None:
    before = counts(session)
    plan = Reorganisation.model_validate({**MERGER, "successions": [
        {"old_code": BAT_XAT, "new_code": BAT_XAT},
        {"old_code": "99999", "new_code": BAT_XAT},
        {"old_code": A_MU_SUNG, "new_code": "88888"}]})
    with pytest.raises(ValidationError) as refused:
        reorganise(session=session, principal=admin, plan=plan, dry_run=False)
    where = {(e.field, e.row, e.value) for e in refused.value.errors}
    assert where == {("successions.old_code", 2, "99999"), ("successions.new_code", 3, "88888")}
    assert counts(session) == before


def test_the_2025_reform_is_a_file_of_the_same_shape(session: Session, admin: Principal) -> None:
    """Loaded by the reference load already: a dry run finds nothing left to do, and says
    where the old units' history lands."""
    plan = Reorganisation.model_validate(ref.read_reorganisation())
    assert plan.effective == date(2025, 7, 1) and len(plan.units) == 100
    report = reorganise(session=session, principal=admin, plan=plan, dry_run=True)
    assert (report.ended_count, report.created_count, report.successions_added) == (0, 0, 0)
    assert report.kept_count == 100
    mapped = {m.old_code: [s.code for s in m.successors] for m in report.mapped}
    assert mapped["02641"] == ["02647"]  # Phường Lào Cai (old) → Phường Lào Cai (new)
    assert mapped["10"] == ["15"] and mapped["080"] == ["15"]  # a district: its province's
    # The shipped unit list and the reform file say the same.
    listed = {(u.code, u.name, u.parent_code) for u in ref.read_units()
              if u.valid_from == plan.effective}
    assert listed == {(u.code, u.name_vi, u.parent_code) for u in plan.units}


def test_units_and_agencies_are_added_and_renamed(session: Session, admin: Principal) -> None:
    agency = add_unit(session=session, principal=admin, data=UnitCreate(
        code="bql-kkt", name_vi="Ban Quản lý Khu kinh tế", name_en="Economic Zone Authority",
        level="agency",
        parent="15", valid_from=date(2025, 7, 1)))
    assert (agency.parent, agency.level) == ("15", "agency")
    with pytest.raises(Conflict):
        add_unit(session=session, principal=admin, data=UnitCreate(
            code="bql-kkt", name_vi="Ban KKT", level="agency", parent="15",
            valid_from=date(2026, 1, 1)))
    with pytest.raises(ValidationError):
        add_unit(session=session, principal=admin, data=UnitCreate(
            code="Ban KKT", name_vi="Ban KKT", level="agency", parent="15"))
    renamed = edit_unit(session=session, principal=admin, ref="bql-kkt", data=UnitEdit(
        name_vi="Ban Quản lý Khu kinh tế tỉnh Lào Cai"))
    assert renamed.name == "Ban Quản lý Khu kinh tế tỉnh Lào Cai"
    ended = edit_unit(session=session, principal=admin, ref="bql-kkt",
                      data=UnitEdit(valid_to=date(2026, 12, 31)))
    assert ended.valid_to == date(2026, 12, 31)
    events = search_events(session=session, principal=admin,
                           query=AuditQuery(target="bql-kkt"))
    assert [e.action for e in events].count("unit.edit") == 2
