"""Invented commune profiles (minh họa) and their territories through the mergers.

Each commune that existed before the 2025 reform gets a profile of its own: people,
households, villages, schools, how far behind the provincial average it takes up digital
services. A commune that merged keeps its territory's size: its successor's profile is
the sum of its predecessors' (Tà Chải into Bắc Hà in November 2024, Yên Bái's 2024
arrangement, every commune of both provinces in July 2025), so the merged province adds
up to Lào Cai and Yên Bái together. Two Yên Bái communes of the 2024 arrangement have no
sourced successor; their territory leaves the commune figures when they end.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date

from fansipan.demo.curves import BASE_YEAR, NEVER, seeded_rng
from fansipan.domain.units import Hierarchy, Succession, Unit, UnitLevel
from fansipan.services.warehouse.reference import REFORM_DATE

# Markets of the province's 2022 digital-market plan: Cốc Lếu, Sa Pa, Bắc Hà.
MARKETS_2022 = frozenset({"02644", "03001", "02839"})
SAPA_TOWN, LAO_CAI_CITY, YEN_BAI_CITY = "088", "080", "132"
YEN_BAI_DISTRICTS = frozenset({"132", "133", "135", "136", "137", "138", "139", "140", "141"})
# Old Yên Bái had about 0,85 million people in 2024 against old Lào Cai's 0,77 million
# on a similar number of communes: its communes are a little more populous.
YEN_BAI_SIZE = 0.96


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
    team_year: int  # first year with community digital technology teams


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
    size = YEN_BAI_SIZE if district in YEN_BAI_DISTRICTS else 1.0
    pop = size * (rng.uniform(5000, 11000) if urban else rng.uniform(2600, 6000))
    dead = 0 if urban or rng.random() > 0.35 else rng.randint(1, 4)
    draw = rng.random()
    postal = 2018 if draw < 0.9 else (2020 if draw < 0.96 else 2021)
    radio = 2018 if rng.random() < 0.85 else rng.randint(2019, 2022)
    lag = rng.uniform(-0.5, 0.2) if urban else rng.uniform(0.0, 1.5)
    if unit.code in MARKETS_2022:
        markets, market_year = 1, 2022
    elif rng.random() < (0.3 if urban else 0.04):
        markets, market_year = 1, rng.choice((2023, 2024, 2025))
    else:
        markets, market_year = 0, NEVER
    if urban and district == SAPA_TOWN:
        g5_from = 2022.45  # the 2022 5G pilot in Sa Pa town
    elif urban and district in (LAO_CAI_CITY, YEN_BAI_CITY):
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
        smart_radio_year=max(radio, int(BASE_YEAR + max(0.0, lag) + rng.uniform(0.5, 4.5))),
        markets=markets,
        market_year=market_year,
        traders=markets * rng.randint(60, 450),
        model_year=2022 if rng.random() < 0.1 else NEVER,
        g5_from=g5_from,
        g5_sites=rng.randint(2, 6) if urban else 1,
        # Community digital technology teams were set up from 2022 (2023 in the laggards).
        team_year=2022 if lag < 0.8 else 2023,
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
        for unit in sorted(communes, key=unit_key):
            if unit.valid_from is not None and unit.valid_from >= REFORM_DATE:
                continue  # made of its predecessors
            parent = hierarchy.parent(unit.id, unit.valid_to or REFORM_DATE)
            district = parent.code if parent else ""
            rng = seeded_rng("place", *unit_key(unit))
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
                parts = [new_place(unit, "", seeded_rng("place", *unit_key(unit)))]
            self._memo[key] = parts[0] if len(parts) == 1 else merge_places(parts)
        return self._memo[key]


def unit_key(unit: Unit) -> tuple[str, str, str]:
    return (unit.code, str(unit.valid_from or ""), str(unit.valid_to or ""))
