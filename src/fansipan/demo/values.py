"""The demo dataset's values: ILLUSTRATIVE numbers (minh họa), NOT official figures.

Everything here is invented by code so that a fresh Fansipan has a few years of
plausible-looking data for Lào Cai and Yên Bái and the province they merged into:
digital-transformation indicators that grow with noise, and the headline
socio-economic figures an operations centre shows beside them. No number comes from a
real report. The generator is pure (no database): from the catalogue snapshot and
`today` it returns the values to write.

Values follow the units in force at each period's end (`fansipan.demo.scopes`): both
old provinces up to 2025-06, each with its communes, the new province and its 99
communes from 2025-07 (a yearly 2025 value belongs to the new units). Sizes follow the
territory (`fansipan.demo.places`), so the merged province's figures continue the sum of
its two predecessors'. The ten plan indicators are then brought to the actuals their
plans were designed for (`fansipan.demo.calibrate`).

What is left out, on purpose: district values (a district's figures are its communes'
totals, and a value of its own would hide them); yearly values of the running year (they
describe the year's end); agency figures of Yên Bái, whose departments are not in the
agency list (its documents are given as province totals instead).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date

from fansipan.demo.calibrate import Frame, calibrate
from fansipan.demo.curves import BASE_YEAR, SEASON, month_x, portion, s_curve, seeded_rng, wobble
from fansipan.demo.headline import province_headline_month, province_headline_year
from fansipan.demo.places import Place, Places, unit_key
from fansipan.demo.scopes import Scope, demo_periods, generated_periods, scopes_at
from fansipan.domain.periods import Period
from fansipan.domain.units import Hierarchy, Unit, UnitLevel
from fansipan.services.catalog import Catalog
from fansipan.services.warehouse.datavalues import DataValueWrite
from fansipan.services.warehouse.reference import REFORM_DATE

__all__ = ["demo_periods", "generate_values"]


# --- Values of one unit for one period ------------------------------------------------


def commune_month(p: Place, period: Period, rng: random.Random) -> dict[str, float]:
    x = month_x(period.year, period.index)
    t = x - BASE_YEAR
    received = round(p.dossiers * 1.06 ** t * SEASON[period.index - 1] * wobble(rng, 0.08))
    resolved = round(received * rng.uniform(0.9, 1.0))
    ramp = min(1.0, 0.35 + (x - p.g5_from) / 1.5)
    g5 = 0 if x < p.g5_from else max(1, round(p.g5_sites * ramp))
    return {
        "CNTT_HO_SO_TIEP_NHAN": received,
        "CNTT_HO_SO_TRUC_TUYEN": portion(received, s_curve(x - p.lag / 2, 0.02, 0.88, 2022.6, 1.4),
                                         rng, 0.05),
        "CNTT_HO_SO_DA_GIAI_QUYET": resolved,
        "CNTT_HO_SO_DUNG_HAN": portion(resolved, s_curve(x, 0.86, 0.99, 2021.0, 1.2), rng, 0.01),
        # Digitising dossiers and results took off with Decision 766 (2022).
        "CNTT_HO_SO_SO_HOA": portion(resolved, s_curve(x - p.lag / 2, 0.03, 0.9, 2023.2, 1.6),
                                     rng, 0.04),
        "VT_TRAM_5G": g5,
    }


def commune_year(p: Place, year: int, rng: random.Random) -> dict[str, float]:
    x, t = year + 1.0, year - BASE_YEAR
    households = round(p.households * 1.017 ** t * wobble(rng, 0.004))
    farms = round(households * max(0.0, p.farm_share - 0.006 * t))
    bts = max(1, round(p.bts * (1 + 0.09 * t)))
    schools = p.schools
    urban_bonus = 0.08 * p.urban
    internet = portion(households, s_curve(x - p.lag, 0.42, 0.96, 2021.3, 1.0) + urban_bonus,
                       rng)
    broadband = min(internet, portion(
        households, s_curve(x - p.lag, 0.12, 0.82, 2022.2, 0.9) + urban_bonus, rng))
    left = min(1.0, (p.dead_gone - x) / 3.0)
    dead = 0 if x >= p.dead_gone else math.ceil(p.dead_villages * left)
    radio = int(year >= p.radio_year)
    teams = 0 if year < p.team_year else (
        p.villages if year > p.team_year else max(1, round(p.villages * rng.uniform(0.5, 0.8))))
    values: dict[str, float] = {
        "BC_TONG_XA": 1,
        "BC_XA_CO_DIEM": int(year >= p.postal_year),
        "BC_DIEM_PHUC_VU": int(year >= p.postal_year) + p.postal_points - 1
        + int(p.urban > 0.5 and year >= 2023),
        "BC_TONG_HO_SX_NN": farms,
        "BC_HO_SX_TMDT": portion(farms, s_curve(x - p.lag, 0.003, 0.32, 2023.0, 1.1), rng, 0.05),
        "VT_TRAM_BTS": bts,
        "VT_TRAM_BTS_DUNG_CHUNG": portion(bts, s_curve(x, 0.10, 0.45, 2022.5, 0.9), rng, 0.1),
        "VT_THUE_BAO_BRCD_HGD": broadband,
        "VT_THON_TONG": p.villages,
        "VT_THON_VUNG_LOM": dead,
        "VT_TRUONG_CO_BRCD": portion(schools, s_curve(x - p.lag, 0.55, 1.0, 2020.3, 2.2), rng),
        "CDS_DAN_SO": round(p.pop * 1.011 ** t * wobble(rng, 0.004)),
        "CDS_TONG_HO_GD": households,
        "CDS_HO_CO_INTERNET": internet,
        "CDS_TONG_TRUONG": schools,
        "CDS_TRUONG_CT_CDS": portion(schools, s_curve(x - p.lag / 3, 0.0, 1.0, 2022.6, 3.0),
                                     rng, 0.0),
        "CDS_XA_DIEM_CDS": int(year >= p.model_year),
        "CDS_TO_CNS_CONG_DONG": teams,
        "CDS_THANH_VIEN_TO_CNS": teams * rng.randint(3, 5),
        "TTBC_DAI_TT_XA": radio,
        "TTBC_DAI_TT_CNTT": radio * int(year >= p.smart_radio_year),
    }
    values["CDS_CHO_CDS"] = p.markets if year >= p.market_year else 0
    if p.markets:  # traders are counted once a market joins the plan
        traders = round(p.traders * (1 + 0.03 * (year - 2021)))
        ready = (s_curve(x, 0.04, 0.85, p.market_year + 0.3, 2.0)
                 if year >= p.market_year - 1 else 0.03)
        values["CDS_TIEU_THUONG_CHO"] = traders
        values["CDS_TIEU_THUONG_KTM"] = portion(traders, ready, rng, 0.05)
    return values


def province_month(period: Period, scope: Scope, scale: float,
                   rng: random.Random) -> dict[str, float]:
    """Province-wide monthly figures; `scale` is the province's people against old Lào
    Cai's, so the merged province continues the sum of both."""
    x = month_x(period.year, period.index)
    t, season = x - BASE_YEAR, SEASON[period.index - 1]
    # Counts of one province's own things (its procedures, its platform) do not add up.
    procedures = round(1850 + 12 * t + rng.randint(-6, 6) + (90 if scope.merged else 0))
    detected = round(rng.uniform(6, 30) * math.sqrt(scale))
    values: dict[str, float] = {
        "BC_DOANH_THU": 3.6 * scale * 1.13 ** t * season * wobble(rng, 0.05),
        "BC_SAN_LUONG_BUU_GUI": round(95_000 * scale * 1.16 ** t * season * wobble(rng, 0.06)),
        "BC_SAN_PHAM_TMDT": round(math.sqrt(scale) * s_curve(x, 40, 1600, 2022.8, 1.2)),
        "BC_HO_SO_TTHC_BCCI": round(1200 * scale * 1.12 ** t * season * wobble(rng, 0.07)),
        "VT_THUE_BAO_DI_DONG": round(655_000 * scale * 1.022 ** t * wobble(rng, 0.002)),
        "VT_THUE_BAO_BRDD": round(395_000 * scale * 1.075 ** t * wobble(rng, 0.003)),
        "VT_THUE_BAO_BRCD": round(78_000 * scale * 1.11 ** t * wobble(rng, 0.003)),
        "VT_DOANH_THU": 118 * scale * 1.065 ** t * season * wobble(rng, 0.03),
        "VT_CAP_NGAM_HOA": round(rng.uniform(1.5, 9.0) * (1.3 if x >= 2022 else 1.0)
                                 * math.sqrt(scale), 1),
        "CNTT_TTHC_TONG": procedures,
        "CNTT_DVC_MUC_4": portion(procedures, s_curve(x, 0.06, 0.62, 2021.6, 2.0), rng, 0.01),
        "CNTT_HT_KET_NOI_LGSP": round((4 + 28 * s_curve(x, 0, 1, 2022.3, 1.4))
                                      * (1.2 if scope.merged else 1)),
        "CNTT_CSDL_KET_NOI": round(1 + 13 * s_curve(x, 0, 1, 2022.8, 1.3)),
        "CNTT_SU_CO_ATTT": round(rng.randint(1, 12) * math.sqrt(scale)),
        "TTBC_TIN_BAI": round(2300 * scale ** 0.6 * 1.04 ** t * wobble(rng, 0.06)),
        "TTBC_GP_XUAT_BAN": rng.randint(4, 18),
        "TTBC_BAO_CAO_GIAM_SAT": rng.randint(4, 6),
        "TTBC_TIN_SAI_PHAT_HIEN": detected,
        "TTBC_TIN_SAI_XU_LY": portion(detected, s_curve(x, 0.62, 0.97, 2021.5, 1.5), rng, 0.04),
    }
    if x >= 2021.9:  # Mobile Money was licensed in late 2021
        values["VT_TK_MOBILE_MONEY"] = round(
            190_000 * scale * (1 - math.exp(-(x - 2021.9) / 1.5)) * wobble(rng, 0.01))
    values.update(province_headline_month(period, scope, scale, procedures, rng))
    return values


