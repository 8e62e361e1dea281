"""The demo dataset's values: ILLUSTRATIVE numbers (minh họa), NOT official figures.

Everything here is invented by code so that a fresh Fansipan has a few years of
plausible-looking data for Lào Cai: digital-transformation indicators that grow with
noise from 2019 up to the last complete month. No number comes from a real report.

The generator is pure (no database): from the catalogue snapshot and `today` it returns
the values to write. Randomness comes only from `random.Random` instances seeded from
`SEED` and the unit and period concerned, never from the global generator, so the same
catalogue and `today` give the same values, and a value for a period does not change
when `today` moves on.

Values follow the units in force at each period's end: old Lào Cai (province 10, its
districts and communes) up to 2025-06, the new province 15 and its 99 communes and
wards from 2025-07 (a yearly 2025 value belongs to the new units). A commune that
merged keeps its territory's size: its successor's profile is the sum of its
predecessors' (Tà Chải into Bắc Hà in November 2024, every commune in July 2025, with
Yên Bái's communes contributing to the new units but getting no values themselves).

What is left out, on purpose: district values (a district's figures are its communes'
totals, and a value of its own would hide them); yearly values of the running year
(they describe the year's end); and after 2025-06 the broadcast hours, whose station
has no version after the reform in the agency list.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, fields
from datetime import date, timedelta

from fansipan.domain.periods import Period, PeriodType, periods_in_range
from fansipan.domain.units import Hierarchy, Succession, Unit, UnitLevel
from fansipan.services.catalog import Catalog
from fansipan.services.warehouse.datavalues import DataValueWrite
from fansipan.services.warehouse.reference import REFORM_DATE

SEED = 2022
FIRST_YEAR = 2019
OLD_PROVINCE = "10"  # Tỉnh Lào Cai until 2025-06-30
NEW_PROVINCE = "15"  # Tỉnh Lào Cai from 2025-07-01 (the code was Yên Bái's before)

# Markets of the province's 2022 digital-market plan: Cốc Lếu, Sa Pa, Bắc Hà.
_MARKETS_2022 = frozenset({"02644", "03001", "02839"})
_SAPA_DISTRICT, _CITY_DISTRICT = "088", "080"
# Tết and the year-end push shape the monthly flows.
_SEASON = (0.97, 0.78, 1.0, 1.0, 1.02, 1.0, 0.97, 0.99, 1.0, 1.03, 1.05, 1.19)
_NEVER = 9999


def seeded_rng(*key: object) -> random.Random:
    """A generator of its own for `key` (a unit, a period...), seeded from `SEED`."""
    return random.Random(":".join(str(k) for k in (SEED, *key)))  # noqa: S311 - demo data


def _s(x: float, lo: float, hi: float, mid: float, speed: float) -> float:
    """A logistic S-curve from `lo` to `hi` over fractional years `x`, halfway at `mid`."""
    return lo + (hi - lo) / (1.0 + math.exp(-speed * (x - mid)))


def _wobble(rng: random.Random, sd: float) -> float:
    return max(0.5, 1.0 + rng.gauss(0.0, sd))


def _portion(total: int, share: float, rng: random.Random, sd: float = 0.02) -> int:
    """A whole part of `total` close to `share` of it, never below 0 nor above `total`."""
    share = min(1.0, max(0.0, share))
    if share >= 0.995:
        return total
    return min(total, max(0, round(total * share * _wobble(rng, sd))))


@dataclass(frozen=True)
class Place:
    """The invented profile of a commune's territory in 2019 (sizes add up on merging)."""

    pop: float
    households: float
    urban: float  # share of the population living in wards and townships
    lag: float  # years behind the provincial average in taking up digital services
    villages: int
    dead_villages: int  # villages without a mobile signal in 2019
    dead_gone: float  # when its last dead zone gets covered (fractional year)
    schools: int
    bts: float
    postal_points: int
    farm_share: float
    dossiers: float  # administrative dossiers received per month in 2019
    postal_year: int  # first year with a staffed postal service point
    radio_year: int
    smart_radio_year: int
    markets: int  # markets in the provincial market digitisation plan
    market_year: int
    traders: int
    model_year: int  # year chosen as a model commune for digital transformation
    g5_from: float  # first 5G site (fractional year; inf = none yet)
    g5_sites: int


