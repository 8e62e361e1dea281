"""A store with seasonal monthly history, and the refresher that keeps foresight current."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.services.foresight.refresh import Refresher
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.settings import Settings
from fansipan.store.engine import SessionFactory, make_engine, make_session_factory

INDICATOR = "CNTT_HO_SO_TIEP_NHAN"  # a monthly flow entered by communes
COMMUNE = "02683"  # a commune of Bát Xát district, old Lào Cai (merged on 1 July 2025)
TODAY = date(2026, 1, 20)


def months(first_year: int, count: int) -> list[str]:
    return [f"{first_year + m // 12}-{m % 12 + 1:02d}" for m in range(count)]


def seasonal(count: int, *, seed: int = 1, level: float = 400.0) -> list[float]:
    """Monthly counts with a trend, a Tết dip and noise: what dossiers look like."""
    rng = random.Random(seed)
    out = []
    for m in range(count):
        month = m % 12 + 1
        season = 1 + 0.25 * math.sin(2 * math.pi * (month - 3) / 12) - (0.35 if month == 2
                                                                           else 0)
        out.append(round((level + 2 * m) * season * (1 + rng.gauss(0, 0.03))))
    return out


def put(session: Session, indicator: str, unit: str, values: dict[str, float | None],
        actor: str = "tests") -> None:
    write_values(session=session, actor=actor, source="tests", items=[
        DataValueWrite(indicator=indicator, unit=unit, period=p, value=v)
        for p, v in values.items()])


@pytest.fixture
def factory(store_url: str) -> Iterator[SessionFactory]:
    engine = make_engine(store_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def refresher(factory: SessionFactory, store_url: str, tmp_path: Path) -> Refresher:
    settings = Settings(data_dir=tmp_path, database_url=store_url, foresight_worker=False)
    return Refresher(factory, Warehouse(), settings)


@pytest.fixture
def history(session: Session) -> dict[str, float]:
    """Five years of the commune's dossiers, 2021-01 to 2025-12."""
    values = dict(zip(months(2021, 60), seasonal(60), strict=True))
    put(session, INDICATOR, COMMUNE, dict(values))
    return values
