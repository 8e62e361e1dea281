"""Content-Disposition for downloads whose names may be Vietnamese: an ASCII fallback for
old clients and the UTF-8 name (RFC 6266, RFC 5987) for the others."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r'[^A-Za-z0-9._ ()-]+')


def ascii_name(name: str) -> str:
    """"bao-cao tiến độ.pdf" → "bao-cao tien do.pdf" (đ → d, other accents dropped)."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return _UNSAFE.sub("_", text).strip() or "file"


def attachment(name: str, *, inline: bool = False) -> str:
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