_ADDED = ("pop", "households", "villages", "dead_villages", "schools", "bts",
          "postal_points", "dossiers", "markets", "traders", "g5_sites")
_WEIGHTED = ("urban", "lag", "farm_share")
_LATEST = ("dead_gone",)


def merge_places(parts: list[Place]) -> Place:
    """One territory made of several: sizes add up, shares are population-weighted."""
    pop = sum(p.pop for p in parts)
    merged: dict[str, float] = {}
    for f in fields(Place):
        values = [getattr(p, f.name) for p in parts]
        if f.name in _ADDED:
            merged[f.name] = sum(values)
        elif f.name in _WEIGHTED:
            merged[f.name] = sum(v * p.pop for v, p in zip(values, parts, strict=True)) / pop
        elif f.name in _LATEST:
            merged[f.name] = max(values)
        else:
            merged[f.name] = min(values)
    return Place(**merged)  # type: ignore[arg-type]


def new_place(unit: Unit, district: str, rng: random.Random) -> Place:
    urban = unit.name.startswith(("Phường", "Thị trấn"))
    pop = rng.uniform(5000, 11000) if urban else rng.uniform(2600, 6000)
    dead = 0 if urban or rng.random() > 0.35 else rng.randint(1, 4)
    draw = rng.random()
    postal = 2018 if draw < 0.9 else (2020 if draw < 0.96 else 2021)
    radio = 2018 if rng.random() < 0.85 else rng.randint(2019, 2022)
    lag = rng.uniform(-0.5, 0.2) if urban else rng.uniform(0.0, 1.5)
    if unit.code in _MARKETS_2022:
        markets, market_year = 1, 2022
    elif rng.random() < (0.3 if urban else 0.04):
        markets, market_year = 1, rng.choice((2023, 2024, 2025))
    else:
        markets, market_year = 0, _NEVER
    if urban and district == _SAPA_DISTRICT:
        g5_from = 2022.45  # the 2022 5G pilot in Sa Pa town
    elif urban and district == _CITY_DISTRICT:
        g5_from = rng.uniform(2024.75, 2025.4)
    elif urban:
        g5_from = rng.uniform(2025.0, 2026.6)
    else:
        g5_from = rng.uniform(2025.5, 2027.5) if rng.random() < 0.15 else math.inf
    return Place(
        pop=pop,
        households=pop / (rng.uniform(3.6, 4.0) if urban else rng.uniform(4.0, 4.8)),
        urban=1.0 if urban else 0.0,
        lag=lag,
        villages=rng.randint(6, 16) if urban else rng.randint(5, 15),
        dead_villages=dead,
        dead_gone=rng.uniform(2020.6, 2024.4),
        schools=rng.randint(3, 8) if urban else rng.randint(2, 5),
        bts=rng.uniform(6, 18) if urban else rng.uniform(2, 7),
        postal_points=rng.randint(2, 5) if urban else 1,
        farm_share=rng.uniform(0.05, 0.3) if urban else rng.uniform(0.7, 0.95),
        dossiers=rng.uniform(120, 400) if urban else rng.uniform(25, 110),
        postal_year=postal,
        radio_year=radio,
        smart_radio_year=max(radio, int(FIRST_YEAR + max(0.0, lag) + rng.uniform(0.5, 4.5))),
        markets=markets,
        market_year=market_year,
        traders=markets * rng.randint(60, 450),
        model_year=2022 if rng.random() < 0.1 else _NEVER,
        g5_from=g5_from,
        g5_sites=rng.randint(2, 6) if urban else 1,
    )


