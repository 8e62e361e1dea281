"""The words of the formula language: its functions, the shape of a code, its limits."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

# name → (fewest, most) arguments; None = no upper bound. SQLite's scalar MIN, MAX and
# COALESCE need at least two arguments (one-argument MIN/MAX is the aggregate).
FUNCTIONS: Mapping[str, tuple[int, int | None]] = {
    "abs": (1, 1),
    "coalesce": (2, None),
    "max": (2, None),
    "min": (2, None),
    "round": (1, 2),
}
# SQLite treats a negative number of places as 0, so negative rounding would disagree
# between `evaluate` and SQL; 15 is as far as a double has meaningful decimals.
MAX_ROUND_PLACES = 15
# Evaluating and printing recurse over the tree; a bound keeps them far from Python's
# recursion limit. Real formulas are a handful of levels deep.
MAX_DEPTH = 100

DIGITS = frozenset("0123456789")
UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
CODE_CHARS = UPPER | DIGITS | {"_"}
EXAMPLE = "100 * A / B"


def is_code(text: str) -> bool:
    """Whether `text` has the shape of an indicator code: `[A-Z][A-Z0-9_]*`."""
    return bool(text) and text[0] in UPPER and all(c in CODE_CHARS for c in text)


def suggest(code: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(code, list(candidates), n=1)
    return close[0] if close else None
