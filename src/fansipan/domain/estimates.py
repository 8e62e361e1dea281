"""Estimates and official figures (ước thực hiện / số chính thức).

A figure reported before its period's data are complete is an estimate: the December
report of a year gives "ước thực hiện cả năm" because December is not over when it is
written. The official figure replaces it later and both are kept: the stored value
becomes the official one and the estimate it replaced stays beside it.

The rules a write follows, and the wording every reader uses:

- an estimate may be written over nothing or over an estimate;
- an official figure may replace an estimate (the estimate is kept) or an official one;
- an estimate never replaces an official figure: the official figure would be lost
  behind a guess, so the official figure must be deleted first, on purpose;
- an aggregate (a total over units, a year over its months, a rate over its parts) that
  includes an estimate is an estimate.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final

__all__ = ["ESTIMATE_WORDS", "ValueStatus", "combined_status", "parse_value_status"]


class ValueStatus(StrEnum):
    OFFICIAL = "official"
    ESTIMATE = "estimate"

    def label(self, lang: str = "vi") -> str:
        """"Số chính thức" / "Ước thực hiện" (English: "Official" / "Estimate")."""
        vi, en = _LABELS[self]
        return en if lang == "en" else vi

    def short(self, lang: str = "vi") -> str:
        """The tag beside a figure in a table: "Chính thức" / "Ước TH"."""
        vi, en = _SHORT[self]
        return en if lang == "en" else vi

    @property
    def is_estimate(self) -> bool:
        return self is ValueStatus.ESTIMATE

    @classmethod
    def of(cls, estimate: bool) -> ValueStatus:
        return cls.ESTIMATE if estimate else cls.OFFICIAL


_LABELS: Final = {
    ValueStatus.OFFICIAL: ("Số chính thức", "Official figure"),
    ValueStatus.ESTIMATE: ("Ước thực hiện", "Estimate"),
}
_SHORT: Final = {
    ValueStatus.OFFICIAL: ("Chính thức", "Official"),
    ValueStatus.ESTIMATE: ("Ước TH", "Estimate"),
}

# What people write in a file's status column, in either language.
ESTIMATE_WORDS: Final = frozenset({
    "estimate", "estimated", "e", "ước", "uoc", "ước tính", "ước thực hiện", "uoc thuc hien",
    "ước th", "uoc th", "ươc",
})
_OFFICIAL_WORDS: Final = frozenset({
    "official", "o", "final", "chính thức", "chinh thuc", "số chính thức", "so chinh thuc",
    "thực hiện", "thuc hien",
})


def parse_value_status(text: object) -> ValueStatus | None:
    """The status a cell or a field names, None for an empty one; raises on other text."""
    if text is None:
        return None
    if isinstance(text, ValueStatus):
        return text
    word = " ".join(str(text).strip().lower().split())
    if not word:
        return None
    if word in ESTIMATE_WORDS:
        return ValueStatus.ESTIMATE
    if word in _OFFICIAL_WORDS:
        return ValueStatus.OFFICIAL
    raise ValueError(word)


def combined_status(parts: Iterable[bool]) -> ValueStatus:
    """The status of a figure made of parts: an estimate when any part is one."""
    return ValueStatus.of(any(parts))
