"""The shapes every demo series is drawn from: seeded randomness, S-curves, seasons.

Randomness comes only from `random.Random` instances seeded from `SEED` and the unit
and period concerned, never from the global generator, so the same catalogue gives the
same values, and a value for a period does not change when the load date moves on.
"""

from __future__ import annotations

import math
import random

SEED = 2022
BASE_YEAR = 2019  # the year the invented commune profiles describe; curves count from it
# Tết and the year-end push shape the monthly flows.
SEASON = (0.97, 0.78, 1.0, 1.0, 1.02, 1.0, 0.97, 0.99, 1.0, 1.03, 1.05, 1.19)
NEVER = 9999


def seeded_rng(*key: object) -> random.Random:
    """A generator of its own for `key` (a unit, a period...), seeded from `SEED`."""
    return random.Random(":".join(str(k) for k in (SEED, *key)))  # noqa: S311 - demo data


def s_curve(x: float, lo: float, hi: float, mid: float, speed: float) -> float:
    """A logistic S-curve from `lo` to `hi` over fractional years `x`, halfway at `mid`."""
    return lo + (hi - lo) / (1.0 + math.exp(-speed * (x - mid)))


def wobble(rng: random.Random, sd: float) -> float:
    return max(0.5, 1.0 + rng.gauss(0.0, sd))


def portion(total: int, share: float, rng: random.Random, sd: float = 0.02) -> int:
    """A whole part of `total` close to `share` of it, never below 0 nor above `total`."""
    share = min(1.0, max(0.0, share))
    if share >= 0.995:
        return total
    return min(total, max(0, round(total * share * wobble(rng, sd))))


def month_x(year: int, month: int) -> float:
    """The middle of a month as a fractional year (2021-07 → 2021.54)."""
    return year + (month - 0.5) / 12
