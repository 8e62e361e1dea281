"""Forecasts, odds, data-quality flags, regimes and late reports: `/api/v1/forecasts` …"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from fansipan.api.runner import RunnerDep
from fansipan.domain.access import Permission
from fansipan.errors import Unauthenticated
from fansipan.http.deps import AdminNetwork, SessionDep, WarehouseDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.exchange.jobs import Progress
from fansipan.services.foresight.forecasts import ForecastPublic, get_forecast
from fansipan.services.foresight.odds import OddsPublic, list_odds
from fansipan.services.foresight.quality import (
    FlagDecision,
    FlagPublic,
    FlagStatus,
    confirm_flag,
    list_flags,
)
from fansipan.services.foresight.recompute import recompute_all
from fansipan.services.foresight.refresh import Refresher
from fansipan.services.foresight.regimes import (
    RegimePublic,
    RegimeWrite,
    delete_regime,
    list_regimes,
    set_regime,
)
from fansipan.services.foresight.reporting import ReportStatusPublic, report_statuses
from fansipan.services.trust.access import require

router = APIRouter(tags=["foresight"])
Lang = Annotated[str, Query(pattern="^(vi|en)$")]
Code = Annotated[str, Query(min_length=1, max_length=60)]
UnitRef = Annotated[str, Query(min_length=1, max_length=40)]


def refresher_of(request: Request) -> Refresher:
    found: Refresher = request.app.state.foresight
    return found


@router.get("/forecasts")
def forecast_show(session: SessionDep, warehouse: WarehouseDep, principal: PrincipalDep,
                  indicator: Code, unit: UnitRef,
                  horizon: Annotated[int | None, Query(ge=1, le=60)] = None,
                  lang: Lang = "vi") -> ForecastPublic:
    """The forecast of one indicator × unit series, history mapped into today's units:
    points with 80 % and 95 % intervals, the model that made them, every candidate's
    backtest MASE and the intervals' coverage on the backtest."""
    return get_forecast(session=session, warehouse=warehouse, principal=principal,
                        indicator=indicator, unit=unit, horizon=horizon, lang=lang)


@router.get("/forecasts/status")
def forecast_status(request: Request, principal: PrincipalDep) -> dict[str, Any]:
    """Where the background refresher stands: its phase, series done, changes waiting."""
    require(principal, Permission.READ_DATA)
    if principal.is_anonymous:
        raise Unauthenticated("Sign in to see the refresher's progress")
    refresher = refresher_of(request)
    p = refresher.progress
    last = p.last_run
    return {"phase": p.phase, "series_total": p.series_total, "series_done": p.series_done,
            "last_change": p.last_change, "backlog": refresher.backlog(),
            "last_run": None if last is None else vars(last)}


@router.post("/forecasts/recompute", status_code=202, dependencies=[AdminNetwork])
def forecast_recompute(request: Request, principal: PrincipalDep,
                       runner: RunnerDep) -> dict[str, str]:
    """Recompute every forecast, the year's odds and their alerts, as a job (administrators;
    within their scope). Follow it at `/api/v1/jobs/{job}`."""
    require(principal, Permission.MANAGE_METADATA)
    refresher = refresher_of(request)

    def work(progress: Progress) -> None:
        recompute_all(refresher=refresher, principal=principal, progress=progress)

    job = runner.submit(actor=principal.actor, kind="forecast",
                        description="Tính lại dự báo / Recompute forecasts", total_bytes=0,
                        work=work)
    return {"job": job, "status_url": f"/api/v1/jobs/{job}"}


@router.get("/odds")
def odds_index(session: SessionDep, principal: PrincipalDep,
               year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
               lang: Lang = "vi") -> list[OddsPublic]:
    """The odds of each target of the year (default this year) being met by its period's
    end, from simulated paths, with the outlook: on track, at risk, off track."""
    return list_odds(session=session, principal=principal, year=year or date.today().year,
                     lang=lang)


@router.get("/quality-flags")
def flags_index(session: SessionDep, principal: PrincipalDep,
                status: FlagStatus | None = None,
                indicator: Annotated[str | None, Query(max_length=60)] = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                lang: Lang = "vi") -> list[FlagPublic]:
    """Values flagged as unusual when they arrived, within your units and indicators."""
    return list_flags(session=session, principal=principal, status=status,
                      indicator=indicator, limit=limit, lang=lang)


@router.post("/quality-flags/{flag_id}/confirm")
def flag_confirm(session: SessionDep, principal: PrincipalDep,
                 flag_id: Annotated[int, Path(ge=1)], decision: FlagDecision,
                 lang: Lang = "vi") -> FlagPublic:
    """Confirm a flagged value is right (officers of the unit)."""
    return confirm_flag(session=session, principal=principal, flag_id=flag_id,
                        decision=decision, lang=lang)


@router.get("/regimes")
def regimes_index(session: SessionDep) -> list[RegimePublic]:
    """Every indicator's reporting regime (public reference data, like the catalogue)."""
    return list_regimes(session=session)


@router.put("/regimes/{code}", dependencies=[AdminNetwork])
def regime_put(session: SessionDep, principal: PrincipalDep,
               code: Annotated[str, Path(min_length=1, max_length=60)],
               data: RegimeWrite) -> RegimePublic:
    """Set an indicator's reporting regime (administrators)."""
    return set_regime(session=session, principal=principal, indicator=code, data=data)


@router.delete("/regimes/{code}", status_code=204, dependencies=[AdminNetwork])
def regime_delete(session: SessionDep, principal: PrincipalDep,
                  code: Annotated[str, Path(min_length=1, max_length=60)]) -> None:
    delete_regime(session=session, principal=principal, indicator=code)


@router.get("/reporting")
def reporting_index(session: SessionDep, principal: PrincipalDep, unit: UnitRef,
                    period: Annotated[str, Query(min_length=4, max_length=12)],
                    until: Annotated[str | None, Query(max_length=12)] = None,
                    lang: Lang = "vi") -> list[ReportStatusPublic]:
    """The reports owed by a unit and those below it whose periods end from `period` to
    `until`: deadline, arrival, and on time / late / not yet due / overdue."""
    return report_statuses(session=session, principal=principal, unit=unit, first=period,
                           last=until, lang=lang)
