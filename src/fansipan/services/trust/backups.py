"""Backups (sao lưu) and restores, checked by a content digest.

`create_backup` takes a consistent online snapshot (SQLite's backup API; `pg_dump`
on an exported snapshot for PostgreSQL) and writes a manifest beside it with the
digest of that very snapshot. `restore_backup` loads it into the configured store and
refuses to finish silently when the restored content differs. Both are audited.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from fansipan import __version__
from fansipan.domain.access import Principal
from fansipan.errors import ConfigurationError, Conflict, StoreUnavailable, ValidationError, msg
from fansipan.services.trust.audit import record_alone
from fansipan.settings import Settings
from fansipan.store.digest import differences, store_digest
from fansipan.store.engine import make_engine, make_session_factory


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Path
    tables: int
    rows: int
    size: int


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def create_backup(*, settings: Settings, dest: Path, principal: Principal,
                  overwrite: bool = False) -> BackupResult:
    if dest.exists() and not overwrite:
        raise Conflict(msg("{dest} exists already; choose another file name or pass --overwrite",
                           dest=dest))
    if not dest.parent.is_dir():
        raise ValidationError(msg("The folder {parent} does not exist; create it first",
                                  parent=dest.parent))
    partial = dest.with_name(dest.name + ".partial")
    if settings.is_sqlite:
        fmt, digest = "sqlite", _backup_sqlite(settings, partial)
    else:
        fmt, digest = "pg_dump-custom", _backup_postgres(settings, partial)
    _fsync(partial)
    os.replace(partial, dest)
    manifest = {"format": fmt, "created_at": datetime.now(UTC).isoformat(),
                "fansipan_version": __version__, "tables": digest}
    manifest_file = manifest_path(dest)
    manifest_file.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    rows = sum(int(str(t["rows"])) for t in digest.values())
    _audit(settings, principal, "backup.create", str(dest), {"format": fmt, "rows": rows})
    return BackupResult(path=dest, manifest=manifest_file, tables=len(digest), rows=rows,
                        size=dest.stat().st_size)


def restore_backup(*, settings: Settings, src: Path, principal: Principal,
                   replace: bool = False) -> BackupResult:
    """Load `src` into the configured store, then check it is identical to the snapshot."""
    manifest_file = manifest_path(src)
    if not src.is_file() or not manifest_file.is_file():
        raise ValidationError(msg("{src} and its manifest {name} must both exist; restore a file "
                                  "made by 'fansipan backup'", src=src, name=manifest_file.name))
    manifest = json.loads(manifest_file.read_text())
    expected: dict[str, dict[str, object]] = manifest["tables"]
    if settings.is_sqlite != (manifest["format"] == "sqlite"):
        raise ValidationError(msg("{src} is a {manifest} backup; the configured store is {value}",
                                  src=src, manifest=manifest['format'],
                                  value='SQLite' if settings.is_sqlite else 'PostgreSQL'))
    if settings.is_sqlite:
        _restore_sqlite(settings, src, replace)
    else:
        _restore_postgres(settings, src, replace)
    engine = make_engine(settings.store_url)
    try:
        with engine.connect() as conn:
            found = store_digest(conn)
    finally:
        engine.dispose()
    problems = differences(expected, found)
    if problems:
        raise StoreUnavailable(msg("The restored database is not identical to the backup: "
                                   "{problems}", problems="; ".join(problems[:5])))
    rows = sum(int(str(t["rows"])) for t in found.values())
    _audit(settings, principal, "backup.restore", str(src), {"rows": rows})
    return BackupResult(path=src, manifest=manifest_file, tables=len(found), rows=rows,
                        size=src.stat().st_size)


def _audit(settings: Settings, principal: Principal, action: str, target: str,
           detail: dict[str, object]) -> None:
    engine = make_engine(settings.store_url)
    try:
        session: Session = make_session_factory(engine)()
        with session:
            record_alone(session, principal, action, target=target[:200], detail=detail)
    finally:
        engine.dispose()


def _fsync(path: Path) -> None:
    with path.open("rb") as f:
        os.fsync(f.fileno())


# --- SQLite -----------------------------------------------------------------------------


def _sqlite_path(settings: Settings) -> str:
    database = make_url(settings.store_url).database
    if not database or database == ":memory:":
        raise ConfigurationError(msg("Only a SQLite file can be backed up or restored"))
    return database


def _backup_sqlite(settings: Settings, partial: Path) -> dict[str, dict[str, object]]:
    source = sqlite3.connect(_sqlite_path(settings), timeout=30)
    target = sqlite3.connect(partial)
    try:
        source.backup(target)  # one step: a consistent snapshot, even while others write
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        target.close()
        source.close()
    return _file_digest(partial)


def _file_digest(path: Path) -> dict[str, dict[str, object]]:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return store_digest(conn)
    finally:
        engine.dispose()


def _restore_sqlite(settings: Settings, src: Path, replace: bool) -> None:
    path = Path(_sqlite_path(settings))
    if path.exists() and not replace and _file_digest(path):
        raise Conflict(msg("The store {path} is not empty; pass --replace to overwrite it (stop "
                           "the server first)", path=str(path)))
    fresh = not path.exists()
    # Restoring onto a new machine: the data directory may not exist yet. It holds the
    # accounts' password digests, so only its owner may enter it.
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(msg(
            "The data directory {folder} cannot be created ({reason}); create it, or choose "
            "another with --data-dir", folder=str(path.parent), reason=exc.strerror)) from None
    try:
        source = sqlite3.connect(src)
        target = sqlite3.connect(path, timeout=30)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    except sqlite3.Error as exc:
        raise StoreUnavailable(msg(
            "The backup could not be restored into {path}: {reason}; nothing usable was "
            "written there", path=str(path), reason=str(exc))) from None
    if fresh:
        path.chmod(0o600)


# --- PostgreSQL -------------------------------------------------------------------------


def _tool(name: str) -> str:
    """The newest installed client tool: it must be at least the server's version."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    found = candidates[-1] if candidates else shutil.which(name)
    if not found:
        raise ConfigurationError(msg("{name} is not installed; install the PostgreSQL client tools "
                                     "(apt-get install postgresql-client)", name=name))
    return found


def _libpq(settings: Settings) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and an environment that carries it."""
    url = make_url(settings.store_url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    # The command is built here from fixed arguments and the configured store's URL.
    done = subprocess.run(cmd, env=env, capture_output=True, text=True,  # noqa: S603
                          check=False)
    if done.returncode != 0:
        raise StoreUnavailable(msg("{what} failed: {reason}", what=what,
                                   reason=done.stderr.strip()[:500]))


def _backup_postgres(settings: Settings, partial: Path) -> dict[str, dict[str, object]]:
    url, env = _libpq(settings)
    engine = make_engine(settings.store_url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            # pg_dump reads the snapshot this transaction exported, and the digest is
            # computed inside the same transaction: both see exactly the same rows.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", "--file", str(partial), "--dbname", url],
                 env, "pg_dump")
            return store_digest(conn)
    finally:
        engine.dispose()


def _restore_postgres(settings: Settings, src: Path, replace: bool) -> None:
    url, env = _libpq(settings)
    engine = make_engine(settings.store_url)
    try:
        with engine.begin() as conn:
            if _has_tables(conn):
                if not replace:
                    raise Conflict(msg("The database is not empty; pass --replace to overwrite it "
                                       "(stop the server first)"))
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
          "--single-transaction", "--dbname", url, str(src)], env, "pg_restore")


def _has_tables(conn: Connection) -> bool:
    return bool(conn.execute(text(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    )).scalar_one())
