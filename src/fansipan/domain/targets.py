"""Targets (chỉ tiêu kế hoạch): how an actual value compares with the planned one.

A finished period ends EXCEEDED (vượt), MET (đạt) or MISSED (không đạt); a period still
running is ON_TRACK (đúng tiến độ) or AT_RISK (có nguy cơ không đạt). Reports then count
them the way Vietnamese plans are reviewed: "10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó
5 chỉ tiêu vượt kế hoạch".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Direction(StrEnum):
    UP = "up"  # higher is better
    DOWN = "down"  # lower is better
    NONE = "none"  # no judgement, e.g. a context figure


class TargetStatus(StrEnum):
    EXCEEDED = "exceeded"
    MET = "met"
    MISSED = "missed"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    NO_DATA = "no_data"
    NOT_APPLICABLE = "not_applicable"

    @property
    def is_final(self) -> bool:
        """The period is over and the target judged: no odds or outlook to give any more."""
        return self in (TargetStatus.EXCEEDED, TargetStatus.MET, TargetStatus.MISSED)

    def label(self, lang: str) -> str:
        """The status for people; Vietnamese unless `lang` is "en", as for indicator names."""
        vi, en = _LABELS[self]
        return en if lang == "en" else vi


_LABELS: dict[TargetStatus, tuple[str, str]] = {
    TargetStatus.EXCEEDED: ("Vượt kế hoạch", "Exceeded"),
    TargetStatus.MET: ("Đạt", "Met"),
    TargetStatus.MISSED: ("Không đạt", "Missed"),
    TargetStatus.ON_TRACK: ("Đúng tiến độ", "On track"),
    TargetStatus.AT_RISK: ("Có nguy cơ không đạt", "At risk"),
    TargetStatus.NO_DATA: ("Chưa có số liệu", "No data"),
    TargetStatus.NOT_APPLICABLE: ("Không đánh giá", "Not applicable"),
}


def _compare(a: float, b: float) -> int:
    # Derived values carry float noise (100 * 7 / 7 is not always exactly 100, and
    # 0.1 + 0.2 > 0.3); a difference that small must not turn MET into EXCEEDED.
    if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
        return 0
    return -1 if a < b else 1


def _check(planned: float, tolerance: float) -> None:
    if not math.isfinite(planned):
        raise ValueError(f"the planned value must be a finite number, not {planned!r}")
    if not (math.isfinite(tolerance) and tolerance >= 0):
        raise ValueError(f"the tolerance must be a finite number >= 0, not {tolerance!r}")


def evaluate_target(
    *, actual: float | None, planned: float, direction: Direction, tolerance: float = 0.0
) -> TargetStatus:
    """The status of a target at the end of its period.

    `tolerance` is relative to |planned| (0.02 = 2 %): for UP, more than planned +
    tolerance is EXCEEDED, at least planned - tolerance is MET, less is MISSED; DOWN is
    the mirror image. Landing exactly on the plan is MET, never EXCEEDED, so a 100 %
    target reached at 100 is MET. A planned 0 has no relative margin, so the tolerance
    does nothing there: a DOWN target of 0 (no forest fires) is MET only by 0.
    Direction NONE is NOT_APPLICABLE (even without data); a missing actual is NO_DATA.
    """
    _check(planned, tolerance)
    if direction is Direction.NONE:
        return TargetStatus.NOT_APPLICABLE
    if actual is None or not math.isfinite(actual):
        return TargetStatus.NO_DATA
    standing = _standing(actual, planned, tolerance * abs(planned), direction)
    if standing > 0:
        return TargetStatus.EXCEEDED
    return TargetStatus.MET if standing == 0 else TargetStatus.MISSED


def _standing(actual: float, expected: float, margin: float, direction: Direction) -> int:
    """1 beyond expected + margin on the good side, 0 within the margin, -1 short of it."""
    # Negating both sides turns DOWN into UP, so there is one set of comparisons.
    sign = 1.0 if direction is Direction.UP else -1.0
    a, e = sign * actual, sign * expected
    if _compare(a, e + margin) > 0:
        return 1
    return 0 if _compare(a, e - margin) >= 0 else -1


def evaluate_progress(
    *,
    actual: float | None,
    planned: float,
    direction: Direction,
    elapsed_fraction: float,
    accumulates: bool,
    tolerance: float = 0.0,
) -> TargetStatus:
    """The status of a target whose period is still running.

    An indicator that accumulates (a sum such as revenue) is expected to have reached
    `planned * elapsed_fraction` by now; a level or a rate is expected to be at the
    planned value already. Reaching the expectation, within `tolerance` relative to it,
    is ON_TRACK, otherwise AT_RISK. Before the end nothing is final, so a sum already
    past its yearly plan is still ON_TRACK (and one past its DOWN ceiling AT_RISK);
    with `elapsed_fraction` at 1 the period is over and this is `evaluate_target`.
    """
    _check(planned, tolerance)
    if not 0.0 <= elapsed_fraction <= 1.0:
        raise ValueError(f"elapsed_fraction must be between 0 and 1, not {elapsed_fraction!r}")
    if elapsed_fraction >= 1.0:
        return evaluate_target(
            actual=actual, planned=planned, direction=direction, tolerance=tolerance
        )
    if direction is Direction.NONE:
        return TargetStatus.NOT_APPLICABLE
    if actual is None or not math.isfinite(actual):
        return TargetStatus.NO_DATA
    expected = planned * elapsed_fraction if accumulates else planned
    standing = _standing(actual, expected, tolerance * abs(expected), direction)
    return TargetStatus.ON_TRACK if standing >= 0 else TargetStatus.AT_RISK


def elapsed_fraction(start: date, end: date, today: date) -> float:
    """How much of the period `start`..`end` (both inclusive) is over at the start of `today`.

    Whole days before `today` count, so on `start` it is 0, on `end` it is still below 1
    (the last day's figures are not in), and from the day after `end` it is 1; on
    1 July, half of a year is over, as half-year figures say.
    """
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    days = (end - start).days + 1
    done = (today - start).days
    return min(1.0, max(0.0, done / days))


@dataclass(frozen=True)
class TargetSummary:
    """Counts of statuses. `total` counts the targets with a judgement to make: every
    status but NOT_APPLICABLE, including NO_DATA, so a missing figure still shows as a
    target not reached ("9/10 chỉ tiêu đạt, 1 chưa có số liệu")."""

    total: int
    met_or_better: int
    exceeded: int
    missed: int
    on_track: int
    at_risk: int
    no_data: int
    not_applicable: int = 0

    @property
    def met(self) -> int:
        """Met without exceeding."""
        return self.met_or_better - self.exceeded

    @property
    def in_progress(self) -> bool:
        """Only running periods were judged, so "đạt" would be premature."""
        finished = self.met_or_better + self.missed
        return finished == 0 and self.on_track + self.at_risk > 0

    def sentence(self, lang: str) -> str:
        """One line for a report, in Vietnamese unless `lang` is "en".

        Finished: "10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 5 chỉ tiêu vượt kế hoạch"
        / "10/10 targets met or exceeded, of which 5 exceeded"; still running: "3/4 chỉ
        tiêu đúng tiến độ, 1 chỉ tiêu có nguy cơ không đạt" / "3/4 targets on track, 1 at
        risk". A count is mentioned only when it is not zero.
        """
        en = lang == "en"
        if self.total == 0:
            return "No targets to evaluate" if en else "Chưa có chỉ tiêu nào để đánh giá"
        noun = ("target" if self.total == 1 else "targets") if en else "chỉ tiêu"
        extra: list[tuple[int, str, str]] = []
        if self.in_progress:
            head = f"{self.on_track}/{self.total} {noun} " + ("on track" if en else "đúng tiến độ")
        elif self.exceeded:
            head = f"{self.met_or_better}/{self.total} {noun} " + (
                "met or exceeded" if en else "đạt và vượt kế hoạch")
            extra.append((self.exceeded, "of which {n} exceeded",
                          "trong đó {n} chỉ tiêu vượt kế hoạch"))
        else:
            head = f"{self.met_or_better}/{self.total} {noun} " + ("met" if en else "đạt kế hoạch")
        if not self.in_progress:
            extra += [(self.missed, "{n} missed", "{n} chỉ tiêu không đạt"),
                      (self.on_track, "{n} on track", "{n} chỉ tiêu đúng tiến độ")]
        extra += [(self.at_risk, "{n} at risk", "{n} chỉ tiêu có nguy cơ không đạt"),
                  (self.no_data, "{n} with no data", "{n} chỉ tiêu chưa có số liệu")]
        parts = [head] + [(e if en else v).format(n=n) for n, e, v in extra if n]
        return ", ".join(parts)


def summarize_statuses(statuses: Iterable[TargetStatus]) -> TargetSummary:
    counts = Counter(statuses)
    not_applicable = counts[TargetStatus.NOT_APPLICABLE]
    return TargetSummary(
        total=sum(counts.values()) - not_applicable,
        met_or_better=counts[TargetStatus.MET] + counts[TargetStatus.EXCEEDED],
        exceeded=counts[TargetStatus.EXCEEDED],
        missed=counts[TargetStatus.MISSED],
        on_track=counts[TargetStatus.ON_TRACK],
        at_risk=counts[TargetStatus.AT_RISK],
        no_data=counts[TargetStatus.NO_DATA],
        not_applicable=not_applicable,
    )


def percent_of_plan(*, actual: float | None, planned: float,
                    direction: Direction) -> float | None:
    """"Đạt X % kế hoạch": how much of the plan the actual reached, in per cent.

    Higher is better: actual ÷ planned. Lower is better (a ceiling such as villages in
    dead zones): planned ÷ actual, so beating the ceiling reads above 100 % as it does
    for the other direction; an actual of 0 against a ceiling of 0 is 100 %. None where
    the share means nothing: no actual, a target not judged, a plan of 0 to reach, or a
    ceiling beaten down to 0.
    """
    _check(planned, 0.0)
    if direction is Direction.NONE or actual is None or not math.isfinite(actual):
        return None
    if direction is Direction.UP:
        return None if planned == 0 else 100.0 * actual / planned
    if actual == 0:
        return 100.0 if planned == 0 else None
    return 100.0 * planned / actual


def plan_share_text(share: float | None, lang: str, *, goal: str = "") -> str:
    """"Đạt 103,8 % kế hoạch" ("Đạt 75,0 % mục tiêu năm 2025" with a `goal`), or a dash.

    Vietnamese writing sets the per cent sign apart, as the pages' other shares do."""
    if share is None:
        return "—"
    shown = f"{share:,.1f}"
    if lang == "en":
        return f"{shown}% of {goal or 'plan'}"
    shown = shown.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"Đạt {shown} % {goal or 'kế hoạch'}"
