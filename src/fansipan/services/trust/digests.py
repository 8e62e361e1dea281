"""Random tokens and their keyed digests: only digests of session and API tokens are stored.

The key is `FANSIPAN_SECRET` (required in production); a development store without
one uses a fixed key, which is harmless because the tokens themselves are random and
long. Changing the secret ends every session and invalidates every API token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fansipan.settings import Settings

_DEVELOPMENT_KEY = b"fansipan development only; set FANSIPAN_SECRET in production"
API_TOKEN_PREFIX = "fsp_"  # noqa: S105 - a marker that makes leaked tokens easy to spot


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(settings: Settings, token: str) -> str:
    key = settings.secret.encode() if settings.secret else _DEVELOPMENT_KEY
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
