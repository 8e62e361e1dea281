"""Stable public identifiers in DHIS2's shape: a letter then ten letters or digits.

They are derived from an object's natural key, so loading the same reference data
into two instances gives the same uids, and DHIS2 clients can use them as is.
"""

from __future__ import annotations

import hashlib

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_LETTERS = _ALPHABET[10:]


def make_uid(*parts: str) -> str:
    digest = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest(), "big")
    chars = [_LETTERS[digest % len(_LETTERS)]]
    digest //= len(_LETTERS)
    for _ in range(10):
        chars.append(_ALPHABET[digest % len(_ALPHABET)])
        digest //= len(_ALPHABET)
    return "".join(chars)


def is_uid(text: str) -> bool:
    return len(text) == 11 and text[0] in _LETTERS and all(c in _ALPHABET for c in text)
