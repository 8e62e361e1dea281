"""Free text people send (comments, documents), checked before it is stored.

Refused, never cut: a NUL or another control character that XML cannot hold (a
workbook export could not carry it, PostgreSQL cannot store NUL at all), and a lone
UTF-16 surrogate (half of an emoji, which UTF-8 cannot encode). Tab, line feed and
carriage return are ordinary text.
"""

from __future__ import annotations

import re

from fansipan.errors import Message, msg

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(text: str) -> Message | None:
    """What in `text` cannot be stored, said to follow "the comment" or "the document"
    (`msg("the comment {problem}", problem=...)`), or None."""
    if text.isprintable():  # the common case, in one C call
        return None
    if (found := _CONTROL.search(text)) is not None:
        at = found.start() + 1
        if found.group() == "\x00":
            return msg("holds a NUL character at position {at}, which cannot be stored or "
                       "exported; remove it (copying from another program sometimes brings "
                       "one along)", at=at)
        return msg("holds the control character {code} at position {at}, which cannot be "
                   "stored or exported; remove it (copying from another program sometimes "
                   "brings one along)", code=f"U+{ord(found.group()):04X}", at=at)
    if (found := _SURROGATE.search(text)) is not None:
        return msg("holds half of a character (a lone surrogate) at position {at}; send the "
                   "text as UTF-8", at=found.start() + 1)
    return None
