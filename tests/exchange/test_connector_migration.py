"""Connectors stored before owners and secrets: the upgrade gives each the account that
made it, and one that named an environment variable says what to do instead of running."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import text

from fansipan.domain.access import Principal
from fansipan.services.exchange.connector_runs import Runtime, run_connector
from fansipan.services.exchange.connectors import list_connectors
from fansipan.settings import Settings
from fansipan.store.engine import make_engine, make_session_factory
from fansipan.store.migrate import alembic_config, upgrade_store

NOW = datetime(2025, 5, 1, tzinfo=UTC)
USER = {"kind": "user", "display_name": "", "email": "", "must_change_password": False,
        "roles": "integrator|officer", "all_units": True, "all_indicators": True,
        "active": True, "failed_logins": 0, "totp_enabled": False, "created_by": "cli:root",
        "created_at": NOW, "updated_at": NOW}


def test_stored_connectors_get_their_owner_and_a_clear_error(empty_store_url: str,
                                                             tmp_path: Path) -> None:
    engine = make_engine(empty_store_url)
    command.downgrade(alembic_config(engine), "0003")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO users (username, kind, display_name, email, must_change_password, "
            "roles, all_units, all_indicators, active, failed_logins, totp_enabled, "
            "created_by, created_at, updated_at) VALUES ('int.old', :kind, :display_name, "
            ":email, :must_change_password, :roles, :all_units, :all_indicators, :active, "
            ":failed_logins, :totp_enabled, :created_by, :created_at, :updated_at)"), USER)
        for name, by, env in [("by-person", "int.old", ""), ("by-cli", "cli:root", ""),
                              ("by-env", "int.old", "PARENT_KEY")]:
            conn.execute(text(
                "INSERT INTO connectors (name, kind, url, format, config, credential_env, "
                "retries, retry_seconds, active, created_by, created_at, updated_at) VALUES "
                "(:name, 'pull', 'http://127.0.0.1:9/x.json', 'json', '{}', :env, 0, 0, "
                ":active, :by, :at, :at)"), {"name": name, "env": env, "by": by, "at": NOW,
                                             "active": True})
    upgrade_store(engine)
    system = Principal.system("tests")
    with make_session_factory(engine)() as session:
        found = {c.name: c for c in list_connectors(session=session, principal=system)}
    assert found["by-person"].owner == "int.old" and found["by-person"].problem == ""
    assert found["by-cli"].owner is None and "--owner" in found["by-cli"].problem
    assert found["by-env"].owner == "int.old"
    assert "PARENT_KEY" in found["by-env"].problem
    assert "fansipan secrets add" in found["by-env"].problem
    settings = Settings(data_dir=tmp_path, database_url=empty_store_url,
                        secret="a long random test secret for the migration test")
    runtime = Runtime(spool=tmp_path / "spool", settings=settings, sleep=lambda _s: None)
    factory = make_session_factory(engine)
    for name, says in [("by-env", "PARENT_KEY"), ("by-cli", "no owner")]:
        run = run_connector(session_factory=factory, principal=system, name=name,
                            runtime=runtime)
        assert run.status == "failed" and says in run.message, run
    engine.dispose()


def test_stored_connected_systems_get_their_creator_as_owner(empty_store_url: str) -> None:
    """A system made by a person belongs to that person after the upgrade; one made from
    the command line (or by a name no account holds) belongs to no one, so only
    administrators manage it."""
    from fansipan.domain.access import PrincipalKind, Role
    from fansipan.services.trust.accounts import list_users
    from fansipan.store.security_tables import UserRow

    engine = make_engine(empty_store_url)
    command.downgrade(alembic_config(engine), "0008_sso")
    insert = text(
        "INSERT INTO users (username, kind, display_name, email, must_change_password, roles, "
        "all_units, all_indicators, active, failed_logins, totp_enabled, created_by, "
        "created_at, updated_at) VALUES (:username, :kind, :display_name, :email, "
        ":must_change_password, :roles, :all_units, :all_indicators, :active, :failed_logins, "
        ":totp_enabled, :created_by, :created_at, :updated_at)")
    with engine.begin() as conn:
        for name, kind, by in [("int.old", "user", "cli:root"), ("lgsp.old", "client", "int.old"),
                               ("lgsp.cli", "client", "cli:root"),
                               ("lgsp.gone", "client", "int.gone"),
                               ("lgsp.by-client", "client", "client:lgsp.old")]:
            conn.execute(insert, {**USER, "username": name, "kind": kind, "created_by": by,
                                  "roles": "integrator|officer" if kind == "user"
                                  else "officer"})
    upgrade_store(engine)
    with make_session_factory(engine)() as session:
        system = Principal.system("tests")
        owners = {u.username: u.owner for u in list_users(session=session, principal=system,
                                                           kind=PrincipalKind.CLIENT)}
        assert owners == {"lgsp.old": "int.old", "lgsp.cli": None, "lgsp.gone": None,
                          "lgsp.by-client": None}
        with session.begin():
            old = session.query(UserRow).filter_by(username="int.old").one()
            assert old.owner_id is None
            integrator = Principal(kind=PrincipalKind.USER, name="int.old", id=old.id,
                                   roles=frozenset({Role.INTEGRATOR}), all_units=True)
        assert [u.username for u in list_users(session=session, principal=integrator,
                                               kind=PrincipalKind.CLIENT)] == ["lgsp.old"]
    engine.dispose()
