"""A request's session works out an access scope once, and again as soon as it writes:
a scope kept across a change of visibility would show a private indicator."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.services.catalog import hold_catalog, load_catalog
from fansipan.services.trust.access import data_scope
from fansipan.services.warehouse.indicators import (
    IndicatorVisibility,
    publish_all,
    set_visibility,
)
from fansipan.store.tables import IndicatorRow

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

