"""The demo on any day: the parts of `fansipan demo` that depend on `today`.

The citizens' reports and dossiers are the year before `today`, each day's drawn from a
seed of that day: the report days of three years back to back are checked the way the
report intake checks them, and the whole loaders run on fresh stores for the days that
matter (the first days of the new province, days whose year once held a point the
intake refused, month and year ends, 29 February). The key tasks of the running year
go with them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from fansipan.demo.citizens import demo_reports, first_day, load_citizens_demo, point_in
from fansipan.demo.direction import load_direction_demo
from fansipan.domain.local_time import local_date
from fansipan.domain.report_categories import Category
from fansipan.domain.service_requests import Location
from fansipan.errors import ValidationError
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.citizens.categories import list_categories, load_categories
from fansipan.services.citizens.places import communes_on, place_report, unit_finder
from fansipan.services.warehouse.reference import REFORM_DATE
from fansipan.store.engine import make_engine, make_session_factory
from tests.support.stores import SqliteTemplates

# Each window is the year before its day: together, every report day from the reform to
# the middle of 2028 (29 February 2028 among them).
WINDOWS = tuple(REFORM_DATE + timedelta(days=365 * n) for n in (1, 2, 3))


@dataclass
class Reference:
    catalog: Catalog
    categories: dict[str, Category]


@pytest.fixture
def fresh(sqlite_templates: SqliteTemplates, tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(sqlite_templates.new("reference", tmp_path))
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture(scope="module")
def reference(sqlite_templates: SqliteTemplates,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reference]:
    engine = make_engine(sqlite_templates.new("reference", tmp_path_factory.mktemp("ref")))
    try:
        with make_session_factory(engine)() as session:
            load_categories(session=session)
            with session.begin():
                catalog = load_catalog(session)
            yield Reference(catalog, {c.code: c for c in list_categories(session=session)})
    finally:
        engine.dispose()


def _refused(ref: Reference, location: Location, day: date) -> str | None:
    try:
        place_report(ref.catalog, location, day)
    except ValidationError as exc:
        return f"{day} {location}: {exc.errors[0].message}"
    return None


def test_the_windows_meet_and_start_at_the_reform() -> None:
    assert first_day(WINDOWS[0]) == REFORM_DATE
    for before, after in pairwise(WINDOWS):
        assert first_day(after) == before
    assert first_day(date(2025, 7, 1)) == first_day(date(2024, 1, 1)) == REFORM_DATE
    assert first_day(date(2026, 9, 20)) == date(2025, 9, 20)
    assert WINDOWS[-1] == date(2028, 6, 30)


def test_every_report_day_is_placed_in_the_province(reference: Reference) -> None:
    # The intake's own check of a report's point and commune; the communes are those of
    # the new province on every one of these days.
    refused: list[str] = []
    days: set[date] = set()
    for today in WINDOWS:
        communes = communes_on(reference.catalog, today)
        codes = {c.code for c in communes}
        for h in demo_reports(reference.categories, communes, today):
            where, day = h.request.location, local_date(h.request.requested_at)
            days.add(day)
            assert where.unit_code in codes
            if where.lat is not None and where.long is not None:
                try:
                    unit_finder().check_province(lat=where.lat, long=where.long,
                                                 province_code="15", on=day)
                except ValidationError as exc:
                    refused.append(f"{day} {where}: {exc.errors[0].message}")
    assert refused == []
    assert min(days) == REFORM_DATE
    assert max(days) == WINDOWS[-1] - timedelta(days=1)
    assert date(2025, 10, 12) in days and date(2028, 2, 29) in days


def test_every_commune_gets_points_the_intake_accepts(reference: Reference) -> None:
    rng = random.Random(7)
    communes = communes_on(reference.catalog, date(2026, 1, 1))
    assert len(communes) == 99
    refused = []
    for commune in communes:
        for _ in range(8):
            lat, long = point_in(commune, rng)
            where = Location(lat=lat, long=long, unit_code=commune.code)
            refused += [p for day in (REFORM_DATE, date(2028, 2, 29))
                        if (p := _refused(reference, where, day))]
    assert refused == []


@pytest.mark.parametrize("today", [
    date(2025, 6, 30), date(2025, 7, 1), date(2025, 7, 2), date(2026, 9, 20)])
def test_the_citizens_demo_loads(fresh: Session, today: date) -> None:
    loaded = load_citizens_demo(session=fresh, today=today)
    assert not loaded.skipped
    if today <= REFORM_DATE:
        assert (loaded.reports, loaded.dossiers) == (0, 0)  # no province yet to report in
    else:
        assert loaded.reports > 0 and loaded.dossiers > 0


# Directives are dated no later than the real today: days up to it, and it.
@pytest.mark.parametrize("today", [
    date(2025, 12, 31), date(2026, 1, 30), date(2026, 1, 31), date.today()])
def test_the_key_tasks_load(fresh: Session, today: date) -> None:
    loaded = load_direction_demo(session=fresh, today=today)
    assert not loaded.skipped
    running = today.year >= 2026 and today >= date(today.year, 1, 31)
    assert loaded.directives == (3 if running else 2)
