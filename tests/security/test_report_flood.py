"""Citizens' reports sent without signing in: an address gets `FANSIPAN_REPORTS_PER_HOUR`.

Each report is routed to a body, counted into the province's figures and read by an
officer; an unbounded public form let one address send thousands
(services/citizens/submissions.py).
"""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.api.app import create_app
from fansipan.services.citizens.categories import load_categories
from fansipan.settings import Settings
from fansipan.store.citizens_tables import ServiceRequestRow

FORM = {"service_code": "SAT_LO", "commune": "03006", "address_string": "Km 12 QL4D",
        "lat": "22.3364", "long": "103.8438", "description": "Đất đá chắn đường",
        "attribute[TUYEN]": "QL4D", "attribute[MUC_DO]": "chan_duong"}


@pytest.fixture
def app_of(settings: Settings, session: Session) -> Settings:
    load_categories(session=session)
    return dataclasses.replace(settings, reports_per_hour=3)


def _stored(session: Session) -> int:
    with session.begin():
        return session.scalar(select(func.count()).select_from(ServiceRequestRow)) or 0


def test_anonymous_reports_from_one_address_are_throttled(app_of: Settings,
                                                          session: Session) -> None:
    app = create_app(app_of)
    try:
        with TestClient(app, client=("203.0.113.7", 5000)) as one, \
                TestClient(app, client=("203.0.113.8", 5000)) as other:
            for n in range(3):
                assert one.post("/feedback/new", data=FORM).status_code == 200, n
            stopped = one.post("/feedback/new", data=FORM, headers={"accept": "text/html"})
            assert stopped.status_code == 429
            assert "hotline" in stopped.text or "đường dây nóng" in stopped.text
            assert _stored(session) == 3
            assert other.post("/feedback/new", data=FORM).status_code == 200
            assert _stored(session) == 4
    finally:
        app.state.engine.dispose()
