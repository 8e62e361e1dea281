"""A request's session works out an access scope once, and again as soon as it writes:
a scope kept across a change of visibility would show a private indicator. A series kept
for the forecast panel is kept per asker's reach and only until a value changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import update
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal, Role
from fansipan.forecasting import Series
from fansipan.services.catalog import hold_catalog, load_catalog
from fansipan.services.foresight.series import SeriesKey, load_series
from fansipan.services.trust.access import data_scope
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.indicators import (
    IndicatorVisibility,
    publish_all,
    set_visibility,
)
from fansipan.services.warehouse.targets import TargetWrite, set_target, target_rows
from fansipan.store.tables import IndicatorRow
from tests.support.accounts import Account

STATIONS = "VT_TRAM_5G"
SYSTEM = Principal.system("tests")


def _reads(session: Session, principal: Principal, code: str) -> bool:
    with session.begin():
        catalog = load_catalog(session)
        return data_scope(session, catalog, principal).allows_indicator(
            catalog.indicator_ids[code])


def test_a_request_works_its_scope_out_once_per_principal(session: Session) -> None:
    hold_catalog(session)
    anonymous = Principal.anonymous()
    with session.begin():
        catalog = load_catalog(session)
        first = data_scope(session, catalog, anonymous)
        assert data_scope(session, catalog, anonymous) is first
        assert data_scope(session, catalog, SYSTEM) is not first


def test_a_scope_is_worked_out_again_after_the_session_writes(session: Session) -> None:
    hold_catalog(session)
    anonymous = Principal.anonymous()
    set_visibility(session=session, principal=SYSTEM, code=STATIONS,
                   data=IndicatorVisibility(public=True))
    assert _reads(session, anonymous, STATIONS)
    set_visibility(session=session, principal=SYSTEM, code=STATIONS,
                   data=IndicatorVisibility(public=False))
    assert not _reads(session, anonymous, STATIONS)
    publish_all(session=session, principal=SYSTEM, why="tests")
    assert _reads(session, anonymous, STATIONS)


def test_an_update_statement_alone_drops_the_kept_scope(session: Session) -> None:
    hold_catalog(session)
    anonymous = Principal.anonymous()
    with session.begin():
        session.execute(update(IndicatorRow).values(public=False))
    assert not _reads(session, anonymous, STATIONS)
    with session.begin():
        session.execute(update(IndicatorRow).where(IndicatorRow.code == STATIONS)
                        .values(public=True))
    assert _reads(session, anonymous, STATIONS)


def test_a_session_that_holds_nothing_works_it_out_each_time(session: Session) -> None:
    anonymous = Principal.anonymous()
    with session.begin():
        catalog = load_catalog(session)
        assert data_scope(session, catalog, anonymous) is not data_scope(
            session, catalog, anonymous)


RECEIVED = "CNTT_HO_SO_TIEP_NHAN"
WARD = "02647"  # Phường Lào Cai from 2025-07-01: six old wards merged (Kim Tân among them)
TODAY = date(2026, 1, 1)


def _series(session: Session, warehouse: Warehouse, principal: Principal | None) -> Series:
    with session.begin():
        catalog = load_catalog(session)
        key = SeriesKey(RECEIVED, catalog.unit(WARD, TODAY).id)
    return load_series(session=session, warehouse=warehouse, catalog=catalog, keys=[key],
                       today=TODAY, principal=principal)[key]


def test_a_kept_series_is_the_askers_own_until_a_value_changes(
        session: Session, make_account: Callable[..., Account]) -> None:
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator=RECEIVED, unit=u, period=p, value=v)
        for u, p, v in (("02647", "2024-03", 40), ("02644", "2024-03", 60),
                        (WARD, "2025-09", 70))])
    warehouse = Warehouse()
    whole = _series(session, warehouse, SYSTEM)
    assert _series(session, warehouse, SYSTEM) is whole  # kept: nothing changed
    assert {o.period.id: o.value for o in whole.observations}["2024-03"] == 100
    # An account of the new ward alone may not read its predecessors' history.
    ward = make_account(Role.OFFICER, units=[WARD], units_as_of="2025-07-01").principal
    own = {o.period.id: o.value for o in _series(session, warehouse, ward).observations}
    assert own == {"2025-09": 70}
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator=RECEIVED, unit=WARD, period="2025-10", value=5)])
    moved = _series(session, warehouse, SYSTEM)
    assert moved is not whole and {o.period.id for o in moved.observations} >= {"2025-10"}


def test_a_requests_targets_are_read_once_and_again_after_a_write(session: Session) -> None:
    hold_catalog(session)
    anonymous = Principal.anonymous()

    def listed() -> list[str]:
        with session.begin():
            catalog = load_catalog(session)
            return [catalog.indicator_codes[r.indicator_id]
                    for r in target_rows(session, catalog, anonymous)]

    publish_all(session=session, principal=SYSTEM, why="tests")
    before = listed()
    set_target(session=session, actor="tests", data=TargetWrite(
        indicator=RECEIVED, unit=WARD, period="2026", planned=100, document="test"))
    assert listed() == [*before, RECEIVED]
    with session.begin():
        session.execute(update(IndicatorRow).where(IndicatorRow.code == RECEIVED)
                        .values(public=False))
    assert listed() == before  # the scope and the rows were both worked out again
