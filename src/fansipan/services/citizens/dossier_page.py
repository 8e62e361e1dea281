"""The dossier page: the period's figures per body and per area, ranked, with the
province's total; each body leads to its late dossiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.domain.dossier_stats import DossierSummary
from fansipan.domain.periods import Period, parse_period
from fansipan.services.citizens.dossiers import names_of, period_summaries
from fansipan.services.citizens.moments import now as utc_now


@dataclass(frozen=True)
class Ranked:
    code: str
    name: str
    rank: int
    summary: DossierSummary


@dataclass(frozen=True)
class DossierPage:
    period: Period
    as_of: datetime
    total: DossierSummary | None
    agencies: list[Ranked]
    units: list[Ranked]
    periods: list[str]  # choices for the picker, newest first


def _ranked(found: dict[tuple[str, ...], DossierSummary], names: dict[str, str]) -> list[Ranked]:
    def score(s: DossierSummary) -> float:
        rate = s.on_time_rate_handled.percent
        return -1.0 if rate is None else rate

    ordered = sorted(found.items(), key=lambda kv: (-score(kv[1]), -kv[1].handled,
                                                    names.get(kv[0][0], kv[0][0])))
    return [Ranked(code=k[0], name=names.get(k[0], k[0]), rank=n, summary=s)
            for n, (k, s) in enumerate(ordered, start=1)]


def period_choices(today: date) -> list[str]:
    """This month and the eleven before it, this year's quarters so far, two years."""
    months = []
    year, month = today.year, today.month
    for _ in range(12):
        months.append(f"{year}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    quarters = [f"{today.year}Q{q}" for q in range((today.month - 1) // 3 + 1, 0, -1)]
    return [*months, *quarters, str(today.year), str(today.year - 1)]


def dossier_page(*, session: Session, principal: Principal, period: str | None,
                 today: date | None = None) -> DossierPage:
    day = today or date.today()
    # By default the last month that has ended: the one the monthly notice reports.
    last = day.replace(day=1) - timedelta(days=1)
    chosen = parse_period(period) if period else parse_period(f"{last.year}-{last.month:02d}")
    at = utc_now()
    by_agency = period_summaries(session=session, principal=principal, period=chosen,
                                 by=("agency_code",), at=at)
    by_unit = period_summaries(session=session, principal=principal, period=chosen,
                               by=("unit_code",), at=at)
    total = period_summaries(session=session, principal=principal, period=chosen, by=(),
                             at=at).get(())
    names = names_of(session=session, codes=sorted({k[0] for k in by_agency} | {
        k[0] for k in by_unit}), at=at)
    return DossierPage(period=chosen, as_of=at, total=total,
                       agencies=_ranked(by_agency, names), units=_ranked(by_unit, names),
                       periods=period_choices(day))
