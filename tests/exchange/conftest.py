"""Connected systems for the exchange tests, registered through the service."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.services.exchange.clients import ClientRegistration, register_client
from fansipan.settings import Settings


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
