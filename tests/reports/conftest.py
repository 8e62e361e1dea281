from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from fansipan.analytics.warehouse import Warehouse
from fansipan.demo.setup import prepare_demo
from fansipan.reports.docx_writer import write_docx
from fansipan.reports.model import Report
from fansipan.reports.pdf_writer import write_pdf
from fansipan.reports.xlsx_writer import write_xlsx
from fansipan.settings import Settings
from fansipan.store.engine import SessionFactory, make_engine, make_session_factory
from tests.reports.samples import sample_report


@pytest.fixture(scope="session")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="session")
def docx_bytes(report: Report) -> bytes:
    return write_docx(report)


@pytest.fixture(scope="session")
def pdf_bytes(report: Report) -> bytes:
    return write_pdf(report)


@pytest.fixture(scope="session")
def xlsx_bytes(report: Report) -> bytes:
    return write_xlsx(report)


@dataclass(frozen=True)
class LiveDemo:
    """A demo store as `fansipan demo` leaves it on 10 December 2026 (estimates in)."""

    settings: Settings
    session_factory: SessionFactory
    warehouse: Warehouse


LIVE_TODAY = date(2026, 12, 10)


@pytest.fixture(scope="session")
def live_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDemo]:
    """Loaded once for the session: the demo's values, targets, tasks and issuers."""
    folder = tmp_path_factory.mktemp("live-demo")
    settings = Settings(data_dir=folder)
    prepare_demo(settings, today=LIVE_TODAY)
    engine = make_engine(settings.store_url)
    try:
        yield LiveDemo(settings, make_session_factory(engine), Warehouse())
    finally:
        engine.dispose()
