"""Column headers as people and systems write them, in Vietnamese or English.

A header is matched without case, accents or punctuation, so "Mã chỉ tiêu",
"ma_chi_tieu", "Indicator code" and DHIS2's "dataelement" all name the indicator.
A bilingual header such as "Mã đơn vị / Unit code" (our XLSX templates) matches
through either half.
"""

from __future__ import annotations

import re
import unicodedata

from fansipan.errors import msg

FIELDS = ("indicator", "unit", "period", "value", "comment")
REQUIRED = ("indicator", "unit", "period", "value")

_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator", "indicator code", "indicator id", "ma chi tieu", "chi tieu",
                  "dataelement", "data element", "de"),
    "unit": ("unit", "unit code", "unit id", "unit uid", "ma don vi", "don vi", "orgunit",
             "org unit", "organisation unit", "ou", "ma dia ban"),
    "period": ("period", "ky", "ky bao cao", "ma ky", "pe", "thoi gian"),
    "value": ("value", "gia tri", "so lieu"),
    "comment": ("comment", "ghi chu", "note"),
    "coc": ("categoryoptioncombo", "category option combo", "coc", "co"),
    "aoc": ("attributeoptioncombo", "attribute option combo", "aoc", "cc"),
}
# Columns we write into exports and templates and read past on the way back in.
IGNORED = ("indicator name", "ten chi tieu", "unit name", "ten don vi", "unit of measure",
           "don vi tinh", "period name", "ten ky", "storedby", "stored by", "nguoi nhap",
           "lastupdated", "last updated", "cap nhat", "created", "followup", "deleted",
           "source", "nguon", "unit uid", "stt", "no")

_LOOKUP = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
# Aliases only a Vietnamese header uses: such a file writes its numbers Vietnamese style.
_VIETNAMESE = frozenset({"ma chi tieu", "chi tieu", "ma don vi", "don vi", "ma dia ban", "ky",
                         "ky bao cao", "ma ky", "thoi gian", "gia tri", "so lieu", "ghi chu"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")

HEADER_HELP = msg("the header must name the columns indicator, unit, period and value "
                  "(comment optional), in English or Vietnamese")


def normalise(header: object) -> str:
    """Lower case, no accents (đ → d), words separated by one space."""
    text = unicodedata.normalize("NFD", str(header or "").replace("đ", "d").replace("Đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return _NOT_WORD.sub(" ", text).strip()


def field_of(header: object) -> str | None:
    """The field a header names, or None for a column to read past."""
    for part in str(header or "").split("/"):
        name = _LOOKUP.get(normalise(part))
        if name is not None:
            return name
    return None


def positions(headers: list[str]) -> tuple[dict[str, int], list[str]]:
    """Where each field is, and the required fields that are missing."""
    found: dict[str, int] = {}
    for n, header in enumerate(headers):
        name = field_of(header)
        if name is not None and name not in found:
            found[name] = n
    return found, [f for f in REQUIRED if f not in found]


def is_vietnamese(headers: list[str]) -> bool:
    """Whether the header names its columns in Vietnamese (any half of a bilingual one)."""
    return any(normalise(part) in _VIETNAMESE for header in headers
               for part in str(header or "").split("/"))
