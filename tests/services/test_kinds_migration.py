"""The migration that gives each indicator its kind keeps a store's values and fills the
kinds of the shipped catalogue, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import make_url

from fansipan.services.catalog import forget_catalog, load_catalog
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.reference import load_reference_data
from fansipan.store.engine import make_engine, make_session_factory
from fansipan.store.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    upgrade_store,
)
from tests.conftest import BACKENDS


def _before_kinds() -> str:
    """The revision the kinds migration follows (it moves as others land before it)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from fansipan.store.migrate import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    down = ScriptDirectory.from_config(config).get_revision("0013_numbers").down_revision
    return str(down)


BEFORE = _before_kinds()


@pytest.fixture(params=BACKENDS)
def old_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty store migrated only up to the revision before kinds."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/old.sqlite3"
        upgrade_store(engine := make_engine(url), BEFORE)
        engine.dispose()
        yield url
        return
    base = request.getfixturevalue("pg_base_url")
    admin = make_url(f"{base}/postgres")
    name = "kinds_migration"

    def sql(statement: str) -> None:
        with psycopg.connect(host=admin.host, port=admin.port, user=admin.username,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(statement)

    sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    sql(f'CREATE DATABASE "{name}"')
    upgrade_store(engine := make_engine(f"{base}/{name}"), BEFORE)
    engine.dispose()
    yield f"{base}/{name}"
    sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_older_store_with_values_gets_the_kinds(old_store: str) -> None:
    engine = make_engine(old_store)
    try:
        # The reference data and one value, written as the older schema had them.
        upgrade_store(engine)
        with make_session_factory(engine)() as session:
            load_reference_data(session=session)
            write_values(session=session, actor="tests", source="tests", items=[
                DataValueWrite(indicator="BC_TONG_XA", unit="02683", period="2024", value=1)])
        with engine.begin() as conn:
            conn.execute(text("UPDATE indicators SET kind = 'amount'"))
        command.downgrade(alembic_config(engine), BEFORE)
        assert current_revision(engine) == BEFORE
        upgrade_store(engine)
        assert current_revision(engine) == head_revision()
        forget_catalog()
        with make_session_factory(engine)() as session, session.begin():
            catalog = load_catalog(session)
            kinds = {c: i.kind.value for c, i in catalog.indicators.items()}
            values = session.execute(text("SELECT COUNT(*) FROM data_values")).scalar()
        assert values == 1
        assert kinds["BC_TONG_XA"] == "denominator"
        assert kinds["CNTT_TY_LE_HO_SO_TRUC_TUYEN"] == "rate"  # a percent
        assert kinds["VT_TB_BRDD_100_DAN"] == "rate"  # per 100 people
        assert kinds["CDS_CHI_SO_DTI"] == "index"
        assert kinds["CDS_DAN_SO"] == "amount"
    finally:
        engine.dispose()