class Places:
    """Each commune's territory as of a date, following mergers through successions."""

    def __init__(self, hierarchy: Hierarchy) -> None:
        self._h = hierarchy
        self._preds: dict[int, list[Succession]] = defaultdict(list)
        self._base: dict[int, Place] = {}
        self._memo: dict[tuple[int, date], Place] = {}
        communes = [u for u in hierarchy if u.level is UnitLevel.COMMUNE]
        for unit in communes:
            for s in hierarchy.predecessors(unit.id):
                self._preds[unit.id].append(s)
        for unit in sorted(communes, key=_unit_key):
            if unit.valid_from is not None and unit.valid_from >= REFORM_DATE:
                continue  # made of its predecessors
            parent = hierarchy.parent(unit.id, unit.valid_to or REFORM_DATE)
            district = parent.code if parent else ""
            rng = seeded_rng("place", *_unit_key(unit))
            self._base[unit.id] = new_place(unit, district, rng)

    def at(self, unit: Unit, on: date) -> Place:
        """The territory of `unit` on `on`: its own plus that of units merged into it."""
        key = (unit.id, on)
        if key not in self._memo:
            parts = [self._base[unit.id]] if unit.id in self._base else []
            for s in self._preds.get(unit.id, ()):
                old = self._h.unit(s.old_id)
                if s.effective <= on and old.valid_to is not None and old.valid_to < on:
                    parts.append(self.at(old, old.valid_to))
            if not parts:  # a unit with no known history gets a profile of its own
                parts = [new_place(unit, "", seeded_rng("place", *_unit_key(unit)))]
            self._memo[key] = parts[0] if len(parts) == 1 else merge_places(parts)
        return self._memo[key]


def _unit_key(unit: Unit) -> tuple[str, str, str]:
    return (unit.code, str(unit.valid_from or ""), str(unit.valid_to or ""))


@dataclass(frozen=True)
class Scope:
    """The units that report for one period end."""

    province: Unit
    communes: tuple[Unit, ...]
    agencies: tuple[Unit, ...]


def scope_at(hierarchy: Hierarchy, end: date) -> Scope:
    province = hierarchy.find(OLD_PROVINCE if end < REFORM_DATE else NEW_PROVINCE, end)
    below = hierarchy.descendants(province.id, end)
    return Scope(
        province=province,
        communes=tuple(u for u in below if u.level is UnitLevel.COMMUNE),
        agencies=tuple(u for u in hierarchy.children(province.id, end)
                       if u.level is UnitLevel.AGENCY),
    )


def demo_periods(today: date) -> tuple[list[Period], list[Period]]:
    """Months up to the last complete one, and complete years, from 2019."""
    last_day = today - timedelta(days=1)
    start = date(FIRST_YEAR, 1, 1)
    if last_day < start:
        return [], []
    return (periods_in_range(start, last_day, PeriodType.MONTH),
            periods_in_range(start, last_day, PeriodType.YEAR))


# --- Values of one unit for one period ------------------------------------------------


def commune_month(p: Place, period: Period, rng: random.Random) -> dict[str, float]:
    x = period.year + (period.index - 0.5) / 12
    t = x - FIRST_YEAR
    received = round(p.dossiers * 1.06 ** t * _SEASON[period.index - 1] * _wobble(rng, 0.08))
    resolved = round(received * rng.uniform(0.9, 1.0))
    ramp = min(1.0, 0.35 + (x - p.g5_from) / 1.5)
    g5 = 0 if x < p.g5_from else max(1, round(p.g5_sites * ramp))
    return {
        "CNTT_HO_SO_TIEP_NHAN": received,
        "CNTT_HO_SO_TRUC_TUYEN": _portion(received, _s(x - p.lag / 2, 0.02, 0.88, 2022.6, 1.4),
                                          rng, 0.05),
        "CNTT_HO_SO_DA_GIAI_QUYET": resolved,
        "CNTT_HO_SO_DUNG_HAN": _portion(resolved, _s(x, 0.86, 0.99, 2021.0, 1.2), rng, 0.01),
        "VT_TRAM_5G": g5,
    }


