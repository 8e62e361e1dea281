"""Province-wide demo figures an operations centre shows beside the department's own:
budget revenue, tourists, border-gate trade, GRDP, the DTI and its components, the
digital economy's share, broadcast coverage, smartphones. ILLUSTRATIVE (minh họa).

Sizes follow the province: old Lào Cai is the measure (scale 1), old Yên Bái has more
people but a smaller economy and no border gate, and the merged province continues the
two together. Shares, scores and growth rates are the province's own and do not add up.
"""

from __future__ import annotations

import math
import random

from fansipan.demo.curves import BASE_YEAR, SEASON, month_x, portion, s_curve, wobble
from fansipan.demo.scopes import Scope
from fansipan.domain.periods import Period

# Tourism peaks in summer, in the autumn rice season and at Tết; revenue at year end.
_TOURIST_SEASON = (1.1, 1.05, 0.85, 0.8, 0.95, 1.15, 1.2, 1.05, 1.0, 0.95, 0.85, 1.05)
_DTI_FOUNDATION = ("CDS_DTI_NHAN_THUC_SO", "CDS_DTI_THE_CHE_SO", "CDS_DTI_HA_TANG_SO",
                   "CDS_DTI_NHAN_LUC_SO", "CDS_DTI_AN_TOAN_TTM")
_DTI_OFFSETS = {
    "CDS_DTI_NHAN_THUC_SO": 0.08, "CDS_DTI_THE_CHE_SO": 0.12, "CDS_DTI_HA_TANG_SO": 0.02,
    "CDS_DTI_NHAN_LUC_SO": -0.06, "CDS_DTI_AN_TOAN_TTM": 0.0,
    "CDS_DTI_HD_CHINH_QUYEN_SO": 0.06, "CDS_DTI_HD_KINH_TE_SO": -0.1,
    "CDS_DTI_HD_XA_HOI_SO": -0.03,
}


def sized(scope: Scope, scale: float, lao_cai: float, yen_bai_per_person: float) -> float:
    """A figure that adds up across provinces: old Lào Cai's, Yên Bái's at its own rate
    per person, or both together for the merged province."""
    if scope.key == "lc":
        return lao_cai
    if scope.key == "yb":
        return yen_bai_per_person * scale
    return lao_cai + yen_bai_per_person * max(0.0, scale - 1.0)


def province_headline_month(period: Period, scope: Scope, scale: float, procedures: int,
                            rng: random.Random) -> dict[str, float]:
    x = month_x(period.year, period.index)
    t = x - BASE_YEAR
    m = period.index - 1
    domestic = s_curve(x, 0.35, 1.0, 2022.3, 4.0)  # after the 2021 lockdowns
    foreign = s_curve(x, 0.005, 1.0, 2023.0, 3.0)  # the border reopened in 2023
    tourists = sized(scope, scale, 520_000, 150_000) * domestic * 1.05 ** (t - 4)
    visitors = sized(scope, scale, 90_000, 3_000) * foreign * 1.06 ** (t - 4)
    values: dict[str, float] = {
        "KTXH_THU_NSNN": sized(scope, scale, 800, 330) * 1.08 ** (t - 2)
        * SEASON[m] * wobble(rng, 0.08),
        "KTXH_KHACH_DU_LICH": round((tourists + visitors) * _TOURIST_SEASON[m]
                                    * wobble(rng, 0.06)),
        "KTXH_KHACH_QUOC_TE": round(visitors * _TOURIST_SEASON[m] * wobble(rng, 0.08)),
        "CNTT_DVC_MOT_PHAN": portion(procedures, s_curve(x, 0.22, 0.33, 2021.8, 1.5), rng, 0.01),
    }
    if scope.key != "yb":  # Yên Bái has no border gate
        values["KTXH_XNK_CUA_KHAU"] = (280 * s_curve(x, 0.5, 1.0, 2023.0, 3.0)
                                       * 1.08 ** (t - 4) * wobble(rng, 0.07))
    if scope.key == "yb":  # no Yên Bái agencies in the list: its documents as one total
        documents = round(2700 * scale * SEASON[m] * wobble(rng, 0.05))
        electronic = portion(documents, s_curve(x, 0.72, 0.99, 2021.4, 1.8), rng, 0.01)
        values.update({
            "CNTT_VB_DI_TONG": documents,
            "CNTT_VB_DI_DIEN_TU": electronic,
            "CNTT_VB_DI_KY_SO": portion(electronic, s_curve(x, 0.6, 0.97, 2021.6, 1.6), rng,
                                        0.02),
        })
    return values


