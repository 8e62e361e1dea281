"""Webhook signatures by the Standard Webhooks scheme (standardwebhooks.com).

The signed content is `{message id}.{timestamp}.{body}`; the signature is HMAC-SHA256
with the secret's bytes (the base64 after `whsec_`), in base64, sent as `v1,<signature>`
in `webhook-signature` beside `webhook-id` and `webhook-timestamp` (Unix seconds). A
receiver checks it with any Standard Webhooks library, and refuses old timestamps.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

PREFIX = "whsec_"


def secret_bytes(secret: str) -> bytes:
    if not secret.startswith(PREFIX):
        raise ValueError("a Standard Webhooks secret starts with whsec_")
    return base64.b64decode(secret[len(PREFIX):])


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header's value."""
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }
