"""Rates that carry their own numerator, denominator and the words that define them.

A percentage on its own hides what it was taken over: "on-time rate 92 %" over the
dossiers handled, or over the dossiers handled plus those overdue and still open, are
two different numbers. A `Rate` keeps both counts and a label in Vietnamese and English,
so every page and report says which one it shows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """`numerator` out of `denominator`; `label_vi`/`label_en` say what both count."""

    numerator: int
    denominator: int
    label_vi: str
    label_en: str

    def __post_init__(self) -> None:
        if self.denominator < 0 or self.numerator < 0:
            raise ValueError(f"a rate counts things: {self.numerator}/{self.denominator}")
        if self.numerator > self.denominator:
            raise ValueError(f"a rate cannot exceed its denominator: "
                             f"{self.numerator}/{self.denominator} ({self.label_en})")

    @property
    def percent(self) -> float | None:
        """100 × numerator ÷ denominator; None when nothing was counted (not 0, not 100)."""
        if self.denominator == 0:
            return None
        return 100.0 * self.numerator / self.denominator

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi
