"""The engine's rules for figures a leader reads aloud, on the 2025 merger of Lào Cai and
Yên Bái: a change only between figures of the same territory, partial periods named and
compared for their months, points for rates, and denominators neither ranked nor given a
change in per cent. Every expected number is worked out in the comment beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.periods import Period, parse_period, periods_between
from fansipan.services.insight.analytics import AnalyticsResult, labelled_table, run_analytics
from fansipan.services.insight.answers import AnalyticsRequest
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from tests.analytics.engines import KINDS, warehouse_of

RECEIVED, ONLINE = "CNTT_HO_SO_TIEP_NHAN", "CNTT_HO_SO_TRUC_TUYEN"  # sums over time, units
RATE = "CNTT_TY_LE_HO_SO_TRUC_TUYEN"  # 100 * ONLINE / RECEIVED, a share in per cent
COMMUNES = "BC_TONG_XA"  # a denominator: each commune enters 1 a year
HOUSEHOLDS = "CDS_HO_CO_INTERNET"  # an amount entered yearly by communes
BAT_XAT = "02683"  # Thị trấn Bát Xát until 2025-06-30, then (the code reused) Xã Bát Xát
YEN_NINH = "04252"  # Phường Yên Ninh (Yên Bái) until 2025-06-30, then Phường Yên Bái
NAM_CHAC = "02689"  # Xã Nậm Chạc, Bát Xát district, until 2025-06-30
# The six old communes merged into Phường Lào Cai (the code 02647 reused).
LAO_CAI_WARD = "02647"
WARD_PARTS = ("02635", "02641", "02644", "02647", "02665", "02911")
TODAY = date(2026, 12, 1)


def put(session: Session, *rows: tuple[str, str, str, float]) -> None:
    write_values(session=session, actor="tester", source="test", items=[
        DataValueWrite(indicator=i, unit=u, period=p, value=v) for i, u, p, v in rows])


def months(first: str, last: str) -> list[str]:
    return [p.id for p in periods_between(parse_period(first), parse_period(last))]


def monthly(code: str, unit: str, first: str, last: str, value: float) -> list[Any]:
    return [(code, unit, m, value) for m in months(first, last)]


def ask(session: Session, warehouse: Warehouse, **kw: Any) -> AnalyticsResult:
    kw.setdefault("today", TODAY)
    return run_analytics(session=session, warehouse=warehouse, request=AnalyticsRequest(**kw))


def row(result: AnalyticsResult, unit: str, period: str, indicator: str = RECEIVED) -> Any:
    found = [r for r in result.records() if r["unit"] == unit and r["period"] == period
             and r["indicator"] == indicator]
    assert len(found) == 1, result.records()
    return found[0]


def notes(result: AnalyticsResult) -> list[Any]:
    return list(result.meta.notes or [])


@pytest.fixture(params=KINDS)
def warehouse(request: pytest.FixtureRequest) -> Iterator[Warehouse]:
    yield from warehouse_of(request.param)


@pytest.fixture
def lao_cai(session: Session) -> Session:
    """Dossiers received in old Bát Xát (10 a month) until the merger, then in the new
    commune of the same code (25 a month); nothing for Yên Bái."""
    put(session, *monthly(RECEIVED, BAT_XAT, "2024-01", "2025-06", 10),
        *monthly(RECEIVED, BAT_XAT, "2025-07", "2026-11", 25))
    return session


def test_the_merged_province_is_not_compared_with_old_lao_cai_alone(
        lao_cai: Session, warehouse: Warehouse) -> None:
    result = ask(lao_cai, warehouse, indicators=[RECEIVED], units=["15"], periods=["2025"],
                 hierarchy="mapped", compare=True)
    r = row(result, "15", "2025")
    assert r["value"] == 210  # 6 × 10 in old Lào Cai + 6 × 25 in the new province
    # 2024 is old Lào Cai's 120 alone: Yên Bái has no data, so no change is told.
    assert (r["last_year"], r["change"], r["change_pct"]) == (None, None, None)
    [note] = notes(result)
    assert (note["about"], note["reason"]) == ("change", "missing_data")
    assert [u["name"] for u in note["units"]] == ["Tỉnh Yên Bái"]
    columns, lines = labelled_table(result, "vi")
    assert columns[-1] == "ghi chú so sánh"
    assert lines[0][-1] == "không so sánh được: thiếu số liệu của Tỉnh Yên Bái"
    assert labelled_table(result, "en")[1][0][-1] == "not comparable: no data for Tỉnh Yên Bái"


def test_with_yen_bais_history_the_comparison_is_true(lao_cai: Session,
                                                      warehouse: Warehouse) -> None:
    put(lao_cai, *monthly(RECEIVED, YEN_NINH, "2024-01", "2025-06", 5),
        *monthly(RECEIVED, YEN_NINH, "2025-07", "2025-12", 7))
    result = ask(lao_cai, warehouse, indicators=[RECEIVED], units=["15"], periods=["2025"],
                 hierarchy="mapped", compare=True)
    r = row(result, "15", "2025")
    assert r["value"] == 282  # 60 + 150 in Lào Cai, 30 + 42 in Yên Bái
    assert r["last_year"] == 180  # 2024: 12 × 10 + 12 × 5, both provinces
    assert r["change"] == 102
    assert r["change_pct"] == pytest.approx(56.6667, rel=1e-4)
    assert notes(result) == []


def test_as_the_tree_stood_the_new_province_has_no_earlier_territory(
        lao_cai: Session, warehouse: Warehouse) -> None:
    result = ask(lao_cai, warehouse, indicators=[RECEIVED], units=["15"],
                 periods=["2025", "2026"], compare=True)
    # As of each period's end: 2025 holds only what the new units reported (July on).
    assert row(result, "15", "2025")["value"] == 150
    assert row(result, "15", "2025")["change"] is None
    # 2026 against 2025 would set 11 months against 6: the territories of the two
    # figures differ (half of 2025 was two other provinces).
    assert row(result, "15", "2026")["value"] == 275
    assert row(result, "15", "2026")["change"] is None
    reasons = {(n["period"], n["reason"]) for n in notes(result)}
    assert reasons == {("2025", "boundaries_changed"), ("2026", "boundaries_changed")}


def test_a_ward_made_of_old_wards_compares_when_every_predecessor_reported(
        session: Session, warehouse: Warehouse) -> None:
    for i, code in enumerate(WARD_PARTS):
        put(session, *monthly(RECEIVED, code, "2024-01", "2025-06", i + 1))
    put(session, *monthly(RECEIVED, LAO_CAI_WARD, "2025-07", "2025-12", 30))
    result = ask(session, warehouse, indicators=[RECEIVED], units=[LAO_CAI_WARD],
                 periods=["2025"], hierarchy="mapped", compare=True, as_of=date(2026, 1, 1))
    r = row(result, LAO_CAI_WARD, "2025")
    assert r["value"] == 6 * 21 + 6 * 30  # the six old wards (1 + … + 6 a month), the new
    assert r["last_year"] == 12 * 21
    assert r["change"] == 54
    assert notes(result) == []


def test_a_predecessor_without_data_is_named(session: Session, warehouse: Warehouse) -> None:
    for i, code in enumerate(WARD_PARTS[:-1]):
        put(session, *monthly(RECEIVED, code, "2024-01", "2025-06", i + 1))
    put(session, *monthly(RECEIVED, LAO_CAI_WARD, "2025-07", "2025-12", 30))
    result = ask(session, warehouse, indicators=[RECEIVED], units=[LAO_CAI_WARD],
                 periods=["2025"], hierarchy="mapped", compare=True, as_of=date(2026, 1, 1))
    assert row(result, LAO_CAI_WARD, "2025")["change"] is None
    [note] = notes(result)
    assert note["reason"] == "missing_data"
    assert [(u["code"], u["name"]) for u in note["units"]] == [("02911", "Xã Bản Phiệt")]


def test_a_unit_that_kept_its_territory_compares_as_before(session: Session,
                                                         warehouse: Warehouse) -> None:
    put(session, *monthly(RECEIVED, NAM_CHAC, "2023-01", "2024-12", 4))
    result = ask(session, warehouse, indicators=[RECEIVED], units=[NAM_CHAC, "082"],
                 periods=["2024"], compare=True)
    r = row(result, NAM_CHAC, "2024")
    assert (r["value"], r["last_year"], r["change"], r["change_pct"]) == (48, 48, 0, 0)
    # Tà Chải merged into Bắc Hà in November 2024, inside another district: Bát Xát and
    # Nậm Chạc kept their territories.
    assert row(result, "082", "2024")["change"] == 0
    assert notes(result) == []


def test_a_partial_year_is_named_and_compared_for_its_months(session: Session,
                                                              warehouse: Warehouse) -> None:
    put(session, *monthly(RECEIVED, NAM_CHAC, "2023-01", "2023-12", 10),
        *monthly(RECEIVED, NAM_CHAC, "2024-01", "2024-11", 12))
    result = ask(session, warehouse, indicators=[RECEIVED], units=[NAM_CHAC],
                 periods=["2024", "2023"], compare=True, today=date(2024, 12, 1))
    r = row(result, NAM_CHAC, "2024")
    assert r["value"] == 132  # January to November
    assert r["last_year"] == 110  # January to November 2023, not all of 2023 (120)
    assert r["change_pct"] == pytest.approx(20)
    meta = result.meta.periods["2024"]
    assert (meta["label_vi"], meta["label_en"]) == ("11 tháng đầu năm 2024",
                                                  "January–November 2024")
    assert meta["end"] == date(2024, 11, 30) and meta["partial"] is True
    assert result.meta.partial == {RECEIVED: {"2024": {
        "label_vi": "11 tháng đầu năm 2024", "label_en": "January–November 2024",
        "end": date(2024, 11, 30)}}}
    assert result.meta.periods["2023"]["label_vi"] == "Năm 2023"  # a whole year
    assert labelled_table(result, "vi")[1][0][6] == "11 tháng đầu năm 2024"
    # A year-to-date total of the same months is named the same way.
    ytd = ask(session, warehouse, indicators=[RECEIVED], units=[NAM_CHAC],
              periods=["2024Q4"], cumulative=True, compare=True, today=date(2024, 12, 1))
    assert ytd.meta.periods["2024Q4:ytd"]["label_vi"] == "11 tháng đầu năm 2024"
    assert row(ytd, NAM_CHAC, "2024Q4:ytd")["last_year"] == 110


def test_december_estimates_make_the_year_whole(session: Session,
                                                warehouse: Warehouse) -> None:
    put(session, *monthly(RECEIVED, NAM_CHAC, "2024-01", "2024-12", 12))
    result = ask(session, warehouse, indicators=[RECEIVED], units=[NAM_CHAC],
                 periods=["2024"], today=date(2024, 12, 20))
    assert result.meta.periods["2024"]["label_vi"] == "Năm 2024"
    assert result.meta.partial is None


def test_rates_change_in_points(session: Session, warehouse: Warehouse) -> None:
    put(session, (RECEIVED, NAM_CHAC, "2023-02", 1000), (ONLINE, NAM_CHAC, "2023-02", 921),
        (RECEIVED, NAM_CHAC, "2024-02", 1000), (ONLINE, NAM_CHAC, "2024-02", 952))
    result = ask(session, warehouse, indicators=[RATE, RECEIVED], units=[NAM_CHAC],
                 periods=["2024-02"], compare=True)
    rate = row(result, NAM_CHAC, "2024-02", RATE)
    assert (rate["value"], rate["last_year"]) == (95.2, 92.1)
    assert rate["change"] == pytest.approx(3.1)  # points, not +3,4 %
    assert rate["change_pct"] is None
    assert result.meta.indicators[RATE]["kind"] == "rate"
    assert "kind" not in result.meta.indicators[RECEIVED]  # an amount: as before
    assert row(result, NAM_CHAC, "2024-02")["change_pct"] == 0


def test_denominators_are_not_ranked_nor_changed_in_per_cent(
        session: Session, warehouse: Warehouse) -> None:
    put(session, (COMMUNES, BAT_XAT, "2023", 1), (COMMUNES, BAT_XAT, "2024", 1),
        (COMMUNES, NAM_CHAC, "2024", 1), (HOUSEHOLDS, BAT_XAT, "2024", 800),
        (HOUSEHOLDS, NAM_CHAC, "2024", 300), (HOUSEHOLDS, BAT_XAT, "2023", 700))
    result = ask(session, warehouse, indicators=[COMMUNES, HOUSEHOLDS], units=["082/children"],
                 periods=["2024"], compare=True, rank=True, as_of=date(2024, 12, 31))
    count = row(result, BAT_XAT, "2024", COMMUNES)
    assert (count["rank"], count["rank_of"]) == (None, None)
    assert (count["last_year"], count["change"], count["change_pct"]) == (1, 0, None)
    assert result.meta.indicators[COMMUNES]["kind"] == "denominator"
    homes = row(result, BAT_XAT, "2024", HOUSEHOLDS)
    assert (homes["rank"], homes["rank_of"]) == (1, 2)  # an amount is ranked
    assert homes["change_pct"] == pytest.approx(100 / 7)


def test_answers_the_rules_do_not_touch_keep_their_shape(session: Session,
                                                         warehouse: Warehouse) -> None:
    put(session, *monthly(RECEIVED, NAM_CHAC, "2024-01", "2024-03", 4))
    result = ask(session, warehouse, indicators=[RECEIVED, RATE], units=[NAM_CHAC],
                 periods=["2024Q1"])
    dumped = result.model_dump(mode="json")
    assert set(dumped["meta"]) == {"indicators", "units", "periods", "hierarchy", "as_of",
                                   "last_change"}
    assert set(dumped["meta"]["indicators"][RATE]) == {"name_vi", "name_en", "unit_vi",
                                                       "unit_en", "decimals", "direction"}
    assert set(dumped["meta"]["periods"]["2024Q1"]) == {"label_vi", "label_en", "start", "end"}
    assert labelled_table(result, "vi")[0][-1] == "loại số liệu"  # no note column
    assert Period.year_of(2024).label("vi") == "Năm 2024"
