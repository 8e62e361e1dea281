"""Passwords: Argon2id hashes and the password policy.

The policy follows OWASP ASVS 5.0 by default: at least 12 characters (configurable,
8–64), up to 128, no composition rules, refused when it is a common password or
contains the username. Decision 742/QĐ-BTTTT asks that length and character rules be
configurable: `FANSIPAN_PASSWORD_CHARACTER_CLASSES` (0–4) adds them when a deployer
must.
"""

from __future__ import annotations

import secrets
import string
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from fansipan.errors import FieldError, Message, ValidationError, msg
from fansipan.settings import Settings

MAX_LENGTH = 128
# Common choices in Vietnamese offices that English lists miss.
_VIETNAMESE_COMMON = (
    "matkhau", "matkhau123", "matkhau@123", "123456a@", "123456aa", "abc@123", "abcd@1234",
    "admin@123", "quantri", "quantri123", "vietnam", "vietnam123", "vietnam@123",
    "hanoi123", "laocai", "laocai123", "laocai@123", "sapa123", "ubnd123", "ubnd@123",
    "sotttt", "sotttt123", "stttt@123", "fansipan", "fansipan123", "fansipan@123",
    "anhyeuem", "yeuem123", "iloveyou123", "motaibaheo",
)


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()  # Argon2id with the library's RFC 9106 low-memory profile


@cache
def _common() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # 30,000 leaked passwords (MIT)

    return frozenset(FREQUENCY_LISTS["passwords"]) | frozenset(_VIETNAMESE_COMMON)


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (unknown users check a dummy)."""
    try:
        return _hasher().verify(stored or _dummy_hash(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher().check_needs_rehash(stored)


def random_password() -> str:
    """An initial password to hand over once; it must be changed at first sign-in."""
    return secrets.token_urlsafe(15)


def check_password(password: str, *, settings: Settings, username: str = "",
                   field: str = "password") -> None:
    """Raise a ValidationError naming every way `password` fails the policy."""
    problems: list[Message] = []
    if len(password) < settings.password_min_length:
        problems.append(msg("use at least {least} characters (it has {count}); a sentence of "
                            "a few words is easy to remember",
                            least=settings.password_min_length, count=len(password)))
    if len(password) > MAX_LENGTH:
        problems.append(msg("use at most {most} characters", most=MAX_LENGTH))
    if password.lower() in _common() or password.lower().rstrip("0123456789!@#.") in _common():
        problems.append(msg("it is one of the most common passwords; choose another"))
    if len(username) >= 3 and username.lower() in password.lower():
        problems.append(msg("it contains the username; choose one that does not"))
    classes = _character_classes(password)
    if classes < settings.password_character_classes:
        problems.append(msg(
            "mix at least {least} of: lower-case letters, upper-case letters, digits, other "
            "characters (it has {count})", least=settings.password_character_classes,
            count=classes))
    if problems:
        raise ValidationError(msg("The password does not meet the password policy"), [
            FieldError(field=field, message=p) for p in problems
        ])


def _character_classes(password: str) -> int:
    checks = (
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c in string.digits for c in password),
        any(not c.isalnum() for c in password),
    )
    return sum(checks)