def province_headline_year(year: int, scope: Scope, scale: float,
                           rng: random.Random) -> dict[str, float]:
    x, t = year + 1.0, year - BASE_YEAR
    lead = -0.15 if scope.key == "yb" else 0.0  # years ahead (negative: behind)
    values: dict[str, float] = {
        "KTXH_GRDP": sized(scope, scale, 52_000, 31_000) * 1.1 ** (t - 1) * wobble(rng, 0.01),
        "KTXH_TANG_TRUONG_GRDP": round(rng.uniform(6.2, 9.4) - (0.6 if year == 2021 else 0.0),
                                       2),
        "CDS_TY_TRONG_KTS_GRDP": round(100 * s_curve(x + lead, 0.05, 0.2, 2024.5, 0.6)
                                       + rng.gauss(0, 0.2), 1),
        "TTBC_TY_LE_PHU_SONG_PT": round(min(99.9, 98.2 + 0.3 * (t - 2) + rng.gauss(0, 0.1)), 1),
        "TTBC_TY_LE_PHU_SONG_TH": round(min(99.9, 98.8 + 0.25 * (t - 2) + rng.gauss(0, 0.1)), 1),
        "VT_TY_LE_SMARTPHONE": round(100 * s_curve(x + lead, 0.5, 0.95, 2022.5, 0.8)
                                     + rng.gauss(0, 0.4), 1),
    }
    values.update(_dti(x + lead, scope, rng))
    return values


def _dti(x: float, scope: Scope, rng: random.Random) -> dict[str, float]:
    """The DTI's main indices and pillars, and the index and rank made of them."""
    level = s_curve(x, 0.28, 0.68, 2021.8, 1.0)
    scores = {code: _score(level + offset + rng.gauss(0, 0.02))
              for code, offset in _DTI_OFFSETS.items()}
    foundation = sum(scores[c] for c in _DTI_FOUNDATION) / len(_DTI_FOUNDATION)
    pillars = {
        "CDS_DTI_CHINH_QUYEN_SO": _score((foundation + scores["CDS_DTI_HD_CHINH_QUYEN_SO"]) / 2),
        "CDS_DTI_KINH_TE_SO": _score((foundation + scores["CDS_DTI_HD_KINH_TE_SO"]) / 2),
        "CDS_DTI_XA_HOI_SO": _score((foundation + scores["CDS_DTI_HD_XA_HOI_SO"]) / 2),
    }
    # 400, 300 and 300 of the 1,000 points go to the three pillars.
    dti = _score(0.4 * pillars["CDS_DTI_CHINH_QUYEN_SO"] + 0.3 * pillars["CDS_DTI_KINH_TE_SO"]
                 + 0.3 * pillars["CDS_DTI_XA_HOI_SO"])
    provinces = 34 if scope.merged else 63
    rank = min(63, max(1, round(42 - 80 * (dti - 0.3) + rng.gauss(0, 2))))
    return {**scores, **pillars, "CDS_CHI_SO_DTI": dti,
            "CDS_XEP_HANG_DTI": max(1, round(rank * provinces / 63))}


def _score(value: float) -> float:
    return round(min(0.95, max(0.05, value)), 4) if math.isfinite(value) else 0.05
