"""Another process's edit to the catalogue is seen at the next read, renames included.

Every server worker keeps the catalogue in memory. An edit made through another worker
reaches this one only through the store: the edit is written here over a connection
of its own, as another process would, without this process being told.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from fansipan.services.catalog import load_catalog
from fansipan.store.engine import make_engine

BAT_XAT = "02683"


def _elsewhere(store_url: str, statement: str, **params: object) -> None:
    engine = make_engine(store_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(statement), params)
    finally:
        engine.dispose()


def _name(session: Session, code: str) -> str:
    with session.begin():
        catalog = load_catalog(session)
        return next(u.name for u in catalog.hierarchy if u.code == code)


def _indicator_name(session: Session, code: str) -> str:
    with session.begin():
        return load_catalog(session).indicators[code].name_vi


def test_a_unit_renamed_by_another_process_is_seen(session: Session, store_url: str) -> None:
    before = _name(session, BAT_XAT)
    _elsewhere(store_url, "UPDATE units SET name_vi = :name WHERE code = :code",
               name="Xã Bát Xát (đổi tên)", code=BAT_XAT)
    assert before != "Xã Bát Xát (đổi tên)"
    assert _name(session, BAT_XAT) == "Xã Bát Xát (đổi tên)"


def test_an_indicator_edited_by_another_process_is_seen(session: Session,
                                                        store_url: str) -> None:
    code = "CNTT_HO_SO_TIEP_NHAN"
    _indicator_name(session, code)
    _elsewhere(store_url, "UPDATE indicators SET name_vi = :name WHERE code = :code",
               name="Hồ sơ tiếp nhận (sửa)", code=code)
    assert _indicator_name(session, code) == "Hồ sơ tiếp nhận (sửa)"


def test_a_data_write_leaves_the_catalogue_version_alone(session: Session,
                                                         store_url: str) -> None:
    """Values are written all day: they must not make every worker read the catalogue."""
    def version() -> int:
        with session.begin():
            return int(session.execute(text("SELECT version FROM catalogue_version")).scalar_one())

    before = version()
    _elsewhere(store_url, "UPDATE data_values SET comment = 'x' WHERE id IN "
               "(SELECT id FROM data_values LIMIT 1)")
    assert version() == before
