"""The analytics engine against hand-computed answers, on SQLite and PostgreSQL stores.

The data is small and written through the ordinary service; every expected number
below is worked out by hand in the comment beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.indicators import Aggregation
from fansipan.errors import ValidationError
from fansipan.services.insight.analytics import AnalyticsRequest, AnalyticsResult, run_analytics
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.indicators import IndicatorCreate, create_indicator
from tests.analytics.engines import KINDS, warehouse_of

A, B = "02683", "02686"  # two communes of Bát Xát (082)
C = "02644"  # Phường Cốc Lếu, in Lào Cai city (080)
D = "02689"  # Xã Nậm Chạc (082)
KIM_TAN = "02647"  # Phường Kim Tân until 2025-06-30; the code then names Phường Lào Cai
RECEIVED, ONLINE = "CNTT_HO_SO_TIEP_NHAN", "CNTT_HO_SO_TRUC_TUYEN"  # sum over time and units
RATE = "CNTT_TY_LE_HO_SO_TRUC_TUYEN"  # 100 * ONLINE / RECEIVED
STATIONS = "VT_TRAM_5G"  # last over time, sum over units
REVENUE = "BC_DOANH_THU"  # entered for the province or its agencies


def put(session: Session, *rows: tuple[str, str, str, float]) -> None:
    write_values(session=session, actor="tester", source="test", items=[
        DataValueWrite(indicator=i, unit=u, period=p, value=v) for i, u, p, v in rows])


def ask(session: Session, warehouse: Warehouse, **kw: Any) -> AnalyticsResult:
    return run_analytics(session=session, warehouse=warehouse, request=AnalyticsRequest(**kw))


def grid(result: AnalyticsResult) -> dict[tuple[str, str, str], float | None]:
    return result.values()


class Row:
    """An answer row with its columns as attributes, for readable assertions."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.__dict__.update(record)


def rows(result: AnalyticsResult) -> list[Any]:
    return [Row(r) for r in result.records()]


def new_indicator(session: Session, code: str, units: Aggregation, time: Aggregation) -> None:
    create_indicator(session=session, data=IndicatorCreate(
        code=code, name_vi=code, name_en=code, sector="it_dx", agg_units=units,
        agg_time=time, levels=["commune"]))


@pytest.fixture(params=KINDS)
def warehouse(request: pytest.FixtureRequest) -> Iterator[Warehouse]:
    yield from warehouse_of(request.param)


@pytest.fixture
def data(session: Session) -> Session:
    put(session,
        (RECEIVED, A, "2024-01", 10), (RECEIVED, A, "2024-02", 20), (RECEIVED, A, "2024-03", 30),
        (RECEIVED, B, "2024-01", 5), (RECEIVED, B, "2024-02", 5), (RECEIVED, B, "2024-03", 5),
        (RECEIVED, C, "2024-01", 100),
        (ONLINE, A, "2024-01", 5), (ONLINE, A, "2024-02", 10), (ONLINE, A, "2024-03", 15),
        (ONLINE, B, "2024-01", 5), (ONLINE, B, "2024-02", 5), (ONLINE, B, "2024-03", 5),
        (STATIONS, A, "2024-01", 1), (STATIONS, A, "2024-02", 3), (STATIONS, B, "2024-01", 2),
        (RECEIVED, A, "2023-01", 8), (RECEIVED, A, "2023-02", 12))
    return session


def test_sums_over_time_and_units(data: Session, warehouse: Warehouse) -> None:
    got = grid(ask(data, warehouse, indicators=[RECEIVED], units=["082", "10", A],
                   periods=["2024Q1", "2024-01", "2024"]))
    assert got[(RECEIVED, "082", "2024Q1")] == 75  # A 60 + B 15
    assert got[(RECEIVED, "10", "2024Q1")] == 175  # + C 100
    assert got[(RECEIVED, "10", "2024-01")] == 115  # 10 + 5 + 100
    assert got[(RECEIVED, A, "2024")] == 60


def test_derived_is_a_rate_of_sums(data: Session, warehouse: Warehouse) -> None:
    got = grid(ask(data, warehouse, indicators=[RATE], units=["082", A, B],
                   periods=["2024Q1"]))
    assert got[(RATE, A, "2024Q1")] == 50  # 30 / 60
    assert got[(RATE, B, "2024Q1")] == 100  # 15 / 15
    assert got[(RATE, "082", "2024Q1")] == 60  # 45 / 75, not the average of rates (75)


def test_last_value_over_time_then_sum_over_units(data: Session, warehouse: Warehouse) -> None:
    got = grid(ask(data, warehouse, indicators=[STATIONS], units=["082"],
                   periods=["2024Q1", "2024-02"]))
    assert got[(STATIONS, "082", "2024Q1")] == 5  # A's last (3) + B's last (2)
    assert got[(STATIONS, "082", "2024-02")] == 3  # only A reported in February


