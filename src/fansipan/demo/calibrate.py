"""Bring the ten plan indicators to the actuals their plans were designed for.

The generator draws every series from its own curves; the plans (`fansipan.demo.plans`)
were written without looking at them. Here each plan indicator's parts are adjusted, in
the plan's province and year, so that the figure the target evaluation will compute
lands where the year's outcome says: a little above the plan when met, clearly above
when exceeded, below when missed. The adjustment works on the part people enter (the
households with Internet, the months' revenue, the December subscriber count...), keeps
every part within its bounds (no more households online than households), and spreads
over the year so that series stay smooth.

A year's flows are the months that count towards the plan province's year, as the mapped
hierarchy sums them: old Lào Cai's alone up to 2024, and in 2025 both old provinces'
first half with the merged province's second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from fansipan.demo.curves import seeded_rng
from fansipan.demo.plans import FIRST_MERGED_YEAR, PLAN_PATHS, Aim, aim_of
from fansipan.demo.scopes import Scope
from fansipan.domain.indicators import Indicator
from fansipan.domain.periods import Period
from fansipan.domain.units import Hierarchy, Unit

Key = tuple[str, int, str]  # indicator code, unit id, period id


@dataclass
class Frame:
    """Raw demo values before they are fitted and written, with the scopes they cover."""

    hierarchy: Hierarchy
    indicators: Mapping[str, Indicator]
    values: dict[Key, float] = field(default_factory=dict)
    periods: dict[str, Period] = field(default_factory=dict)
    month_scopes: list[tuple[Period, list[Scope]]] = field(default_factory=list)
    year_scopes: list[tuple[Period, list[Scope]]] = field(default_factory=list)

    def add(self, unit: Unit, period: Period, values: Mapping[str, float]) -> None:
        pid, uid = period.id, unit.id
        self.periods[pid] = period
        for code, value in values.items():
            self.values[(code, uid, pid)] = float(value)

    def get(self, key: Key) -> float:
        return self.values.get(key, 0.0)


@dataclass(frozen=True)
class _Year:
    """One plan year: its yearly period and scope, and its months with their scopes."""

    period: Period
    scope: Scope  # the plan's province at the year's end
    months: list[tuple[Period, list[Scope]]]  # the months counting towards it

    def plan_months(self) -> list[tuple[Period, Scope]]:
        """The months the plan province itself reported (the merged one: from July 2025)."""
        return [(p, s) for p, scopes in self.months for s in scopes if s.key == self.scope.key]


def calibrate(frame: Frame) -> None:
    """Adjust the frame in place; every plan indicator, every generated year."""
    stock_factors: dict[str, dict[str, float]] = {"VT_THUE_BAO_BRDD": {}, "CNTT_DVC_MUC_4": {}}
    for period, scopes in frame.year_scopes:
        year = _Year(period, scopes[0], [
            (m, [s for s in ss if period.year >= FIRST_MERGED_YEAR or s.key == scopes[0].key])
            for m, ss in frame.month_scopes if m.year == period.year])
        for code, lever in _LEVERS:
            if code in PLAN_PATHS and code in frame.indicators:
                lever(frame, year, aim_of(code, period.year), stock_factors)


# --- Levers ---------------------------------------------------------------------------

_Factors = dict[str, dict[str, float]]


def _postal_points(frame: Frame, year: _Year, aim: Aim, _: _Factors) -> None:
    """Which communes have a staffed postal point: as many as the aimed rate, the same
    communes lacking one from year to year."""
    keys = [("BC_XA_CO_DIEM", c.id, year.period.id) for c in year.scope.communes]
    order = sorted(keys, key=lambda k: seeded_rng("postal-order", k[1]).random())
    wanted = round(aim.actual * len(keys) / 100)
    have = sum(1 for k in keys if frame.get(k) >= 1)
    for key in order if have > wanted else reversed(order):
        if have == wanted:
            break
        on = frame.get(key) >= 1
        if (have > wanted) == on:
            frame.values[key] = 0.0 if on else 1.0
            points = ("BC_DIEM_PHUC_VU", key[1], key[2])
            frame.values[points] = max(0.0, frame.get(points) + (-1 if on else 1))
            have += -1 if on else 1


def _coverage(frame: Frame, year: _Year, aim: Aim, _: _Factors) -> None:
    """Villages without a mobile signal, as many as the aimed coverage leaves."""
    pid = year.period.id
    communes = [c.id for c in year.scope.communes]
    villages = sum(frame.get(("VT_THON_TONG", c, pid)) for c in communes)
    wanted = round(villages * (1 - aim.actual / 100))
    dead = {c: int(frame.get(("VT_THON_VUNG_LOM", c, pid))) for c in communes}
    order = sorted(communes, key=lambda c: seeded_rng("signal-order", c).random())
    total = sum(dead.values())
    while total > wanted:
        worst = max(order, key=lambda c: dead[c])
        dead[worst] -= 1
        total -= 1
    spots = [c for c in order if dead[c] > 0] + [c for c in order if dead[c] == 0]
    n = 0
    while total < wanted and spots:
        c = spots[n % len(spots)]
        if dead[c] < frame.get(("VT_THON_TONG", c, pid)) - 1:
            dead[c] += 1
            total += 1
        n += 1
        if n > 100 * len(spots):
            break
    for c, count in dead.items():
        frame.values[("VT_THON_VUNG_LOM", c, pid)] = float(count)


def _commune_share(part: str, whole: str, cap: str) -> Callable[[Frame, _Year, Aim, _Factors],
                                                                 None]:
    def lever(frame: Frame, year: _Year, aim: Aim, _: _Factors) -> None:
        pid = year.period.id
        rows = [((part, c.id, pid), (whole, c.id, pid), (cap, c.id, pid))
                for c in year.scope.communes]
        _scale_to_share(frame, rows, aim.actual, f"{part}:{pid}")
    return lever


def _online_dossiers(frame: Frame, year: _Year, aim: Aim, _: _Factors) -> None:
    rows = []
    for period, scopes in year.months:
        for scope in scopes:
            for unit in (*scope.communes, *scope.agencies):
                received = ("CNTT_HO_SO_TIEP_NHAN", unit.id, period.id)
                if received in frame.values:
                    rows.append((("CNTT_HO_SO_TRUC_TUYEN", unit.id, period.id), received,
                                 received))
    _scale_to_share(frame, rows, aim.actual, f"online:{year.period.id}")


def _agencies_online(frame: Frame, year: _Year, aim: Aim, _: _Factors) -> None:
    pid, unit = year.period.id, year.scope.province.id
    total = frame.get(("CNTT_CQ_TONG", unit, pid))
    frame.values[("CNTT_CQ_TSLCD", unit, pid)] = float(min(total, round(aim.actual * total / 100)))


def _revenue(code: str) -> Callable[[Frame, _Year, Aim, _Factors], None]:
    def lever(frame: Frame, year: _Year, aim: Aim, _: _Factors) -> None:
        keys = [(code, s.province.id, p.id) for p, scopes in year.months for s in scopes
                if (code, s.province.id, p.id) in frame.values]
        total = sum(frame.values[k] for k in keys)
        if total > 0:
            for k in keys:
                frame.values[k] *= aim.actual / total
    return lever


def _december_target(code: str, frame: Frame, year: _Year, aim: Aim) -> float:
    pid, province = year.period.id, year.scope.province.id
    if code == "VT_THUE_BAO_BRDD":
        people = sum(frame.get(("CDS_DAN_SO", c.id, pid)) for c in year.scope.communes)
        return aim.actual * people / 100
    december = year.plan_months()[-1][0].id
    return float(round(aim.actual * frame.get(("CNTT_TTHC_TONG", province, december)) / 100))


def _stock(code: str) -> Callable[[Frame, _Year, Aim, _Factors], None]:
    """A level counted at the year's end: December brought to the aim, the months before
    moving there smoothly from where the previous year ended."""
    def lever(frame: Frame, year: _Year, aim: Aim, factors: _Factors) -> None:
        months = year.plan_months()
        if not months:
            return
        seen = factors[code]
        key = year.scope.key
        if key in seen:
            start = seen[key]
        elif key == "new":  # where the two old provinces left off in June 2025
            start = _joint_factor(frame, code, year, seen)
        else:
            start = 1.0
        december = (code, months[-1][1].province.id, months[-1][0].id)
        natural = frame.get(december)
        end = _december_target(code, frame, year, aim) / natural if natural else 1.0
        for n, (period, scope) in enumerate(months, start=1):
            k = (code, scope.province.id, period.id)
            if k in frame.values:
                factor = start + (end - start) * n / len(months)
                frame.values[k] = _capped(frame, code, k, frame.values[k] * factor)
        frame.values[december] = _capped(frame, code, december,
                                         _december_target(code, frame, year, aim))
        seen[key] = end
        # The old province's last months (January–June 2025) stay where it ended.
        for period, scopes in frame.month_scopes:
            if period.year == year.period.year + 1 and period.year == FIRST_MERGED_YEAR:
                for s in scopes:
                    k = (code, s.province.id, period.id)
                    if s.key == key and k in frame.values:
                        frame.values[k] = _capped(frame, code, k, frame.values[k] * end)
    return lever


def _joint_factor(frame: Frame, code: str, year: _Year, seen: Mapping[str, float]) -> float:
    june = [(p, ss) for p, ss in frame.month_scopes if p.end == date(FIRST_MERGED_YEAR, 6, 30)]
    if not june:
        return 1.0
    period, scopes = june[0]
    parts = [(frame.get((code, s.province.id, period.id)), seen.get(s.key, 1.0)) for s in scopes]
    # Those values were scaled already: the factor of their sum is scaled over natural.
    natural = sum(v / f for v, f in parts if f)
    return sum(v for v, _ in parts) / natural if natural else 1.0


def _capped(frame: Frame, code: str, key: Key, value: float) -> float:
    if code == "CNTT_DVC_MUC_4":
        return min(value, frame.get(("CNTT_TTHC_TONG", key[1], key[2])))
    return value


# --- Shares of parts ------------------------------------------------------------------


def _scale_to_share(frame: Frame, rows: Iterable[tuple[Key, Key, Key]], share: float,
                    seed: str) -> None:
    """Scale the parts (each at most its cap) so that Σ part / Σ whole is `share` %, then
    make them whole numbers that still add up to it."""
    rows = [r for r in rows if r[0] in frame.values or r[1] in frame.values]
    whole = sum(frame.get(w) for _, w, _ in rows)
    if not rows or whole <= 0:
        return
    target = share * whole / 100
    for _ in range(12):
        total = sum(frame.get(p) for p, _, _ in rows)
        if total <= 0 or abs(total - target) <= 0.25:
            break
        factor = target / total
        for p, _, cap in rows:
            frame.values[p] = min(frame.get(cap), frame.get(p) * factor)
    for p, _, _ in rows:
        frame.values[p] = float(int(frame.get(p)))
    missing = round(target) - round(sum(frame.get(p) for p, _, _ in rows))
    order = sorted(rows, key=lambda r: seeded_rng(seed, r[0][1], r[0][2]).random())
    for p, _, cap in order * 3:
        if missing == 0:
            break
        if missing > 0 and frame.get(p) + 1 <= frame.get(cap):
            frame.values[p] += 1
            missing -= 1
        elif missing < 0 and frame.get(p) >= 1:
            frame.values[p] -= 1
            missing += 1


# Internet before broadband: no more households on broadband than online.
_LEVERS: tuple[tuple[str, Callable[[Frame, _Year, Aim, _Factors], None]], ...] = (
    ("BC_TY_LE_XA_CO_DIEM", _postal_points),
    ("BC_DOANH_THU", _revenue("BC_DOANH_THU")),
    ("VT_TB_BRDD_100_DAN", _stock("VT_THUE_BAO_BRDD")),
    ("CDS_TY_LE_HO_INTERNET", _commune_share("CDS_HO_CO_INTERNET", "CDS_TONG_HO_GD",
                                             "CDS_TONG_HO_GD")),
    ("VT_TY_LE_HO_BRCD", _commune_share("VT_THUE_BAO_BRCD_HGD", "CDS_TONG_HO_GD",
                                        "CDS_HO_CO_INTERNET")),
    ("VT_TY_LE_THON_CO_SONG", _coverage),
    ("VT_DOANH_THU", _revenue("VT_DOANH_THU")),
    ("CNTT_TY_LE_DVC_MUC_4", _stock("CNTT_DVC_MUC_4")),
    ("CNTT_TY_LE_HO_SO_TRUC_TUYEN", _online_dossiers),
    ("CNTT_TY_LE_CQ_TSLCD", _agencies_online),
)
