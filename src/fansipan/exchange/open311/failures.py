"""GeoReport v2 errors: `<errors><error><code/><description/></error></errors>`.

The spec fixes the HTTP status: 404 for a resource that does not exist (a service code,
a request, a token, a jurisdiction), 403 for a missing or wrong api_key, and 400 for
everything else — so a `ValidationError`, 422 elsewhere in Fansipan, is a 400 here. The
body lists one error per problem, its code the HTTP status and its description naming
the field, in Vietnamese then English.
"""

from __future__ import annotations

from fansipan.errors import (
    FansipanError,
    FieldError,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)
from fansipan.exchange.open311.documents import Document, Items, Leaf, Record


def http_status(error: FansipanError) -> int:
    """The HTTP status GeoReport v2 prescribes for `error`."""
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Unauthenticated | PermissionDenied):
        return 403
    return 400


def errors_document(error: FansipanError) -> Document:
    """The `<errors>` document for `error`: one entry per field problem, else one."""
    code = http_status(error)
    if error.errors:
        descriptions = [f"{e.field}: {e.message}" for e in error.errors]
    else:
        descriptions = [error.message]
    return Items("errors", "error", tuple(
        Record("error", (Leaf("code", code), Leaf("description", d))) for d in descriptions))


def api_key_refused(*, missing: bool) -> PermissionDenied:
    """The 403 for a POST without an api_key (`missing`) or with one we do not know."""
    if missing:
        message = ("thiếu api_key, cần có để gửi phản ánh / api_key is missing; it is "
                   "required to post a request")
    else:
        message = ("api_key không hợp lệ hoặc đã bị thu hồi / api_key is not valid or has "
                   "been revoked")
    return PermissionDenied("api_key bị từ chối / api_key refused",
                            [FieldError(field="api_key", message=message)])


def not_found(kind: str, value: str) -> NotFound:
    """The 404 for an unknown `kind` (service_code, service_request_id, token,
    jurisdiction_id) named by `value`."""
    vi = _KINDS.get(kind, kind)
    return NotFound(f"Không tìm thấy {vi} / No such {kind}: {value}",
                    [FieldError(field=kind, value=value,
                                message=f"không có {vi} «{value}» / there is no {kind} "
                                        f"'{value}'")])


_KINDS = {
    "service_code": "loại phản ánh",
    "service_request_id": "phản ánh",
    "token": "mã tạm (token)",
    "jurisdiction_id": "địa phương (jurisdiction_id)",
}


def check_jurisdiction(given: str | None, ours: str | None) -> None:
    """Refuse (404) a jurisdiction_id that is not ours. An empty or missing one is fine,
    and so is any when we serve a single jurisdiction and set none."""
    if ours is None or given is None or not given.strip():
        return
    if given.strip().lower() != ours.lower():
        raise not_found("jurisdiction_id", given.strip())
