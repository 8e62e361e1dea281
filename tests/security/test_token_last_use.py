"""A token's last use is written at most once a minute by each server process.

Requests that arrive together with a token whose last use is stale all read it stale;
each writing it would queue them all for the store's write lock (SQLite's is one for
the whole store) before they answer. Every request is still authenticated in full.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from fansipan.domain.access import Role
from fansipan.errors import Unauthenticated
from fansipan.services.trust import tokens
from fansipan.settings import Settings
from fansipan.store.security_tables import ApiTokenRow
from tests.support.accounts import make_account


def test_requests_that_see_a_stale_last_use_together_write_it_once(
        session: Session, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    account = make_account(session, settings, Role.OFFICER, username="many.at.once")
    later = tokens._now() + timedelta(minutes=5)
    monkeypatch.setattr(tokens, "_now", lambda: later)
    writes: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
            writes.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            # As if each request had read the row before the first one's write committed.
            with session.begin():
                session.execute(update(ApiTokenRow).values(last_used_at=None))
            principal = tokens.token_principal(session=session, settings=settings,
                                               token=account.token, ip="127.0.0.1")
            assert principal.name == "many.at.once"
        assert len(writes) - 5 == 1  # the five resets above, and one last use
        monkeypatch.setattr(tokens, "_now", lambda: later + tokens.TOUCH_EVERY)
        tokens.token_principal(session=session, settings=settings, token=account.token,
                               ip="127.0.0.1")
        assert len(writes) - 5 == 2  # a minute on, it is written again
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_revoked_token_is_refused_at_once_whatever_its_last_use(
        session: Session, settings: Settings) -> None:
    account = make_account(session, settings, Role.OFFICER, username="revoked.now")
    with session.begin():
        session.execute(update(ApiTokenRow).values(revoked_at=tokens._now()))
    with pytest.raises(Unauthenticated):
        tokens.token_principal(session=session, settings=settings, token=account.token,
                               ip="127.0.0.1")