def commune_year(p: Place, year: int, rng: random.Random) -> dict[str, float]:
    x, t = year + 1.0, year - FIRST_YEAR
    households = round(p.households * 1.017 ** t * _wobble(rng, 0.004))
    farms = round(households * max(0.0, p.farm_share - 0.006 * t))
    bts = max(1, round(p.bts * (1 + 0.09 * t)))
    schools = p.schools
    urban_bonus = 0.08 * p.urban
    internet = _portion(households, _s(x - p.lag, 0.42, 0.96, 2021.3, 1.0) + urban_bonus, rng)
    broadband = min(internet, _portion(
        households, _s(x - p.lag, 0.12, 0.82, 2022.2, 0.9) + urban_bonus, rng))
    left = min(1.0, (p.dead_gone - x) / 3.0)
    dead = 0 if x >= p.dead_gone else math.ceil(p.dead_villages * left)
    radio = int(year >= p.radio_year)
    values: dict[str, float] = {
        "BC_TONG_XA": 1,
        "BC_XA_CO_DIEM": int(year >= p.postal_year),
        "BC_DIEM_PHUC_VU": int(year >= p.postal_year) + p.postal_points - 1
        + int(p.urban > 0.5 and year >= 2023),
        "BC_TONG_HO_SX_NN": farms,
        "BC_HO_SX_TMDT": _portion(farms, _s(x - p.lag, 0.003, 0.32, 2023.0, 1.1), rng, 0.05),
        "VT_TRAM_BTS": bts,
        "VT_TRAM_BTS_DUNG_CHUNG": _portion(bts, _s(x, 0.10, 0.45, 2022.5, 0.9), rng, 0.1),
        "VT_THUE_BAO_BRCD_HGD": broadband,
        "VT_THON_TONG": p.villages,
        "VT_THON_VUNG_LOM": dead,
        "VT_TRUONG_CO_BRCD": _portion(schools, _s(x - p.lag, 0.55, 1.0, 2020.3, 2.2), rng),
        "CDS_DAN_SO": round(p.pop * 1.011 ** t * _wobble(rng, 0.004)),
        "CDS_TONG_HO_GD": households,
        "CDS_HO_CO_INTERNET": internet,
        "CDS_TONG_TRUONG": schools,
        "CDS_TRUONG_CT_CDS": 0 if year < 2021 else _portion(
            schools, _s(x - p.lag / 3, 0.0, 1.0, 2022.6, 3.0), rng, 0.0),
        "CDS_XA_DIEM_CDS": int(year >= p.model_year),
        "TTBC_DAI_TT_XA": radio,
        "TTBC_DAI_TT_CNTT": radio * int(year >= p.smart_radio_year),
    }
    values["CDS_CHO_CDS"] = p.markets if year >= p.market_year else 0
    if p.markets and year >= 2021:  # traders are counted once a market joins the plan
        traders = round(p.traders * (1 + 0.03 * (year - 2021)))
        ready = _s(x, 0.04, 0.85, p.market_year + 0.3, 2.0) if year >= p.market_year - 1 else 0.03
        values["CDS_TIEU_THUONG_CHO"] = traders
        values["CDS_TIEU_THUONG_KTM"] = _portion(traders, ready, rng, 0.05)
    return values


