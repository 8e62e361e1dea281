"""Personal data that slips into text meant for the public, and its masking.

Citizens often type their phone number or e-mail into a report's description ("gọi cho
tôi 0912 345 678"), and officers sometimes into a public note. Before any text of a
report is shown to the public, phone numbers (9 to 13 digits, with spaces, dots or dashes
between groups, an optional +), identity-card numbers (the same rule covers the 12
digits of a CCCD) and e-mail addresses are replaced by a marker. Shorter numbers stay: a
kilometre post ("km 12"), a year, a house number.
"""

from __future__ import annotations

import re

MASK = "[đã ẩn / hidden]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A run of digit groups: 9 to 13 digits in all, groups joined by a space, dot or dash.
_NUMBER = re.compile(r"(?<![\w.])\+?\d(?:[ .-]?\d){8,12}(?![\w])")


def mask_personal_data(text: str | None) -> str | None:
    """`text` with phone, identity-card and e-mail numbers replaced by MASK."""
    if text is None:
        return None
    masked = _EMAIL.sub(MASK, text)
    return _NUMBER.sub(MASK, masked)
