"""Backup → restore gives back the same content, value for value, on both stores."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, Table, inspect, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, Role
from fansipan.errors import Conflict
from fansipan.services.trust.backups import create_backup, restore_backup
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.settings import Settings
from fansipan.store.digest import store_digest
from fansipan.store.engine import make_engine
from tests.support.accounts import Account


def _dump(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table except the audit log (a restore appends its own event)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            out = {}
            for name in sorted(inspect(conn).get_table_names()):
                table = Table(name, MetaData(), autoload_with=conn)
                order = list(table.primary_key.columns) or list(table.columns)
                out[name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
            return out
    finally:
        engine.dispose()


@pytest.fixture
def restore_url(store_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second store on the same backend, with nothing in it yet."""
    if store_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path}/restored.sqlite3"
        return
    yield from request.getfixturevalue("pg_templates").new("empty")


def test_backup_and_restore_round_trip(
    settings: Settings, session: Session, restore_url: str, tmp_path: Path,
    make_account: Callable[..., Account],
) -> None:
    make_account(Role.OFFICER, units=["082"], units_as_of="2025-01-01")
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator="VT_TRAM_5G", unit="02683", period=f"2024-{m:02d}",
                       value=m * 3, comment="ghi chú tiếng Việt") for m in range(1, 13)])
    before = _dump(settings.store_url)
    dest = tmp_path / "fansipan.backup"
    done = create_backup(settings=settings, dest=dest, principal=Principal.system("tests"))
    assert done.rows > 1000 and dest.is_file() and done.manifest.is_file()
    with pytest.raises(Conflict, match="exists already"):
        create_backup(settings=settings, dest=dest, principal=Principal.system("tests"))

    with pytest.raises(Conflict, match="--replace"):
        restore_backup(settings=settings, src=dest, principal=Principal.system("tests"))
    target = Settings(data_dir=tmp_path, database_url=restore_url)
    restored = restore_backup(settings=target, src=dest, principal=Principal.system("tests"),
                              replace=True)
    assert restored.rows == done.rows
    after = _dump(restore_url)
    # Identical, row for row, except the two events the backup and the restore appended.
    assert len(after.pop("audit_events")) == len(before.pop("audit_events")) + 1
    after.pop("audit_head"), before.pop("audit_head")
    assert after == before
    engine = make_engine(restore_url)
    with engine.connect() as conn:
        assert store_digest(conn)["data_values"]["rows"] == 12
    engine.dispose()


def test_restore_onto_a_new_machine_creates_the_data_directory(
        tmp_path: Path, sqlite_templates: object) -> None:
    """`fansipan restore BACKUP --data-dir NEW` where NEW does not exist yet (a new
    machine): the folder is made, private to its owner, and the store is identical."""
    from typer.testing import CliRunner

    from fansipan.cli import app

    url = sqlite_templates.new("reference", tmp_path)  # type: ignore[attr-defined]
    engine = make_engine(url)
    with Session(engine) as session:
        write_values(session=session, actor="tests", source="tests", items=[
            DataValueWrite(indicator="VT_TRAM_5G", unit="02683", period=f"2024-{m:02d}",
                           value=m * 7) for m in range(1, 7)])
    engine.dispose()
    before = _dump(url)
    backup = tmp_path / "old.backup"
    cli = CliRunner()
    made = cli.invoke(app, ["backup", str(backup)], env={"FANSIPAN_DATABASE_URL": url})
    assert made.exit_code == 0, made.output
    new = tmp_path / "new-machine" / "srv" / "fansipan"
    assert not new.parent.exists()
    done = cli.invoke(app, ["restore", str(backup), "--data-dir", str(new)],
                      env={"FANSIPAN_DATABASE_URL": ""})
    assert done.exit_code == 0, done.output
    assert "trùng khớp với bản sao lưu" in done.output  # the CLI speaks Vietnamese by default
    store = new / "fansipan.sqlite3"
    assert store.is_file()
    assert new.stat().st_mode & 0o777 == 0o700 and store.stat().st_mode & 0o777 == 0o600
    after = _dump(f"sqlite:///{store}")
    # The backup's own event went to the old store after its snapshot; the restore's
    # event is the one new row of the new store.
    events = after.pop("audit_events")
    assert events[:-1] == before.pop("audit_events") and events[-1][4] == "backup.restore"
    after.pop("audit_head"), before.pop("audit_head")
    assert after == before and len(after["data_values"]) == 6
