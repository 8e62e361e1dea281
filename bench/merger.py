"""A reorganisation like Vietnam's of 1 July 2025, added to the synthetic national dataset
of `bench/analytics.py`: provinces merged in pairs, communes in threes, history mapped.

On 2025-07-01 the 34 provinces become 17 (each new one keeps the code of the first of its
pair, as the new Lào Cai kept code 15) and every three neighbouring communes of a new
province become one (keeping the first one's code); every old unit gets a succession
link to the new one. Old communes report up to 2025-06, new communes from 2025-07, so a
2025 figure of a new unit is half its predecessors' and half its own, and its
comparison with 2024 goes through the like-for-like rule of the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from bench.analytics import FIRST_YEAR, MONTHS, SEED, World
from fansipan.analytics.warehouse import FACT_SCHEMA
from fansipan.domain.periods import Period, PeriodType
from fansipan.store.tables import UnitParentRow, UnitRow, UnitSuccessionRow

REFORM = date(2025, 7, 1)
BEFORE = REFORM - timedelta(days=1)
REFORM_MONTH = (REFORM.year - FIRST_YEAR) * 12 + REFORM.month - 1  # index of 2025-07
NEW_PROVINCE_ID = 40
NEW_COMMUNE_ID = 10_000


@dataclass
class Merged:
    """The units in force from the reform, and where each old one went."""

    province_ids: list[int]
    province_codes: list[str]
    commune_ids: np.ndarray  # int32
    commune_codes: list[str]
    commune_province: np.ndarray  # new province index of each new commune


def add_merger(session: Session, world: World) -> Merged:
    """End the old units on 2025-06-30 and add the new ones with succession links."""
    old_provinces = len(world.province_ids)
    pairs = [list(range(p, min(p + 2, old_provinces))) for p in range(0, old_provinces, 2)]
    province_ids = [NEW_PROVINCE_ID + j for j in range(len(pairs))]
    province_codes = [f"P{pair[0]:02d}" for pair in pairs]
    province_of_old = {p: j for j, pair in enumerate(pairs) for p in pair}
    groups: list[tuple[int, list[int]]] = []  # (new province, old commune indexes)
    for j in range(len(pairs)):
        mine = [i for i in range(len(world.commune_codes))
                if province_of_old[int(world.commune_province[i])] == j]
        groups += [(j, mine[k:k + 3]) for k in range(0, len(mine), 3)]
    commune_ids = np.arange(NEW_COMMUNE_ID, NEW_COMMUNE_ID + len(groups), dtype=np.int32)
    commune_codes = [world.commune_codes[olds[0]] for _, olds in groups]
    with session.begin():
        session.execute(update(UnitRow).where(UnitRow.level.in_(("province", "commune")))
                        .values(valid_to=BEFORE))
        session.execute(update(UnitParentRow).values(valid_to=BEFORE))
        session.execute(insert(UnitRow), [
            {"id": pid, "uid": f"N{j:02d}" + "x" * 8, "code": code,
             "name_vi": f"Tỉnh {code} (mới)", "name_en": None, "level": "province",
             "valid_from": REFORM}
            for j, (pid, code) in enumerate(zip(province_ids, province_codes, strict=True))])
        session.execute(insert(UnitRow), [
            {"id": int(cid), "uid": f"M{k:05d}" + "x" * 5, "code": code,
             "name_vi": f"Xã {code} (mới)", "name_en": None, "level": "commune",
             "valid_from": REFORM}
            for k, (cid, code) in enumerate(zip(commune_ids.tolist(), commune_codes,
                                                strict=True))])
        session.execute(insert(UnitParentRow), [
            {"child_id": pid, "parent_id": world.country_id, "valid_from": REFORM}
            for pid in province_ids] + [
            {"child_id": int(cid), "parent_id": province_ids[j], "valid_from": REFORM}
            for cid, (j, _) in zip(commune_ids.tolist(), groups, strict=True)])
        links = [{"old_id": world.province_ids[p], "new_id": province_ids[j],
                  "effective": REFORM, "change": "merged", "share": 1.0}
                 for p, j in province_of_old.items()]
        links += [{"old_id": int(world.commune_ids[i]), "new_id": int(cid),
                   "effective": REFORM, "change": "merged", "share": 1.0}
                  for cid, (_, olds) in zip(commune_ids.tolist(), groups, strict=True)
                  for i in olds]
        session.execute(insert(UnitSuccessionRow), links)
    return Merged(province_ids, province_codes, commune_ids, commune_codes,
                  np.array([j for j, _ in groups], dtype=np.int32))


def merged_facts(world: World, merged: Merged, facts: pa.Table) -> pa.Table:
    """The old communes' values up to 2025-06 and the new communes' from 2025-07."""
    before = facts.filter(pc.less(facts.column("pstart"), pa.scalar(REFORM)))
    rng = np.random.default_rng(SEED + 7)
    months = [Period.month_of(FIRST_YEAR + m // 12, m % 12 + 1)
              for m in range(REFORM_MONTH, MONTHS)]
    n_ind, n_com, n_mon = len(world.indicator_ids), len(merged.commune_ids), len(months)
    ind = np.repeat(np.array(world.indicator_ids, dtype=np.int32), n_com * n_mon)
    unit = np.tile(np.repeat(merged.commune_ids, n_mon), n_ind)
    month = np.tile(np.arange(n_mon), n_ind * n_com)
    starts = np.array([np.datetime64(p.start) for p in months], dtype="datetime64[D]")
    ends = np.array([np.datetime64(p.end) for p in months], dtype="datetime64[D]")
    after = pa.table({
        "ind": ind, "unit": unit,
        "ptype": np.full(ind.size, PeriodType.MONTH.rank, dtype=np.int8),
        "pstart": starts[month], "pend": ends[month],
        # Three communes' worth each: the new units carry their predecessors' size.
        "value": np.round(rng.gamma(2.0, 150.0, ind.size), 2),
        "n": np.ones(ind.size, dtype=np.int8), "chg": np.zeros(ind.size, dtype=np.int64),
        "est": np.zeros(ind.size, dtype=np.int8),  # reported, not estimated
    }, schema=FACT_SCHEMA)
    return pa.concat_tables([before, after])
