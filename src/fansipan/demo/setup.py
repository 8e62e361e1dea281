"""Everything `fansipan demo` does before serving: schema, reference data, demo data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from fansipan.demo.access import prepare_demo_access
from fansipan.demo.citizens import CitizensDemo, load_citizens_demo
from fansipan.demo.dataset import DemoSummary, load_demo_data
from fansipan.demo.direction import DirectionDemo, load_direction_demo
from fansipan.demo.estimates import load_estimates
from fansipan.services.warehouse.reference import LoadSummary, load_reference_data
from fansipan.services.warehouse.setup import open_store, upgrade
from fansipan.settings import Settings
from fansipan.store.engine import make_session_factory

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoReady:
    reference: LoadSummary
    demo: DemoSummary
    admin_password: str | None = None  # shown once, when the demo administrator is created
    citizens: CitizensDemo | None = None  # the illustrative field reports and dossiers
    direction: DirectionDemo | None = None
    estimates: int = 0


def prepare_demo(
    settings: Settings, *, today: date | None = None, progress: Progress | None = None
) -> DemoReady:
    """Idempotent: a second run finds everything in place and adds nothing."""
    upgrade(settings)
    engine = open_store(settings)
    try:
        with make_session_factory(engine)() as session:
            reference = load_reference_data(session=session)
            day = today or date.today()
            demo = load_demo_data(session=session, today=day, progress=progress)
            estimates = load_estimates(session=session, today=day) if not demo.skipped else 0
            direction = load_direction_demo(session=session, today=day)
            citizens = load_citizens_demo(session=session, today=day)
            password = prepare_demo_access(session=session, settings=settings)
    finally:
        engine.dispose()
    return DemoReady(reference=reference, demo=demo, admin_password=password,
                     citizens=citizens, direction=direction, estimates=estimates)
