"""Stores for tests: each test gets its own database, copied from a prepared template."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from fansipan.services.warehouse.reference import load_reference_data
from fansipan.store.engine import make_engine, make_session_factory
from fansipan.store.migrate import upgrade_store

_counter = itertools.count(1)


def prepare(url: str, *, reference: bool) -> None:
    engine = make_engine(url)
    try:
        upgrade_store(engine)
        if reference:
            with make_session_factory(engine)() as session:
                load_reference_data(session=session)
    finally:
        engine.dispose()


class SqliteTemplates:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: dict[str, Path] = {}

    def new(self, kind: str, tmp: Path) -> str:
        if kind not in self._made:
            path = self.root / f"template-{kind}.sqlite3"
            prepare(f"sqlite:///{path}", reference=kind == "reference")
            self._made[kind] = path
        target = tmp / "fansipan.sqlite3"
        shutil.copyfile(self._made[kind], target)
        return f"sqlite:///{target}"


class PostgresTemplates:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._made: set[str] = set()

    def _admin(self) -> psycopg.Connection[tuple[object, ...]]:
        url = make_url(f"{self.base_url}/postgres")
        return psycopg.connect(host=url.host, port=url.port, user=url.username,
                               dbname="postgres", autocommit=True)

    def new(self, kind: str) -> Iterator[str]:
        template = f"template_{kind}"
        with self._admin() as conn:
            if kind not in self._made:
                conn.execute(f'CREATE DATABASE "{template}"')
                prepare(f"{self.base_url}/{template}", reference=kind == "reference")
                self._made.add(kind)
            name = f"test_{next(_counter)}"
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        yield f"{self.base_url}/{name}"
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
