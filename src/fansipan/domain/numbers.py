"""Numbers as people type them, and which way a dot or a comma is read.

Vietnamese writes `1.234,5` (the dot groups thousands, the comma is the decimal mark);
English writes `1,234.5`. Most numbers read the same either way (`1234`, `12,5`,
`0.25`, `1.234.567`, `1.234,5`); one shape does not: a single separator between one to
three digits and exactly three more (`1.234`, `12,500`). Its reading depends on the
**number style** of where it came from:

- `VI`: a Vietnamese file (semicolon-separated CSV, Vietnamese headers) or a page in
  Vietnamese: `1.234` is 1234, `1,234` is 1.234;
- `EN`: an English page, or a file sent with `number_style=en`: `1,234` is 1234,
  `1.234` is 1.234;
- `MACHINE`: DHIS2 payloads and other machine formats: a decimal point, no grouping;
- `AUTO`: nothing says which (an API payload, a file with English headers): the
  ambiguous shape is refused with both readings named, never guessed.

A number written in the other style than the one in force (`1,234.5` in a Vietnamese
file) is refused too: it means the file mixes conventions, so any of its ambiguous
numbers may have been meant the other way. Only the digits 0–9 count as digits
(Arabic-Indic or full-width digits are refused), and true/false are not numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

from fansipan.errors import FieldError, Message, ValidationError, msg


class NumberStyle(StrEnum):
    AUTO = "auto"
    VI = "vi"
    EN = "en"
    MACHINE = "machine"


_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_SINGLE = re.compile(r"^([+-]?)([0-9]*)([.,])([0-9]+)$")
_EXPONENT = re.compile(r"^[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)[eE][+-]?[0-9]+$")
_VI_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?$")
_EN_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")


@dataclass(frozen=True)
class Refusal:
    """Why a text is not read as a number (said in the reader's language at the edge)."""

    message: Message
    code: str = "not_a_number"


@dataclass
class NumberReading:
    """The style in force for one file or form, and how often it decided a reading.

    A reader that learns the style from a file (its delimiter, its headers) sets it
    before the first row is checked; the import summary then says which reading was
    used and why (`reason`).
    """

    style: NumberStyle = NumberStyle.AUTO
    reason: Message | str = ""
    decided: int = 0  # values whose reading depended on the style
    example: str = ""  # the first of them, as written

    def use(self, style: NumberStyle, reason: Message) -> None:
        self.style, self.reason = style, reason

    def read(self, text: str) -> float | Refusal:
        found = read_number(text, self.style)
        if isinstance(found, tuple):
            number, decided = found
            if decided:
                self.decided += 1
                self.example = self.example or text.strip()[:40]
            return number
        return found


def read_number(text: str, style: NumberStyle = NumberStyle.AUTO
                ) -> tuple[float, bool] | Refusal:
    """(number, whether the style decided it) or why the text is not a number."""
    s = text.strip().translate(_SPACES)
    if not s:
        return Refusal(msg("a value is required"), "value_required")
    if not s.isascii():
        return _not_a_number(text, digits=True)
    if _INTEGER.match(s):
        return _finite(float(s), text, decided=False)
    if _EXPONENT.match(s):
        if "," in s and style is NumberStyle.MACHINE:
            return _machine(text)
        return _finite(float(s.replace(",", ".")), text, decided=False)
    single = _SINGLE.match(s)
    if single:
        return _single(single, text, style)
    if _VI_GROUPED.match(s):
        if style in (NumberStyle.EN, NumberStyle.MACHINE):
            return _other_style(text, style)
        return _finite(float(s.replace(".", "").replace(",", ".")), text, decided=False)
    if _EN_GROUPED.match(s):
        if style in (NumberStyle.VI, NumberStyle.MACHINE):
            return _other_style(text, style)
        return _finite(float(s.replace(",", "")), text, decided=False)
    return _not_a_number(text)


def _single(m: re.Match[str], text: str, style: NumberStyle) -> tuple[float, bool] | Refusal:
    sign, lead, mark, tail = m.groups()
    as_decimal = float(f"{sign}{lead or '0'}.{tail}")
    if style is NumberStyle.MACHINE:
        return _finite(as_decimal, text, decided=False) if mark == "." else _machine(text)
    # Thousands come in threes after one to three leading digits that are not a lone 0:
    # any other shape can only be a decimal, whatever the style.
    if len(tail) != 3 or not lead or len(lead) > 3 or lead[0] == "0":
        return _finite(as_decimal, text, decided=False)
    as_grouped = float(f"{sign}{lead}{tail}")
    if style is NumberStyle.AUTO:
        return _ambiguous(text, mark, as_grouped, as_decimal)
    grouped = (mark == ".") == (style is NumberStyle.VI)
    return _finite(as_grouped if grouped else as_decimal, text, decided=True)


def _finite(value: float, text: str, *, decided: bool) -> tuple[float, bool] | Refusal:
    if not math.isfinite(value):
        return Refusal(_too_large(repr(_shown(text))))
    return canonical(value), decided


def _too_large(given: str) -> Message:
    return msg("{given} is too large to be stored", given=given)


def canonical(value: float) -> float:
    """The one form of a number that every store gives back as it was given: a float, and
    0.0 for -0.0 (SQLite keeps zero without its sign, so -0.0 would not read back)."""
    return float(value) + 0.0


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _not_a_number(text: str, *, digits: bool = False) -> Refusal:
    given = repr(_shown(text))
    if digits:
        return Refusal(msg("{given} is not a number: write digits 0–9 (like 1234.5 or 1234,5)",
                           given=given))
    return Refusal(msg("{given} is not a number; write it like 1234.5 or 1234,5", given=given))


def _machine(text: str) -> Refusal:
    return Refusal(msg("{given}: this format writes numbers with a decimal point and no "
                       "thousands separators, like 1234.5", given=repr(_shown(text))))


def _other_style(text: str, style: NumberStyle) -> Refusal:
    given = repr(_shown(text))
    if style is NumberStyle.MACHINE:
        return _machine(text)
    if style is NumberStyle.VI:
        return Refusal(msg("{given} is written English style (the comma groups thousands), "
                           "but numbers here are read Vietnamese style: write 1.234,5 or "
                           "1234,5", given=given), "mixed_number_style")
    return Refusal(msg("{given} is written Vietnamese style (the dot groups thousands), but "
                       "numbers here are read English style: write 1,234.5 or 1234.5",
                       given=given), "mixed_number_style")


def _ambiguous(text: str, mark: str, grouped: float, decimal: float) -> Refusal:
    # The decimal reading is written both ways: `{decimal}` with a point (English),
    # `{decimal_vi}` with a comma (Vietnamese); each language's text names both.
    values = {"given": repr(_shown(text)), "whole": f"{grouped:.0f}",
              "decimal": repr(decimal), "decimal_vi": repr(decimal).replace(".", ",")}
    if mark == ".":
        return Refusal(msg(
            "{given} can be read two ways: {whole} if the dot groups thousands (Vietnamese "
            "style) or {decimal} if it is a decimal point; write {whole} or {decimal_vi}, or "
            "say the file's style (number_style=vi or en)", **values), "ambiguous_number")
    return Refusal(msg(
        "{given} can be read two ways: {decimal} if the comma is the decimal mark "
        "(Vietnamese style, {decimal_vi}) or {whole} if it groups thousands; write {whole} "
        "or {decimal}, or say the file's style (number_style=vi or en)", **values),
        "ambiguous_number")


def parse_number(text: str | float | int, *, field: str = "value", row: int | None = None,
                 style: NumberStyle = NumberStyle.AUTO) -> float:
    """A finite float from a number or its text, or a ValidationError that says why not."""
    if isinstance(text, bool):
        raise _error(Refusal(msg("{given} is not a number; write it like 1234.5",
                                 given=str(text))), str(text), field, row)
    if isinstance(text, int | float):
        number = float(text) if -1e308 < text < 1e308 else math.inf
        if not math.isfinite(number):
            shown = f"{text:.3g}" if isinstance(text, float) else f"{str(text)[:12]}…"
            raise _error(Refusal(_too_large(shown)), shown, field, row)
        return canonical(number)
    found = read_number(text, style)
    if isinstance(found, Refusal):
        raise _error(found, text, field, row)
    return found[0]


def _error(refusal: Refusal, text: str, field: str, row: int | None) -> ValidationError:
    return ValidationError(refusal.message, [FieldError(
        field=field, row=row, value=_shown(text), message=refusal.message)])


def format_number(value: float, decimals: int = 0, lang: str = "vi") -> str:
    """`1.234,5` in Vietnamese, `1,234.5` in English."""
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text