def province_month(period: Period, scale: float, rng: random.Random) -> dict[str, float]:
    """Province-wide monthly figures; `scale` grows them with the 2025 merger."""
    x = period.year + (period.index - 0.5) / 12
    t, season = x - FIRST_YEAR, _SEASON[period.index - 1]
    merged = scale > 1.0
    procedures = round(1850 + 12 * t + rng.randint(-6, 6) + (90 if merged else 0))
    detected = round(rng.uniform(6, 30) * math.sqrt(scale))
    values: dict[str, float] = {
        "BC_DOANH_THU": round(3.6 * scale * 1.13 ** t * season * _wobble(rng, 0.05), 2),
        "BC_SAN_LUONG_BUU_GUI": round(95_000 * scale * 1.16 ** t * season * _wobble(rng, 0.06)),
        "BC_SAN_PHAM_TMDT": round(math.sqrt(scale) * _s(x, 40, 1600, 2022.8, 1.2)),
        "BC_HO_SO_TTHC_BCCI": round(1200 * scale * 1.12 ** t * season * _wobble(rng, 0.07)),
        "VT_THUE_BAO_DI_DONG": round(655_000 * scale * 1.022 ** t * _wobble(rng, 0.002)),
        "VT_THUE_BAO_BRDD": round(395_000 * scale * 1.075 ** t * _wobble(rng, 0.003)),
        "VT_THUE_BAO_BRCD": round(78_000 * scale * 1.11 ** t * _wobble(rng, 0.003)),
        "VT_DOANH_THU": round(118 * scale * 1.065 ** t * season * _wobble(rng, 0.03), 2),
        "VT_CAP_NGAM_HOA": round(rng.uniform(1.5, 9.0) * (1.3 if x >= 2022 else 1.0)
                                 * math.sqrt(scale), 1),
        "CNTT_TTHC_TONG": procedures,
        "CNTT_DVC_MUC_4": _portion(procedures, _s(x, 0.06, 0.62, 2021.6, 2.0), rng, 0.01),
        "CNTT_HT_KET_NOI_LGSP": round((4 + 28 * _s(x, 0, 1, 2022.3, 1.4)) * (1.2 if merged else 1)),
        "CNTT_CSDL_KET_NOI": round(1 + 13 * _s(x, 0, 1, 2022.8, 1.3)),
        "CNTT_SU_CO_ATTT": round(rng.randint(1, 12) * math.sqrt(scale)),
        "TTBC_TIN_BAI": round(2300 * scale ** 0.6 * 1.04 ** t * _wobble(rng, 0.06)),
        "TTBC_GP_XUAT_BAN": rng.randint(4, 18),
        "TTBC_BAO_CAO_GIAM_SAT": rng.randint(4, 6),
        "TTBC_TIN_SAI_PHAT_HIEN": detected,
        "TTBC_TIN_SAI_XU_LY": _portion(detected, _s(x, 0.62, 0.97, 2021.5, 1.5), rng, 0.04),
    }
    if x >= 2021.9:  # Mobile Money was licensed in late 2021
        values["VT_TK_MOBILE_MONEY"] = round(
            190_000 * scale * (1 - math.exp(-(x - 2021.9) / 1.5)) * _wobble(rng, 0.01))
    return values


def province_year(year: int, scale: float, rng: random.Random) -> dict[str, float]:
    x, t = year + 1.0, year - FIRST_YEAR
    merged = scale > 1.0
    agencies = round((610 + 4 * t) * (1.75 if merged else 1.0))
    firms = round(1650 * scale * 1.06 ** t * _wobble(rng, 0.01))
    values: dict[str, float] = {
        "VT_TY_LE_TT_KHONG_TIEN_MAT": round(100 * _s(x, 0.18, 0.72, 2022.5, 0.9)
                                           + rng.gauss(0, 0.5), 1),
        "CNTT_CQ_TONG": agencies,
        "CNTT_CQ_TSLCD": _portion(agencies, {2019: 0.86, 2020: 0.95}.get(year, 1.0), rng, 0.0),
        "CNTT_CQ_IPV6": _portion(agencies, _s(x, 0.0, 0.9, 2023.0, 1.3), rng, 0.03),
        "CNTT_OC_HOAT_DONG": round(16 * _s(x, 0, 1, 2022.0, 2.2)) + (4 if merged else 0),
        "CDS_DNNVV_TONG": firms,
        "CDS_DNNVV_NEN_TANG_SO": _portion(firms, _s(x, 0.06, 0.58, 2022.6, 1.1), rng),
        "CDS_DN_CN_CDS": round(scale * (8 + 70 * _s(x, 0, 1, 2023.0, 1.1))),
        "TTBC_CO_QUAN_BAO_CHI": 1 if merged else 2,
        "TTBC_TRANG_TTDT": round((7 + 0.8 * t) * (1.6 if merged else 1.0)),
    }
    if year >= 2020:  # the DTI index was first published for 2020
        dti = round(min(0.95, _s(x, 0.28, 0.68, 2021.8, 1.0) + rng.gauss(0, 0.01)), 2)
        rank = min(63, max(1, round(42 - 80 * (dti - 0.3) + rng.gauss(0, 2))))
        values["CDS_CHI_SO_DTI"] = dti
        values["CDS_XEP_HANG_DTI"] = max(1, round(rank * 34 / 63)) if merged else rank
    return values


