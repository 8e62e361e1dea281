"""The demo's plans (kế hoạch, minh họa): round figures set first, as a resolution sets
them, and the outcome each year is meant to have.

A plan is never worked out from its actual. Each of the department's ten plan
indicators has a path of round planned values (100 %, 85 %, 1.650 tỷ đồng) for old Lào
Cai up to 2024 and for the merged province from 2025; where the department's published
2022 plan gives a figure (a staffed postal service point in 100 % of communes) it is used.
Then each year is given an outcome: 2021 is the year the plan reports, "10 targets, all
met, 5 of them exceeded", and the other years draw theirs from a seeded generator (about
one in five missed). The values are then generated around the plans to land there
(`fansipan.demo.calibrate`); nothing here reads a generated value.

A target is met (đạt) within `TOLERANCE` of its plan: the demo lands a met target a
little above its plan, never on it, so no actual equals its plan except a full 100 %.
"""

from __future__ import annotations

from dataclasses import dataclass

from fansipan.demo.curves import seeded_rng
from fansipan.domain.targets import TargetStatus

PLAN_YEAR = 2021  # the year whose outcome the plan reports: 10/10 met, 5 exceeded
FIRST_MERGED_YEAR = 2025
TOLERANCE = 0.02  # ± 2 % of the plan counts as met (đạt)
ILLUSTRATIVE = "(minh họa)"

# Planned values of old Lào Cai (2021–2024) and the merged province (2025 on); a year
# past the table goes on by the last step. Rates in %, revenues in tỷ đồng a year.
PLAN_PATHS: dict[str, dict[int, float]] = {
    # "bảo đảm 100% số xã có điểm phục vụ bưu chính có người phục vụ" (2022 plan)
    "BC_TY_LE_XA_CO_DIEM": {2021: 98, 2022: 100, 2023: 100, 2024: 100, 2025: 100, 2026: 100},
    "BC_DOANH_THU": {2021: 55, 2022: 62, 2023: 70, 2024: 78, 2025: 190, 2026: 215},
    "VT_TB_BRDD_100_DAN": {2021: 60, 2022: 65, 2023: 70, 2024: 75, 2025: 82, 2026: 88},
    "VT_TY_LE_HO_BRCD": {2021: 35, 2022: 45, 2023: 55, 2024: 65, 2025: 72, 2026: 78},
    "VT_TY_LE_THON_CO_SONG": {2021: 97, 2022: 98, 2023: 99, 2024: 100, 2025: 100, 2026: 100},
    "VT_DOANH_THU": {2021: 1550, 2022: 1650, 2023: 1750, 2024: 1850, 2025: 4400, 2026: 4700},
    "CDS_TY_LE_HO_INTERNET": {2021: 65, 2022: 75, 2023: 85, 2024: 90, 2025: 95, 2026: 97},
    "CNTT_TY_LE_DVC_MUC_4": {2021: 40, 2022: 50, 2023: 60, 2024: 70, 2025: 75, 2026: 85},
    "CNTT_TY_LE_HO_SO_TRUC_TUYEN": {2021: 15, 2022: 30, 2023: 45, 2024: 55, 2025: 65,
                                    2026: 75},
    "CNTT_TY_LE_CQ_TSLCD": {2021: 95, 2022: 100, 2023: 100, 2024: 100, 2025: 100, 2026: 100},
}
CEILINGS = {code: 100.0 for code in PLAN_PATHS if "_TY_LE_" in code}

# 2021 as the published plan reports it: five exceeded, five met.
PLAN_YEAR_OUTCOMES: dict[str, TargetStatus] = {
    "VT_TB_BRDD_100_DAN": TargetStatus.EXCEEDED,
    "VT_DOANH_THU": TargetStatus.EXCEEDED,
    "CDS_TY_LE_HO_INTERNET": TargetStatus.EXCEEDED,
    "CNTT_TY_LE_HO_SO_TRUC_TUYEN": TargetStatus.EXCEEDED,
    "CNTT_TY_LE_CQ_TSLCD": TargetStatus.EXCEEDED,
    "BC_TY_LE_XA_CO_DIEM": TargetStatus.MET,
    "BC_DOANH_THU": TargetStatus.MET,
    "VT_TY_LE_HO_BRCD": TargetStatus.MET,
    "VT_TY_LE_THON_CO_SONG": TargetStatus.MET,
    "CNTT_TY_LE_DVC_MUC_4": TargetStatus.MET,
}


@dataclass(frozen=True)
class Aim:
    """What a plan indicator's actual is generated to come to in a year."""

    planned: float
    actual: float
    outcome: TargetStatus


def planned_value(code: str, year: int) -> float:
    """The round figure planned for `code` in `year`."""
    path = PLAN_PATHS[code]
    if year in path:
        return float(path[year])
    last = max(path)
    step = path[last] - path[last - 1]
    value = path[last] + step * (year - last)
    return float(min(CEILINGS.get(code, value), value))


def outcome_of(code: str, year: int) -> TargetStatus:
    """The designed outcome: the plan year's as published, others drawn (seeded)."""
    if year == PLAN_YEAR:
        return PLAN_YEAR_OUTCOMES[code]
    draw = seeded_rng("outcome", code, year).random()
    if draw < 0.2:
        return TargetStatus.MISSED
    return TargetStatus.MET if draw < 0.45 else TargetStatus.EXCEEDED


def aim_of(code: str, year: int) -> Aim:
    """The planned value and the actual the year's values are generated to reach."""
    planned = planned_value(code, year)
    outcome = outcome_of(code, year)
    ceiling = CEILINGS.get(code)
    rng = seeded_rng("aim", code, year)
    if outcome is TargetStatus.EXCEEDED:
        actual = planned * (1 + TOLERANCE + rng.uniform(0.012, 0.045))
    elif outcome is TargetStatus.MET:
        actual = planned * (1 + rng.uniform(0.004, 0.012))
    else:  # short of the plan, but not by a collapse
        actual = planned * (1 - TOLERANCE - rng.uniform(0.005, 0.03))
    if ceiling is not None and actual > ceiling:
        top = planned * (1 + TOLERANCE)  # the highest actual that is only met
        if ceiling - top > 1.0:  # room to exceed short of 100 %: few rates reach it
            actual = top + (ceiling - top) * rng.uniform(0.3, 0.7)
        else:
            # A full 100 % cannot be beaten: a plan just below it is exceeded at 100, a
            # plan of 100 is met only in full.
            actual = ceiling
            outcome = TargetStatus.EXCEEDED if ceiling > top else TargetStatus.MET
    return Aim(planned=planned, actual=actual, outcome=outcome)


def plan_document(year: int) -> str:
    """An invented plan reference for the year, marked as illustrative."""
    if year == PLAN_YEAR:
        return f"Kế hoạch số 15/KH-UBND ngày 20/01/{year} {ILLUSTRATIVE}"
    rng = seeded_rng("document", year)
    number, day = rng.randint(8, 40), rng.randint(12, 28)
    # The new province adopted its plan after the merger of 1 July 2025.
    month = 7 if year == FIRST_MERGED_YEAR else 1
    return f"Kế hoạch số {number:02d}/KH-UBND ngày {day:02d}/{month:02d}/{year} {ILLUSTRATIVE}"