def test_average_min_max(session: Session, warehouse: Warehouse) -> None:
    new_indicator(session, "T_AVG", Aggregation.AVERAGE, Aggregation.AVERAGE)
    new_indicator(session, "T_MIN", Aggregation.MIN, Aggregation.MIN)
    new_indicator(session, "T_MAX", Aggregation.MAX, Aggregation.MAX)
    for code in ("T_AVG", "T_MIN", "T_MAX"):
        put(session, (code, A, "2024-01", 2), (code, A, "2024-02", 4), (code, B, "2024-01", 10))
    got = grid(ask(session, warehouse, indicators=["T_AVG", "T_MIN", "T_MAX"], units=["082"],
                   periods=["2024Q1", "2024-01"]))
    assert got[("T_AVG", "082", "2024Q1")] == 6.5  # A over time 3, B 10; their average
    assert got[("T_AVG", "082", "2024-01")] == 6  # (2 + 10) / 2
    assert got[("T_MIN", "082", "2024Q1")] == 2
    assert got[("T_MAX", "082", "2024Q1")] == 10


def test_no_aggregation_shows_only_a_units_own_value(session: Session,
                                                     warehouse: Warehouse) -> None:
    new_indicator(session, "T_NONE", Aggregation.NONE, Aggregation.NONE)
    put(session, ("T_NONE", A, "2024-01", 7), ("T_NONE", A, "2024", 9))
    got = grid(ask(session, warehouse, indicators=["T_NONE"], units=[A, "082"],
                   periods=["2024-01", "2024Q1", "2024"]))
    assert got == {("T_NONE", A, "2024-01"): 7, ("T_NONE", A, "2024"): 9}


def test_a_stored_value_for_exactly_the_period_wins(session: Session,
                                                    warehouse: Warehouse) -> None:
    put(session, (RECEIVED, D, "2024", 500), (RECEIVED, D, "2024-01", 1))
    got = grid(ask(session, warehouse, indicators=[RECEIVED], units=[D, "082"],
                   periods=["2024", "2024Q1"]))
    assert got[(RECEIVED, D, "2024")] == 500  # the yearly report, not the one month
    assert got[(RECEIVED, D, "2024Q1")] == 1
    assert got[(RECEIVED, "082", "2024")] == 500


def test_a_units_own_value_shadows_those_below(session: Session,
                                               warehouse: Warehouse) -> None:
    put(session, (REVENUE, "10", "2024-01", 1000), (REVENUE, "buu-dien-tinh", "2024-01", 300),
        (REVENUE, "buu-dien-tinh", "2024-02", 300))
    got = grid(ask(session, warehouse, indicators=[REVENUE], units=["10"],
                   periods=["2024-01", "2024-02"]))
    assert got[(REVENUE, "10", "2024-01")] == 1000  # the province's own figure, not 1300
    assert got[(REVENUE, "10", "2024-02")] == 300  # no own figure: its agencies' sum


def test_the_2025_reform_as_of_and_mapped(session: Session, warehouse: Warehouse) -> None:
    put(session, (RECEIVED, KIM_TAN, "2025-01", 40), (RECEIVED, C, "2025-01", 60),
        (RECEIVED, KIM_TAN, "2025-08", 70))
    # As of each period's end: January 2025 is Kim Tân's own; 2025 is Phường Lào Cai's.
    as_of = ask(session, warehouse, indicators=[RECEIVED], units=[KIM_TAN],
                periods=["2025-01"], today=date(2026, 1, 1))
    assert grid(as_of) == {(RECEIVED, KIM_TAN, "2025-01"): 40}
    assert rows(as_of)[0].unit_uid != rows(ask(
        session, warehouse, indicators=[RECEIVED], units=[KIM_TAN],
        periods=["2025-08"]))[0].unit_uid
    year = ask(session, warehouse, indicators=[RECEIVED], units=[KIM_TAN, "15"],
               periods=["2025"])
    assert grid(year) == {(RECEIVED, KIM_TAN, "2025"): 70, (RECEIVED, "15", "2025"): 70}
    # Mapped into today's units: Kim Tân and Cốc Lếu merged into Phường Lào Cai.
    mapped = grid(ask(session, warehouse, indicators=[RECEIVED], units=[KIM_TAN, "15"],
                      periods=["2025", "2025-01"], hierarchy="mapped",
                      as_of=date(2026, 1, 1)))
    assert mapped[(RECEIVED, KIM_TAN, "2025")] == 170
    assert mapped[(RECEIVED, KIM_TAN, "2025-01")] == 100
    assert mapped[(RECEIVED, "15", "2025")] == 170
    # The old tree, asked as of a day before the reform, knows nothing of July.
    old = grid(ask(session, warehouse, indicators=[RECEIVED], units=["080", "10"],
                   periods=["2025-01", "2025S1"], as_of=date(2025, 6, 30)))
    assert old == {(RECEIVED, "080", "2025-01"): 100, (RECEIVED, "10", "2025-01"): 100,
                   (RECEIVED, "080", "2025S1"): 100, (RECEIVED, "10", "2025S1"): 100}


