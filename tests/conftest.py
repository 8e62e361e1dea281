"""Shared fixtures: stores on SQLite and on a real PostgreSQL server, apps, sessions.

`store_url` is parametrised over both backends, so every test that uses it runs on
SQLite and on PostgreSQL. Each test gets its own fresh database.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from tests.support.accounts import Account
    from tests.support.oidc import Platform
    from tests.support.stores import PostgresTemplates, SqliteTemplates

from fansipan.settings import Settings
from fansipan.store.engine import make_engine, make_session_factory
from tests.support.pgserver import PgServer, start_server

# The CLI's consoles read the terminal's width once, when their module is first imported:
# one width for the whole session keeps their tables alike whichever test imports them
# first (with several workers, that order differs from run to run).
os.environ["COLUMNS"] = "250"

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _light_argon2() -> None:
    """Argon2id at its lightest in the tests' own process. The tests make thousands of
    accounts, each hashed twice and checked once; with the RFC 9106 profile (64 MiB, three
    passes) that was a fifth of the suite's time. The hashes stay Argon2id, made and
    checked by the same code; servers the tests start in processes of their own keep the
    real profile (and rehash a light hash at its first sign-in, as they would an old one).
    """
    from argon2 import PasswordHasher

    from fansipan.services.trust import passwords

    light = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    passwords._hasher = lambda: light  # type: ignore[assignment]


_light_argon2()


# Folders whose files share one costly session fixture (a demo store served to the
# browser, a demo loaded for the reports): all their tests go to one worker.
_SHARED_FOLDERS = ("e2e", "reports")
# A file of a shared folder that gets a worker and a demo server of its own: its pages at
# every size take as long as the rest of the folder together.
_OWN_GROUP = ("e2e", "test_screens.py")
# The longest groups, handed out first so that none is left to run alone at the end.
_LONG_FIRST = ("e2e/test_screens.py", "e2e", "api/test_schemathesis.py",
               "security/test_authorization_matrix.py", "operations/test_workers.py")


# Long files whose tests run once per store: a group per store, so that the two halves
# run side by side instead of one after the other at the end.
_BY_STORE = ("api/test_schemathesis.py", "security/test_authorization_matrix.py")


def _group(item: pytest.Item) -> str:
    parts = item.path.relative_to(Path(__file__).parent).parts
    if parts[0] in _SHARED_FOLDERS and parts[:2] != _OWN_GROUP:
        return parts[0]
    path = "/".join(parts)
    params = getattr(item, "callspec", None)
    if path in _BY_STORE and params is not None and "store_url" in params.params:
        # Not in brackets: xdist takes a test id ending in "]" for one without a group.
        return f"{path}:{params.params['store_url']}"
    return path


def _rank_key(group: str) -> str:
    return group.split(":", 1)[0]


@pytest.hookimpl(tryfirst=True)  # before xdist's, which reads the groups into the test ids
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Groups for `--dist loadgroup` (scripts/test.sh runs one worker per core): a file's
    tests stay together, so module fixtures are made once, and so do the folders above."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_group(item)))
    rank = {group: n for n, group in enumerate(_LONG_FIRST)}
    items.sort(key=lambda item: rank.get(_rank_key(_group(item)), len(rank)))


@pytest.fixture(scope="session")
def pg_base_url() -> Iterator[str]:
    given = os.environ.get("FANSIPAN_TEST_POSTGRES_URL")
    if given:
        yield given.rstrip("/")
        return
    server: PgServer = start_server()
    try:
        yield server.base_url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplates:
    from tests.support.stores import SqliteTemplates

    return SqliteTemplates(tmp_path_factory.mktemp("templates"))


@pytest.fixture(scope="session")
def pg_templates(pg_base_url: str) -> PostgresTemplates:
    from tests.support.stores import PostgresTemplates

    return PostgresTemplates(pg_base_url)


def _store(request: pytest.FixtureRequest, kind: str, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        templates: SqliteTemplates = request.getfixturevalue("sqlite_templates")
        yield templates.new(kind, tmp_path)
    else:
        pg: PostgresTemplates = request.getfixturevalue("pg_templates")
        yield from pg.new(kind)


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated store with the reference data loaded, on each backend."""
    yield from _store(request, "reference", tmp_path)


@pytest.fixture(params=BACKENDS)
def empty_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated store with no data at all, on each backend."""
    yield from _store(request, "empty", tmp_path)


@pytest.fixture
def session(store_url: str) -> Iterator[Session]:
    engine = make_engine(store_url)
    with make_session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture
def settings(store_url: str, tmp_path: Path) -> Settings:
    # The test client sends `Host: testserver`; a real server answers only to its names.
    # The background refresher is started by the tests that want it, not behind every app.
    return Settings(data_dir=tmp_path, database_url=store_url, allowed_hosts=("testserver",),
                    foresight_worker=False)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    # Imported here so the pure domain tests run without the web stack.
    from fastapi.testclient import TestClient

    from fansipan.api.app import create_app

    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.engine.dispose()


@pytest.fixture
def make_account(session: Session, settings: Settings) -> Callable[..., Account]:
    """A factory of ready accounts (roles, scopes, a token), made through the services."""
    from functools import partial

    from tests.support.accounts import make_account as make

    return partial(make, session, settings)


@pytest.fixture
def officer(make_account: Callable[..., Account]) -> Account:
    """An officer who may also read everything: every unit, every indicator."""
    from fansipan.domain.access import Role

    return make_account(Role.OFFICER, Role.LEADER, username="officer")


@pytest.fixture(scope="session")
def platform() -> Iterator[Platform]:
    """The province's identity platform, played by a real OpenID provider."""
    from tests.support.oidc import start_platform

    try:
        found = start_platform()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield found
    finally:
        found.stop()
