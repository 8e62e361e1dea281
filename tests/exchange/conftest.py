"""Connected systems for the exchange tests, registered through the service."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.services.exchange.clients import ClientRegistration, register_client
from fansipan.settings import Settings
from tests.exchange.sources import remote

if TYPE_CHECKING:
    from fastapi.testclient import TestClient


@dataclass(frozen=True)
class Client:
    client_id: str
    key: str

    @property
    def basic(self) -> dict[str, str]:
        pair = base64.b64encode(f"{self.client_id}:{self.key}".encode()).decode()
        return {"Authorization": f"Basic {pair}"}


def register(session: Session, settings: Settings, name: str, *, units: tuple[str, ...] = ("10",),
             write: bool = True, indicators: tuple[str, ...] = ()) -> Client:
    done = register_client(session=session, settings=settings,
                           principal=Principal.system("tests"),
                           data=ClientRegistration(name=name, agency="so-tttt", units=list(units),
                                                   units_as_of="2025-01-01", write=write,
                                                   indicators=list(indicators),
                                                   contact="it@laocai.gov.vn"))
    return Client(done.client_id, done.key)


@pytest.fixture
def lgsp(session: Session, settings: Settings) -> Client:
    """A connected system that reads and writes every indicator of old Lào Cai."""
    return register(session, settings, "lgsp-test")


__all__ = ["remote"]  # the loopback remote system, a fixture of every exchange test

SECRET = "a long random test secret, 48 characters or more: 7f3a9c1e5b"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test store's settings with a server secret (the secret store's key comes from it)."""
    return settings.with_overrides(secret=SECRET)


@pytest.fixture
def hub(settings: Settings) -> Iterator[TestClient]:
    """The API of a server whose outbound allow-list names the tests' loopback servers."""
    from fastapi.testclient import TestClient

    from fansipan.api.app import create_app
    from fansipan.services.exchange.outbound import DestinationCreate, allow_destination
    from fansipan.store.engine import make_engine, make_session_factory

    engine = make_engine(str(settings.database_url))
    with make_session_factory(engine)() as session:
        allow_destination(session=session, principal=Principal.system("tests"),
                          data=DestinationCreate(entry="127.0.0.1",
                                                 note="the tests' loopback servers"))
    engine.dispose()
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c
    app.state.engine.dispose()