def test_relative_periods_and_year_to_date(data: Session, warehouse: Warehouse) -> None:
    last3 = ask(data, warehouse, indicators=[RECEIVED], units=["082"],
                periods=["LAST_3_MONTHS"], today=date(2024, 4, 15))
    assert grid(last3) == {(RECEIVED, "082", "2024-01"): 15, (RECEIVED, "082", "2024-02"): 25,
                           (RECEIVED, "082", "2024-03"): 35}
    ytd = ask(data, warehouse, indicators=[RECEIVED, STATIONS], units=["082"],
              periods=["2024-02", "2024Q1"], cumulative=True)
    got = grid(ytd)
    assert got[(RECEIVED, "082", "2024-02:ytd")] == 40  # January 15 + February 25
    assert got[(RECEIVED, "082", "2024Q1:ytd")] == 75
    assert got[(STATIONS, "082", "2024-02:ytd")] == 5  # A's last 3 + B's last 2
    assert ytd.meta.periods["2024-02:ytd"]["label_vi"] == "2 tháng đầu năm 2024"


def test_change_share_and_rank(data: Session, warehouse: Warehouse) -> None:
    result = ask(data, warehouse, indicators=[RECEIVED], units=["082/children"],
                 periods=["2024-02"], compare=True, share_of_parent=True, rank=True)
    by_unit = {r.unit: r for r in rows(result)}
    a = by_unit[A]
    assert a.value == 20
    assert a.last_year == 12
    assert a.change == 8
    assert a.change_pct == pytest.approx(66.6667, rel=1e-4)
    assert a.share_of_parent == pytest.approx(80)  # 20 of 25
    assert (a.rank, a.rank_of) == (1, 2)
    assert (by_unit[B].rank, by_unit[B].rank_of) == (2, 2)
    assert by_unit[B].last_year is None


def test_selectors(data: Session, warehouse: Warehouse) -> None:
    result = ask(data, warehouse, indicators=[RECEIVED], units=["LEVEL-2"],
                 periods=["2024-01"], as_of=date(2024, 6, 30))
    assert {r.unit for r in rows(result)} == {"082", "080"}
    result = ask(data, warehouse, indicators=[RECEIVED], units=["10/level-3"],
                 periods=["2024-01"])
    assert {r.unit for r in rows(result)} == {A, B, C}
    assert result.meta.units[rows(result)[0].unit_uid]["level"] == "commune"


def test_values_are_visible_to_the_very_next_question(data: Session,
                                                      warehouse: Warehouse) -> None:
    first = grid(ask(data, warehouse, indicators=[RECEIVED], units=["10"], periods=["2024-01"]))
    assert first[(RECEIVED, "10", "2024-01")] == 115
    put(data, (RECEIVED, A, "2024-01", 11))  # an update: +1
    put(data, (RECEIVED, D, "2024-01", 4))  # a new value
    again = grid(ask(data, warehouse, indicators=[RECEIVED], units=["10", "082"],
                     periods=["2024-01"]))
    assert again[(RECEIVED, "10", "2024-01")] == 120
    assert again[(RECEIVED, "082", "2024-01")] == 20
    write_values(session=data, actor="t", source="t", strategy="delete",  # type: ignore[arg-type]
                 items=[DataValueWrite(indicator=RECEIVED, unit=C, period="2024-01")])
    assert grid(ask(data, warehouse, indicators=[RECEIVED], units=["10"],
                    periods=["2024-01"]))[(RECEIVED, "10", "2024-01")] == 20
    warehouse.compact()
    assert grid(ask(data, warehouse, indicators=[RECEIVED], units=["10"],
                    periods=["2024-01"]))[(RECEIVED, "10", "2024-01")] == 20


def test_bad_requests_name_the_field(data: Session, warehouse: Warehouse) -> None:
    with pytest.raises(ValidationError) as caught:
        ask(data, warehouse, indicators=["CNTT_HO_SO_TIEP_NHAM"], units=["10/cousins", "999"],
            periods=["2024Q7"], as_of=date(2024, 6, 30))
    fields = {(e.field, e.value) for e in caught.value.errors}
    assert ("indicators", "CNTT_HO_SO_TIEP_NHAM") in fields
    assert ("units", "10/cousins") in fields
    assert ("units", "999") in fields
    assert ("periods", "2024Q7") in fields


def test_mapped_stocks_take_the_successors_last_value(session: Session,
                                                      warehouse: Warehouse) -> None:
    # Stations are a stock: June's old wards were merged into Phường Lào Cai, whose
    # December count already includes them; 2025 is 7, not 3 + 2 + 7.
    put(session, (STATIONS, KIM_TAN, "2025-06", 3), (STATIONS, C, "2025-06", 2),
        (STATIONS, KIM_TAN, "2025-12", 7))
    mapped = grid(ask(session, warehouse, indicators=[STATIONS], units=[KIM_TAN, "15"],
                      periods=["2025", "2025S1"], hierarchy="mapped",
                      as_of=date(2026, 1, 1)))
    assert mapped[(STATIONS, KIM_TAN, "2025")] == 7
    assert mapped[(STATIONS, "15", "2025")] == 7
    assert mapped[(STATIONS, KIM_TAN, "2025S1")] == 5  # June, both old wards together
