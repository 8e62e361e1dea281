"""Forecasts through the service: mapped history, the model stored and shown, reuse, scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal, Role
from fansipan.errors import PermissionDenied, ValidationError
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.foresight.forecasts import get_forecast
from fansipan.services.foresight.refresh import Refresher
from fansipan.services.foresight.series import SeriesKey
from fansipan.store.foresight_tables import ForecastRow
from tests.services.foresight.conftest import (
    COMMUNE,
    INDICATOR,
    TODAY,
    months,
    put,
    seasonal,
)
from tests.support.accounts import Account

SYSTEM = Principal.system("tests")


def test_a_forecast_runs_on_history_mapped_into_todays_commune(
        session: Session, history: dict[str, float]) -> None:
    # Bản Vược was merged into the new Xã Bát Xát (code 02683 again) on 1 July 2025.
    put(session, INDICATOR, "02710", {"2024-03": 50.0})
    f = get_forecast(session=session, warehouse=Warehouse(), principal=SYSTEM,
                     indicator=INDICATOR, unit=COMMUNE, today=TODAY)
    assert f.unit_name == "Xã Bát Xát"
    seen = {o.period: o.value for o in f.history}
    assert seen["2024-03"] == history["2024-03"] + 50.0  # the old town plus Bản Vược
    assert seen["2025-10"] == history["2025-10"]
    assert f.observations == 60 and f.first_period == "2021-01" and f.last_period == "2025-12"
    assert [p.period for p in f.points] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert not f.fell_back
    # The model is one of the backtested candidates and beat the seasonal naive baseline.
    scored = {c.model: c.mase for c in f.candidates}
    assert f.model in scored and f.backtest_mase == scored[f.model]
    assert f.seasonal_naive_mase is not None and f.backtest_mase <= f.seasonal_naive_mase
    for p in f.points:
        assert p.lower_95 <= p.lower_80 <= p.value <= p.upper_80 <= p.upper_95
        assert p.lower_80 >= 0  # a count never goes below zero
    coverage = {c.level: c for c in f.coverage}
    assert coverage[80].factor >= 1 and coverage[95].points > 0


def test_the_stored_forecast_is_reused_until_a_value_moves(
        session: Session, history: dict[str, float]) -> None:
    warehouse = Warehouse()
    first = get_forecast(session=session, warehouse=warehouse, principal=SYSTEM,
                         indicator=INDICATOR, unit=COMMUNE, today=TODAY)
    again = get_forecast(session=session, warehouse=warehouse, principal=SYSTEM,
                         indicator=INDICATOR, unit=COMMUNE, today=TODAY)
    assert again.computed_at == first.computed_at
    put(session, INDICATOR, COMMUNE, {"2025-12": history["2025-12"] + 40})
    moved = get_forecast(session=session, warehouse=warehouse, principal=SYSTEM,
                         indicator=INDICATOR, unit=COMMUNE, today=TODAY)
    assert moved.computed_at > first.computed_at and moved.change > first.change
    with session.begin():
        assert session.scalar(select(func.count()).select_from(ForecastRow)) == 1


def test_a_new_value_refreshes_only_the_series_that_hold_it(
        session: Session, refresher: Refresher, history: dict[str, float],
        monkeypatch: pytest.MonkeyPatch) -> None:
    sa_pa = "03006"  # Phường Sa Pa: another commune's dossiers, under the same province
    on_time = "CNTT_HO_SO_DUNG_HAN"  # another indicator of the same commune
    put(session, INDICATOR, sa_pa, dict(zip(months(2021, 60), seasonal(60, seed=2),
                                            strict=True)))
    put(session, on_time, COMMUNE, dict(zip(months(2021, 60), seasonal(60, seed=3,
                                                                         level=300),
                                            strict=True)))
    refresher.run(today=TODAY)

    def stored() -> dict[tuple[str, str], tuple[int, object, int, str]]:
        with session.begin():
            catalog = load_catalog(session)
            h = catalog.hierarchy
            return {(catalog.indicator_codes[r.indicator_id], h.unit(r.unit_id).code):
                    (r.id, r.computed_at, r.change_id, r.points)
                    for r in session.scalars(select(ForecastRow))}

    before = stored()
    assert {(INDICATOR, COMMUNE), (INDICATOR, sa_pa), (INDICATOR, "15"),
            (on_time, COMMUNE), (on_time, "15")} <= set(before)
    examined: set[tuple[str, str]] = set()
    refresh = refresher.refresh_series

    def spy(session: Session, catalog: Catalog, keys: set[SeriesKey], *args: Any,
            **kwargs: Any) -> Any:
        examined.update((k.indicator, catalog.hierarchy.unit(k.unit_id).code) for k in keys)
        return refresh(session, catalog, keys, *args, **kwargs)

    monkeypatch.setattr(refresher, "refresh_series", spy)
    put(session, INDICATOR, COMMUNE, {"2025-12": history["2025-12"] + 40})
    done = refresher.run(today=TODAY)
    after = stored()
    # Only the series that read the commune's dossiers are looked at: the indicator and
    # the derived ones reading it, at the commune and the province above it.
    assert (INDICATOR, COMMUNE) in examined and (INDICATOR, "15") in examined
    assert {unit for _, unit in examined} == {COMMUNE, "15"}
    assert not {(INDICATOR, sa_pa), (on_time, COMMUNE), (on_time, "15")} & examined
    moved = {k for k in before if after[k] != before[k]}
    # The commune's series and the province's, which adds it in; nothing else.
    assert moved == {(INDICATOR, COMMUNE), (INDICATOR, "15")}
    assert done.forecasts == len(moved) and set(after) == set(before)
    for k in moved:
        assert after[k][2] > before[k][2]  # computed at the newer change


def test_a_short_yearly_series_falls_back_and_says_so(session: Session) -> None:
    put(session, "VT_TRAM_BTS", COMMUNE, {"2021": 10, "2022": 12, "2023": 13, "2024": 15})
    put(session, "VT_TRAM_BTS", COMMUNE, {"2025": 18})
    f = get_forecast(session=session, warehouse=Warehouse(), principal=SYSTEM,
                     indicator="VT_TRAM_BTS", unit=COMMUNE, today=TODAY)
    assert f.fell_back and f.model == "RandomWalkWithDrift"
    assert f.reason is not None and "5 năm" in f.reason and "khoảng tin cậy rộng" in f.reason
    assert [p.period for p in f.points] == ["2026", "2027", "2028"]
    widths = [p.upper_95 - p.lower_95 for p in f.points]
    assert widths == sorted(widths) and widths[0] > 0  # wider the further ahead
    en = get_forecast(session=session, warehouse=Warehouse(), principal=SYSTEM,
                      indicator="VT_TRAM_BTS", unit=COMMUNE, today=TODAY, lang="en")
    assert en.reason is not None and "wide" in en.reason


def test_bad_asks_are_refused_with_the_field_named(session: Session) -> None:
    with pytest.raises(ValidationError) as bad:
        get_forecast(session=session, warehouse=Warehouse(), principal=SYSTEM,
                     indicator=INDICATOR, unit=COMMUNE, horizon=0, today=TODAY)
    assert bad.value.errors[0].field == "horizon"


def test_a_foreign_officer_cannot_forecast_another_districts_commune(
        session: Session, history: dict[str, float],
        make_account: Callable[..., Account]) -> None:
    sa_pa = make_account(Role.OFFICER, units=["088"], units_as_of="2025-01-01")
    with pytest.raises(PermissionDenied):
        get_forecast(session=session, warehouse=Warehouse(), principal=sa_pa.principal,
                     indicator=INDICATOR, unit=COMMUNE, today=TODAY)