def agency_month(agency: Unit, period: Period, merged: bool,
                 rng: random.Random) -> dict[str, float]:
    x = period.year + (period.index - 0.5) / 12
    t = x - FIRST_YEAR
    if agency.code.startswith("dai-"):
        return {"TTBC_THOI_LUONG_PHAT_SONG": round(rng.uniform(280, 340) * 1.02 ** t, 1)}
    if not agency.code.startswith(("so-", "ubnd-")):
        return {}
    base = seeded_rng("agency", agency.code).uniform(60, 700) * (1.8 if merged else 1.0)
    received = round(base * 1.05 ** t * _SEASON[period.index - 1] * _wobble(rng, 0.08))
    resolved = round(received * rng.uniform(0.92, 1.0))
    return {
        "CNTT_HO_SO_TIEP_NHAN": received,
        "CNTT_HO_SO_TRUC_TUYEN": _portion(received, _s(x, 0.08, 0.93, 2022.0, 1.5), rng, 0.04),
        "CNTT_HO_SO_DA_GIAI_QUYET": resolved,
        "CNTT_HO_SO_DUNG_HAN": _portion(resolved, _s(x, 0.9, 0.995, 2021.0, 1.2), rng, 0.01),
    }


# --- Putting it together --------------------------------------------------------------


def generate_values(catalog: Catalog, today: date) -> list[DataValueWrite]:
    """Every demo value from 2019 up to `today`, oldest period first."""
    return list(_generate(catalog, today))


def _generate(catalog: Catalog, today: date) -> Iterator[DataValueWrite]:
    h = catalog.hierarchy
    places = Places(h)
    months, years = demo_periods(today)
    scale = _merger_scale(h, places)
    for period in months:
        scope = scope_at(h, period.end)
        factor = scale if period.end >= REFORM_DATE else 1.0
        for c in scope.communes:
            rng = seeded_rng("m", *_unit_key(c), period.id)
            values = commune_month(places.at(c, period.end), period, rng)
            yield from _items(catalog, c, period, values)
        values = province_month(period, factor, seeded_rng("m", "province", period.id))
        yield from _items(catalog, scope.province, period, values)
        for a in scope.agencies:
            values = agency_month(a, period, factor > 1, seeded_rng("m", *_unit_key(a), period.id))
            yield from _items(catalog, a, period, values)
    for period in years:
        scope = scope_at(h, period.end)
        factor = scale if period.end >= REFORM_DATE else 1.0
        for c in scope.communes:
            values = commune_year(places.at(c, period.end), period.year,
                                  seeded_rng("y", *_unit_key(c), period.id))
            yield from _items(catalog, c, period, values)
        values = province_year(period.year, factor, seeded_rng("y", "province", period.id))
        yield from _items(catalog, scope.province, period, values)


def _merger_scale(h: Hierarchy, places: Places) -> float:
    """How much bigger the new province is than old Lào Cai, by population."""
    before = scope_at(h, REFORM_DATE - timedelta(days=1))
    after = scope_at(h, REFORM_DATE)
    old = sum(places.at(c, REFORM_DATE - timedelta(days=1)).pop for c in before.communes)
    new = sum(places.at(c, REFORM_DATE).pop for c in after.communes)
    return new / old if old and new else 1.0


def _items(catalog: Catalog, unit: Unit, period: Period,
           values: dict[str, float]) -> Iterator[DataValueWrite]:
    """The values the catalogue accepts for this unit and period, fitted to each indicator."""
    for code, raw in values.items():
        indicator = catalog.indicators.get(code)
        if (indicator is None or indicator.is_derived
                or indicator.periodicity is not period.type
                or (indicator.levels and unit.level.value not in indicator.levels)):
            continue
        value = float(raw)
        if indicator.min_value is not None:
            value = max(indicator.min_value, value)
        if indicator.max_value is not None:
            value = min(indicator.max_value, value)
        decimals = 0 if indicator.value_type.value == "integer" else indicator.decimals
        value = round(value, decimals) + 0.0
        yield DataValueWrite(indicator=code, unit=unit.code, period=period.id, value=value)

