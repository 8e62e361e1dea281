"""Free text people send (comments, documents), checked before it is stored.

Refused, never cut: a NUL or another control character that XML cannot hold (a
workbook export could not carry it, PostgreSQL cannot store NUL at all), and a lone
UTF-16 surrogate (half of an emoji, which UTF-8 cannot encode). Tab, line feed and
carriage return are ordinary text.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(text: str) -> tuple[str, str] | None:
    """(English, Vietnamese) saying what in `text` cannot be stored, or None."""
    if text.isprintable():  # the common case, in one C call
        return None
    if (found := _CONTROL.search(text)) is not None:
        code, at = f"U+{ord(found.group()):04X}", found.start() + 1
        name = "a NUL character" if found.group() == "\x00" else f"the control character {code}"
        name_vi = "ký tự NUL" if found.group() == "\x00" else f"ký tự điều khiển {code}"
        return (f"holds {name} at position {at}, which cannot be stored or exported; remove "
                "it (copying from another program sometimes brings one along)",
                f"có {name_vi} ở vị trí {at}, không lưu hay xuất được; hãy xóa ký tự đó (sao "
                "chép từ chương trình khác đôi khi mang theo)")
    if (found := _SURROGATE.search(text)) is not None:
        at = found.start() + 1
        return (f"holds half of a character (a lone surrogate) at position {at}; send the "
                "text as UTF-8",
                f"có nửa ký tự (surrogate lẻ) ở vị trí {at}; hãy gửi văn bản dạng UTF-8")
    return None