def province_year(year: int, scope: Scope, scale: float, rng: random.Random) -> dict[str, float]:
    x, t = year + 1.0, year - BASE_YEAR
    agencies = round((610 + 4 * t) * (1.75 if scope.merged else 1.0))
    firms = round(1650 * scale * 1.06 ** t * wobble(rng, 0.01))
    # After March 2025 the newspaper and the broadcaster of each province were one body.
    press = 1 if year >= 2025 else 2
    values: dict[str, float] = {
        "VT_TY_LE_TT_KHONG_TIEN_MAT": round(100 * s_curve(x, 0.18, 0.72, 2022.5, 0.9)
                                           + rng.gauss(0, 0.5), 1),
        "CNTT_CQ_TONG": agencies,
        "CNTT_CQ_TSLCD": portion(agencies, 1.0 if year >= 2022 else 0.97, rng, 0.0),
        "CNTT_CQ_IPV6": portion(agencies, s_curve(x, 0.0, 0.9, 2023.0, 1.3), rng, 0.03),
        "CNTT_OC_HOAT_DONG": round(16 * s_curve(x, 0, 1, 2022.0, 2.2)) + (4 if scope.merged else 0),
        "CDS_DNNVV_TONG": firms,
        "CDS_DNNVV_NEN_TANG_SO": portion(firms, s_curve(x, 0.06, 0.58, 2022.6, 1.1), rng),
        "CDS_DN_CN_CDS": round(scale * (8 + 70 * s_curve(x, 0, 1, 2023.0, 1.1))),
        "TTBC_CO_QUAN_BAO_CHI": press,
        "TTBC_TRANG_TTDT": round((7 + 0.8 * t) * (1.6 if scope.merged else 1.0)),
    }
    values.update(province_headline_year(year, scope, scale, rng))
    return values


