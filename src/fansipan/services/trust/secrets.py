"""The secret store (kho bí mật): credentials of remote systems, kept by administrators.

A secret is a remote system's credential (`id:key` for HTTP Basic, or a bearer token),
stored only as Fernet ciphertext (AES-128-CBC with HMAC-SHA-256, from the maintained
`cryptography` package) under a key derived with HKDF from `FANSIPAN_SECRETS_KEY`, or
from `FANSIPAN_SECRET` when no dedicated key is set. It is never shown back: lists give
its name, kind, origin, who may use it, who made and rotated it and when it was last
used. It is sent only to its one origin (scheme, host and port), only by connectors
whose owner it was given to. Adding, rotating, re-keying and deleting are audited.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from typing import Literal

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import BaseModel, Field, SecretStr
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
    msg,
)
from fansipan.exchange.http import origin_of
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.services.trust.accounts import Name
from fansipan.services.trust.audit import record
from fansipan.settings import Settings
from fansipan.store.audit import audited_transaction
from fansipan.store.exchange_tables import ConnectorRow
from fansipan.store.outbound_tables import SecretGrantRow, SecretRow
from fansipan.store.security_tables import UserRow

SecretKind = Literal["basic", "bearer"]
_INFO = b"fansipan secret store v1"


class SecretCreate(BaseModel):
    name: Name = Field(examples=["khoa-ioc-tinh"])
    kind: SecretKind = Field(description="basic: the value is 'id:key' sent as HTTP Basic; "
                                         "bearer: a token sent as 'Authorization: Bearer'")
    value: SecretStr = Field(min_length=1, max_length=4000)
    origin: str = Field(min_length=8, max_length=300, pattern=r"^https?://",
                        examples=["https://ioc.laocai.gov.vn"],
                        description="The only origin (scheme, host, port) it is sent to")
    users: list[str] = Field(min_length=1, max_length=100,
                             description="Accounts whose connectors may use it")


class SecretRotate(BaseModel):
    value: SecretStr = Field(min_length=1, max_length=4000)
    users: list[str] | None = Field(default=None, max_length=100,
                                    description="Leave out to keep who may use it")


class SecretPublic(BaseModel):
    """What anyone is ever told about a secret: never its value."""

    name: str
    kind: str
    origin: str
    users: list[str]
    created_at: UtcDateTime
    created_by: str
    rotated_at: UtcDateTime | None
    rotated_by: str
    last_used_at: UtcDateTime | None
    last_used_by: str


def _now() -> datetime:
    return datetime.now(UTC)


def _derive(material: str) -> bytes:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        material.encode())
    return base64.urlsafe_b64encode(key)


def _keys(settings: Settings) -> list[bytes]:
    materials = list(settings.secrets_keys) or ([settings.secret] if settings.secret else [])
    if not materials:
        raise Conflict("Kho bí mật chưa có khóa: đặt FANSIPAN_SECRETS_KEY (hoặc "
                       "FANSIPAN_SECRET) trên máy chủ / The secret store has no key: set "
                       "FANSIPAN_SECRETS_KEY (or FANSIPAN_SECRET) on the server")
    return [_derive(m) for m in materials]


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:12]


def _seal(settings: Settings, value: str) -> tuple[str, str]:
    key = _keys(settings)[0]
    return Fernet(key).encrypt(value.encode()).decode(), _key_id(key)


def _unseal(settings: Settings, row: SecretRow) -> str:
    keys = _keys(settings)
    try:
        return MultiFernet([Fernet(k) for k in keys]).decrypt(row.ciphertext.encode()).decode()
    except InvalidToken:
        raise Conflict(
            f"Không mở được bí mật {row.name}: nó được khóa bằng khóa {row.key_id}, không có "
            f"trong FANSIPAN_SECRETS_KEY / The secret {row.name} cannot be opened: it was "
            f"sealed with key {row.key_id}, which FANSIPAN_SECRETS_KEY does not hold; add "
            "the old key after the new one, run 'fansipan secrets rekey', then remove it"
        ) from None


def normal_origin(url: str) -> str:
    scheme, host, port = origin_of(url)
    return f"{scheme}://{host}:{port}"


def _check_value(kind: str, value: str) -> None:
    if kind == "basic" and (":" not in value or value.startswith(":")):
        raise ValidationError("Giá trị không đúng dạng / The value is not in its form", [
            FieldError(field="value", message="for kind basic write 'id:key' (the remote "
                                              "system's client id, a colon, its key)")])
    if any(c in value for c in "\r\n\0"):
        raise ValidationError("Giá trị không đúng dạng / The value is not in its form", [
            FieldError(field="value", message="a credential holds no line breaks or NUL")])


def _grantees(session: Session, names: list[str]) -> list[UserRow]:
    found = {u.username: u for u in session.scalars(
        select(UserRow).where(UserRow.username.in_(names)))}
    missing = [n for n in names if n not in found]
    if missing:
        raise NotFound("Không có tài khoản này / No such account", [
            FieldError(field="users", value=n[:100], message="there is no account by that "
                                                              "name") for n in missing])
    return [found[n] for n in dict.fromkeys(names)]


def _get(session: Session, name: str) -> SecretRow:
    row = session.scalars(select(SecretRow).where(SecretRow.name == name)).one_or_none()
    if row is None:
        raise NotFound("Không có bí mật này / No such secret", [FieldError(
            field="name", value=name[:100], message="list the secrets to see their names")])
    return row


def _public(session: Session, row: SecretRow) -> SecretPublic:
    users = session.scalars(select(UserRow.username).join(
        SecretGrantRow, SecretGrantRow.user_id == UserRow.id).where(
        SecretGrantRow.secret_id == row.id).order_by(UserRow.username)).all()
    return SecretPublic(name=row.name, kind=row.kind, origin=row.origin, users=list(users),
                        created_at=row.created_at, created_by=row.created_by,
                        rotated_at=row.rotated_at, rotated_by=row.rotated_by,
                        last_used_at=row.last_used_at, last_used_by=row.last_used_by)


def _grant(session: Session, row: SecretRow, users: list[UserRow]) -> None:
    session.execute(delete(SecretGrantRow).where(SecretGrantRow.secret_id == row.id))
    session.add_all(SecretGrantRow(secret_id=row.id, user_id=u.id) for u in users)


def add_secret(*, session: Session, settings: Settings, principal: Principal,
               data: SecretCreate) -> SecretPublic:
    require(principal, Permission.MANAGE_SECRETS)
    value = data.value.get_secret_value()
    _check_value(data.kind, value)
    ciphertext, key_id = _seal(settings, value)
    with audited_transaction(session):
        if session.scalar(select(SecretRow.id).where(SecretRow.name == data.name)):
            raise Conflict("Tên bí mật đã có / That secret name is taken", [FieldError(
                field="name", value=data.name, message="rotate it, or choose another name")])
        users = _grantees(session, data.users)
        row = SecretRow(name=data.name, kind=data.kind, origin=normal_origin(data.origin),
                        ciphertext=ciphertext, key_id=key_id, created_at=_now(),
                        created_by=principal.actor, rotated_by="", last_used_by="")
        session.add(row)
        session.flush()
        _grant(session, row, users)
        session.flush()
        record(session, principal, "secret.create", target=data.name, detail={
            "kind": data.kind, "origin": row.origin, "users": [u.username for u in users]})
        return _public(session, row)


def list_secrets(*, session: Session, principal: Principal) -> list[SecretPublic]:
    require(principal, Permission.MANAGE_SECRETS)
    with session.begin():
        return [_public(session, r) for r in session.scalars(
            select(SecretRow).order_by(SecretRow.name))]


def rotate_secret(*, session: Session, settings: Settings, principal: Principal, name: str,
                  data: SecretRotate) -> SecretPublic:
    """A new value (and, if given, new users); the old value is gone at once."""
    require(principal, Permission.MANAGE_SECRETS)
    with audited_transaction(session):
        row = _get(session, name)
        value = data.value.get_secret_value()
        _check_value(row.kind, value)
        row.ciphertext, row.key_id = _seal(settings, value)
        row.rotated_at, row.rotated_by = _now(), principal.actor
        detail: dict[str, object] = {}
        if data.users is not None:
            users = _grantees(session, data.users)
            _grant(session, row, users)
            detail["users"] = [u.username for u in users]
        session.flush()
        record(session, principal, "secret.rotate", target=name, detail=detail)
        return _public(session, row)


def delete_secret(*, session: Session, principal: Principal, name: str) -> SecretPublic:
    """Remove a secret no connector names any more."""
    require(principal, Permission.MANAGE_SECRETS)
    with audited_transaction(session):
        row = _get(session, name)
        users = session.scalars(select(ConnectorRow.name).where(
            ConnectorRow.credential == name).order_by(ConnectorRow.name)).all()
        if users:
            raise Conflict(
                f"Bí mật {name} đang được dùng / The secret {name} is in use by "
                f"{', '.join(users)}; give them another credential (fansipan connectors set "
                "NAME --credential ...) or none first")
        gone = _public(session, row)
        session.execute(delete(SecretGrantRow).where(SecretGrantRow.secret_id == row.id))
        session.delete(row)
        record(session, principal, "secret.delete", target=name,
               detail={"origin": gone.origin})
        return gone


def rekey_secrets(*, session: Session, settings: Settings, principal: Principal) -> int:
    """Seal every secret again with the first key of FANSIPAN_SECRETS_KEY; returns how many."""
    require(principal, Permission.MANAGE_SECRETS)
    with audited_transaction(session):
        rows = session.scalars(select(SecretRow).order_by(SecretRow.id)).all()
        for row in rows:
            row.ciphertext, row.key_id = _seal(settings, _unseal(settings, row))
        record(session, principal, "secret.rekey", detail={"secrets": len(rows),
                                                           "key": _key_id(_keys(settings)[0])})
    return len(rows)


def check_use(session: Session, *, name: str, owner_id: int | None, url: str) -> SecretRow:
    """The secret a connector names, if its owner may use it at that URL (inside the
    caller's transaction)."""
    row = _get(session, name)
    granted = session.scalar(select(SecretGrantRow.id).where(
        SecretGrantRow.secret_id == row.id, SecretGrantRow.user_id == owner_id))
    if owner_id is None or granted is None:
        raise PermissionDenied(
            f"Bí mật {name} không được giao cho chủ của kết nối này / The secret {name} was "
            "not given to this connector's owner; ask an administrator to add the owner to "
            "its users (fansipan secrets rotate)", [FieldError(
                field="credential", value=name, message=msg("not given to the owner"))])
    if normal_origin(url) != row.origin:
        raise ValidationError(
            f"Bí mật {name} chỉ được gửi tới {row.origin} / The secret {name} is sent only to "
            f"its origin {row.origin}", [FieldError(
                field="credential", value=name,
                message=msg("the connector's address is not on the secret's origin {origin}",
                            origin=row.origin))])
    return row


def open_secret(*, session: Session, settings: Settings, name: str, owner_id: int | None,
                url: str, used_by: str) -> tuple[str, str]:
    """(kind, value) of a secret for one run of a connector; notes the use."""
    with session.begin():
        row = check_use(session, name=name, owner_id=owner_id, url=url)
        value = _unseal(settings, row)
        row.last_used_at, row.last_used_by = _now(), used_by[:100]
        return row.kind, value
