"""A store with a few public and one private indicator's values, and an app over it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.targets import TargetWrite, set_target
from fansipan.store.tables import IndicatorRow

PUBLIC = "CDS_HO_CO_INTERNET"  # households with internet, entered per commune
PRIVATE = "VT_TRAM_5G"
COMMUNES = ("02647", "02650", "02683", "02686")  # Lào Cai city (2) and Bát Xát (2)


@pytest.fixture
def filled(session: Session) -> Session:
    """Values for 2023 and 2024; every indicator public except VT_TRAM_5G."""
    items = []
    for n, commune in enumerate(COMMUNES):
        for year, grow in (("2023", 0), ("2024", 10)):
            items.append(DataValueWrite(indicator=PUBLIC, unit=commune, period=year,
                                        value=100 + 10 * n + grow))
            items.append(DataValueWrite(indicator="CDS_TONG_HO_GD", unit=commune, period=year,
                                        value=200 + 10 * n))
        items.append(DataValueWrite(indicator=PRIVATE, unit=commune, period="2024-03", value=2))
    write_values(session=session, items=items, actor="tests", source="tests")
    set_target(session=session, actor="tests", data=TargetWrite(
        indicator="CDS_TY_LE_HO_INTERNET", unit="10", period="2024", planned=50,
        document="Kế hoạch thử"))
    with session.begin():
        session.execute(update(IndicatorRow).values(public=True))
        session.execute(update(IndicatorRow).where(IndicatorRow.code == PRIVATE)
                        .values(public=False))
    return session


@pytest.fixture
def web(client: TestClient, filled: Session) -> TestClient:
    return client