class AgencySizes:
    """How much work a department handles: its own, plus that of the departments merged
    into it (Information and Communications into Science and Technology in March 2025),
    and more again for the merged province's departments."""

    def __init__(self, hierarchy: Hierarchy) -> None:
        self._absorbed: dict[str, list[tuple[str, date]]] = {}
        for unit in hierarchy:
            if unit.level is UnitLevel.AGENCY:
                for s in hierarchy.predecessors(unit.id):
                    old = hierarchy.unit(s.old_id)
                    if s.change == "merged" and old.code != unit.code:
                        self._absorbed.setdefault(unit.code, []).append((old.code, s.effective))

    def of(self, agency: Unit, period: Period, merged: bool) -> float:
        size = _own_size(agency.code) + sum(
            _own_size(old) for old, effective in self._absorbed.get(agency.code, ())
            if effective <= period.start)
        return size * (1.8 if merged else 1.0)


def _own_size(code: str) -> float:
    return seeded_rng("agency", code).uniform(60, 700)


def agency_month(agency: Unit, period: Period, size: float,
                 rng: random.Random) -> dict[str, float]:
    x = month_x(period.year, period.index)
    t = x - BASE_YEAR
    if agency.code.startswith("dai-") or (agency.code.startswith("bao-")
                                          and period.start >= date(2025, 4, 1)):
        # The station's programmes, made by the newspaper after the two merged (04/2025).
        return {"TTBC_THOI_LUONG_PHAT_SONG": round(rng.uniform(280, 340) * 1.02 ** t, 1)}
    if not agency.code.startswith(("so-", "ubnd-")):
        return {}
    received = round(size * 1.05 ** t * SEASON[period.index - 1] * wobble(rng, 0.08))
    resolved = round(received * rng.uniform(0.92, 1.0))
    documents = round(size * 0.9 * SEASON[period.index - 1] * wobble(rng, 0.1))
    electronic = portion(documents, s_curve(x, 0.7, 0.99, 2021.5, 1.8), rng, 0.01)
    return {
        "CNTT_HO_SO_TIEP_NHAN": received,
        "CNTT_HO_SO_TRUC_TUYEN": portion(received, s_curve(x, 0.08, 0.93, 2022.0, 1.5), rng, 0.04),
        "CNTT_HO_SO_DA_GIAI_QUYET": resolved,
        "CNTT_HO_SO_DUNG_HAN": portion(resolved, s_curve(x, 0.9, 0.995, 2021.0, 1.2), rng, 0.01),
        "CNTT_HO_SO_SO_HOA": portion(resolved, s_curve(x, 0.05, 0.95, 2022.9, 1.8), rng, 0.03),
        "CNTT_VB_DI_TONG": documents,
        "CNTT_VB_DI_DIEN_TU": electronic,
        "CNTT_VB_DI_KY_SO": portion(electronic, s_curve(x, 0.55, 0.97, 2021.8, 1.6), rng, 0.02),
    }


