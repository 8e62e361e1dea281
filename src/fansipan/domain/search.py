"""Searching names as people type them: without accents, case or extra spaces.

"dan so" and "DÂN SỐ" both find "Dân số"; "bat xat" finds "Huyện Bát Xát". The letter
đ is a letter of its own in Unicode (it does not decompose into d and a mark), so it is
folded by hand.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents (đ → d), words separated by one space."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(bare.casefold().split())


def matches(query: str, *texts: str | None) -> bool:
    """Whether the query, folded, stands in any of the texts (an empty query finds all)."""
    wanted = fold(query)
    return not wanted or any(wanted in fold(t) for t in texts if t)
