"""How wide a line of Times New Roman text is, for the rules under the header lines.

Decree 30 sizes the rule under the motto to the motto's length and the rules under the
issuing body and the subject to 1/3–1/2 of theirs, so the writer and the linter both need
text widths. Liberation Serif has Times New Roman's advance widths by design (it is
metric-compatible), and Debian ships it (fonts-liberation2 covers every Vietnamese
letter), so its tables are read with fontTools. Without it, widths are estimated from
average letter widths, good to a few per cent on Vietnamese text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations, pairwise
from pathlib import Path
from typing import Final

from fontTools.ttLib import TTFont

FONT_DIRS: Final = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
    Path("/usr/share/fonts/liberation-serif"),
    Path("/usr/local/share/fonts"),
)
_FACES: Final = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}
# Average advance per letter in em for Times New Roman, measured on Vietnamese prose:
# used only when no metric-compatible font is installed.
_ESTIMATE: Final = {
    (False, False, False): 0.46, (True, False, False): 0.50,
    (False, False, True): 0.66, (True, False, True): 0.70,
}  # fmt: skip
EMU_PER_POINT: Final = 12700
TWIPS_PER_POINT: Final = 20


@dataclass(frozen=True)
class _Face:
    widths: dict[int, int]
    units_per_em: int
    space: int


@cache
def _face(bold: bool, italic: bool) -> _Face | None:
    name = _FACES[(bold, italic)]
    for folder in FONT_DIRS:
        path = folder / name
        if path.is_file():
            font = TTFont(str(path), lazy=True)
            cmap = font.getBestCmap()
            metrics = font["hmtx"]
            widths = {code: metrics[glyph][0] for code, glyph in cmap.items()}
            units = int(font["head"].unitsPerEm)
            font.close()
            return _Face(widths=widths, units_per_em=units, space=widths.get(32, units // 4))
    return None


def metric_font_available() -> bool:
    """Whether widths come from a metric-compatible font rather than an estimate."""
    return _face(False, False) is not None


def _advance(face: _Face, ch: str) -> int:
    width = face.widths.get(ord(ch))
    if width is not None:
        return width
    # An older font without a precomposed letter: its base letter is as wide.
    base = unicodedata.normalize("NFD", ch)[:1]
    return face.widths.get(ord(base), face.space) if base else face.space


def text_width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """The width of `text` on one line, in points, at `size` points."""
    face = _face(bold, italic)
    if face is None:
        per_letter = _ESTIMATE[(bold, False, text.isupper())]
        return len(text) * per_letter * size
    units = sum(_advance(face, ch) for ch in text)
    return units * size / face.units_per_em


def wrap_lines(text: str, size: float, width: float, *, bold: bool = False,
               italic: bool = False) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` points (a long word stays
    whole on its own line), as a word processor breaks it."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and text_width(trial, size, bold=bold, italic=italic) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


def balanced_lines(text: str, size: float, width: float, *, bold: bool = False,
                   italic: bool = False) -> list[str]:
    """`text` in as few lines as `wrap_lines` needs, broken so the longest is shortest.

    A header name that needs two lines reads "SỞ THÔNG TIN VÀ / TRUYỀN THÔNG", not
    "SỞ THÔNG TIN VÀ TRUYỀN / THÔNG"; this is how officers break them by hand.
    """
    greedy = wrap_lines(text, size, width, bold=bold, italic=italic)
    words = text.split()
    count = len(greedy)
    if count <= 1 or count > 4 or len(words) > 40:  # long text: greedy is good enough
        return greedy
    best, best_width = greedy, longest_line(greedy, size, bold=bold, italic=italic)
    for cuts in combinations(range(1, len(words)), count - 1):
        bounds = (0, *cuts, len(words))
        lines = [" ".join(words[a:b]) for a, b in pairwise(bounds)]
        widest = longest_line(lines, size, bold=bold, italic=italic)
        if widest <= width and widest < best_width:
            best, best_width = lines, widest
    return best


def longest_line(lines: Sequence[str], size: float, *, bold: bool = False,
                 italic: bool = False) -> float:
    """The width in points of the widest of `lines`."""
    return max((text_width(line, size, bold=bold, italic=italic) for line in lines),
               default=0.0)


def rule_length(text: str, size: float, room: float, *, ratio: float, bold: bool = False,
                italic: bool = False) -> float:
    """The length in points of a rule drawn under `text` set in a box `room` points wide:
    `ratio` of its longest line once broken by `balanced_lines` (1 for the motto, 0,4 under
    the issuing body and the subject)."""
    lines = balanced_lines(text, size, room, bold=bold, italic=italic)
    return ratio * longest_line(lines, size, bold=bold, italic=italic)