# --- Putting it together --------------------------------------------------------------


def generate_values(catalog: Catalog, today: date) -> list[DataValueWrite]:
    """Every demo value from 2021 up to `today`, oldest period first."""
    frame = build_frame(catalog, today)
    calibrate(frame)
    months, years = demo_periods(today)
    written = {p.id for p in (*months, *years)}
    return list(_writes(catalog, frame, written))


def build_frame(catalog: Catalog, today: date) -> Frame:
    """The raw values of every period generated (the running year in full)."""
    h = catalog.hierarchy
    places = Places(h)
    months, years = generated_periods(today)
    frame = Frame(hierarchy=h, indicators=catalog.indicators)
    lao_cai = _lao_cai_people(h, places)
    sizes = AgencySizes(h)
    for period in months:
        scopes = scopes_at(h, period.end)
        frame.month_scopes.append((period, scopes))
        for scope in scopes:
            for c in scope.communes:
                rng = seeded_rng("m", *unit_key(c), period.id)
                frame.add(c, period, commune_month(places.at(c, period.end), period, rng))
            scale = _people(scope, places, period.end) / lao_cai
            frame.add(scope.province, period, province_month(
                period, scope, scale, seeded_rng("m", scope.key, period.id)))
            for a in scope.agencies:
                frame.add(a, period, agency_month(a, period, sizes.of(a, period, scope.merged),
                                                  seeded_rng("m", *unit_key(a), period.id)))
    for period in years:
        scopes = scopes_at(h, period.end)
        frame.year_scopes.append((period, scopes))
        for scope in scopes:
            for c in scope.communes:
                frame.add(c, period, commune_year(places.at(c, period.end), period.year,
                                                  seeded_rng("y", *unit_key(c), period.id)))
            scale = _people(scope, places, period.end) / lao_cai
            frame.add(scope.province, period, province_year(
                period.year, scope, scale, seeded_rng("y", scope.key, period.id)))
    return frame


def _people(scope: Scope, places: Places, on: date) -> float:
    return sum(places.at(c, on).pop for c in scope.communes)


def _lao_cai_people(h: Hierarchy, places: Places) -> float:
    """Old Lào Cai's people on its last day: the measure every province is scaled by."""
    last = date.fromordinal(REFORM_DATE.toordinal() - 1)
    return _people(scopes_at(h, last)[0], places, last) or 1.0


def _writes(catalog: Catalog, frame: Frame, written: set[str]) -> Iterator[DataValueWrite]:
    """The values the catalogue accepts, fitted to each indicator, for written periods."""
    units = {u.id: u for u in catalog.hierarchy}
    for (code, unit_id, period_id), raw in frame.values.items():
        if period_id not in written:
            continue
        indicator = catalog.indicators.get(code)
        unit = units[unit_id]
        if (indicator is None or indicator.is_derived
                or frame.periods[period_id].type is not indicator.periodicity
                or (indicator.levels and unit.level.value not in indicator.levels)):
            continue
        value = float(raw)
        if indicator.min_value is not None:
            value = max(indicator.min_value, value)
        if indicator.max_value is not None:
            value = min(indicator.max_value, value)
        decimals = 0 if indicator.value_type.value == "integer" else indicator.decimals
        value = round(value, decimals) + 0.0
        yield DataValueWrite(indicator=code, unit=unit.code, period=period_id, value=value)
