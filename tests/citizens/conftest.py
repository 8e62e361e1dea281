"""Stores with the report categories loaded, officers of the bodies, and helpers that
submit and move reports through the services (never through SQL)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal, PrincipalKind, Role
from fansipan.domain.local_time import VIETNAM
from fansipan.domain.service_requests import Location, Reporter
from fansipan.exchange.open311.posting import NewServiceRequest
from fansipan.services.citizens.categories import load_categories
from fansipan.services.citizens.submissions import NewReport, Receipt, submit_report
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from tests.support.accounts import Account

# A Monday: the landslide category promises one working day, so Tuesday night.
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=VIETNAM)
SA_PA = (22.3364, 103.8438)  # Phường Sa Pa
SA_PA_WARD = "03006"
HANOI = (21.0285, 105.8542)


@pytest.fixture
def categories(session: Session) -> Session:
    load_categories(session=session)
    return session


@pytest.fixture
def staff(categories: Session, make_account: Callable[..., Account]) -> dict[str, Account]:
    """Officers of three bodies, one of the whole province, and a leader. Token-only
    accounts: the same roles and scopes as people, without hashing a password each."""

    def officer(unit: str) -> Account:
        return make_account(Role.OFFICER, units=[unit], units_as_of="2026-01-01",
                            kind=PrincipalKind.CLIENT)

    return {
        "xay_dung": officer("so-xay-dung"),
        "dien_luc": officer("dien-luc-lao-cai"),
        "sa_pa": officer(SA_PA_WARD),
        "ioc": officer("15"),
        "leader": make_account(Role.LEADER, kind=PrincipalKind.CLIENT),
    }


def landslide(*, at: datetime = MONDAY, point: tuple[float, float] | None = SA_PA,
              commune: str | None = SA_PA_WARD, description: str = "Đất đá tràn QL4D km 12",
              reporter: Reporter | None = None, service_code: str = "SAT_LO",
              answers: tuple[object, ...] | None = None) -> NewReport:
    from fansipan.domain.service_requests import Answer

    given = answers if answers is not None else (
        Answer("TUYEN", "QL4D"), Answer("MUC_DO", "chan_duong"))
    return NewReport(
        posted=NewServiceRequest(
            service_code=service_code,
            location=Location(lat=point[0] if point else None,
                              long=point[1] if point else None,
                              address=None if point else "Thôn Tả Van, xã Tả Van"),
            reporter=reporter or Reporter(first_name="An", last_name="Nguyễn",
                                          email="an@example.vn", phone="0912 345 678"),
            description=description, answers=tuple(given)),  # type: ignore[arg-type]
        channel="web", commune=commune)


def submit(session: Session, report: NewReport, at: datetime = MONDAY) -> Receipt:
    return submit_report(session=session, principal=Principal.anonymous("127.0.0.1"),
                         report=report, at=at)


def figures(session: Session, indicators: list[str], unit: str,
            period: str) -> dict[str, float | None]:
    result = run_analytics(session=session, warehouse=Warehouse(), request=AnalyticsRequest(
        indicators=indicators, units=[unit], periods=[period]))
    found = {ind: v for (ind, _u, _p), v in result.values().items()}
    return {i: found.get(i) for i in indicators}
