"""GET /requests: its filters, the spec's default window, and the selection they make.

- `service_request_id`: a comma-separated list; when given it overrides every other
  filter (they are then not even read), and the requests come back in the order asked;
- `service_code`: a comma-separated list (any of them);
- `status`: `open`, `closed`, or both comma-separated;
- `start_date`, `end_date`: W3C date-times with a zone, compared inclusively with
  `requested_datetime`; the range may not span more than 90 days. With neither, the
  window is the 90 days up to now; with only one, the 90 days after `start_date` or
  before `end_date`.

At most 1,000 requests come back ("90 days or the first 1,000 requests, whichever is
smaller"), the most recently requested first, ties by id; a client pages back in time
by moving `end_date` to the oldest one it got.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from fansipan.domain.local_time import require_aware
from fansipan.domain.service_request_views import PublicServiceRequest
from fansipan.errors import FieldError, ValidationError
from fansipan.exchange.open311.failures import check_jurisdiction
from fansipan.exchange.open311.w3c import parse_datetime

MAX_SPAN = timedelta(days=90)
MAX_REQUESTS = 1000
STATUSES = frozenset({"open", "closed"})


@dataclass(frozen=True)
class RequestQuery:
    """What GET /requests asked for; `service_request_ids` non-empty means only those."""

    service_request_ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: frozenset[str] = frozenset()
    start: datetime | None = None
    end: datetime | None = None
    limit: int = MAX_REQUESTS

    def matches(self, request: PublicServiceRequest) -> bool:
        if self.service_request_ids:
            return request.request_id in self.service_request_ids
        if self.service_codes and request.service_code not in self.service_codes:
            return False
        if self.statuses and request.status not in self.statuses:
            return False
        if self.start is not None and request.requested_at < self.start:
            return False
        return self.end is None or request.requested_at <= self.end


def parse_request_query(
    pairs: Iterable[tuple[str, str]],
    *,
    now: datetime,
    jurisdiction_id: str | None = None,
) -> RequestQuery:
    """The filters of a GET /requests query string (as (name, value) pairs)."""
    require_aware(now, field="now")
    params: dict[str, str] = {}
    for name, value in pairs:
        value = value.strip()
        if value:
            # Repeated parameters add up, as the spec's "can be declared multiple times".
            params[name] = f"{params[name]},{value}" if name in params else value
    check_jurisdiction(params.get("jurisdiction_id"), jurisdiction_id)
    ids = _list(params.get("service_request_id"))
    if ids:
        if len(ids) > MAX_REQUESTS:
            raise _invalid("service_request_id",
                           f"tối đa {MAX_REQUESTS:,} mã mỗi lần".replace(",", "."),
                           f"at most {MAX_REQUESTS:,} ids at a time", None)
        return RequestQuery(service_request_ids=tuple(dict.fromkeys(ids)))
    statuses = _list(params.get("status"))
    wrong = [s for s in statuses if s not in STATUSES]
    if wrong:
        raise _invalid("status", "chỉ nhận open hoặc closed", "must be open or closed",
                       wrong[0])
    start = _moment(params, "start_date")
    end = _moment(params, "end_date")
    if start is None:
        end = now if end is None else end
        start = end - MAX_SPAN
    elif end is None:
        end = start + MAX_SPAN
    if end < start:
        raise _invalid("end_date", "phải sau start_date", "must not precede start_date",
                       params.get("end_date"))
    if end - start > MAX_SPAN:
        raise _invalid("end_date", "khoảng thời gian tối đa 90 ngày",
                       "the range may span at most 90 days", params.get("end_date"))
    return RequestQuery(service_codes=tuple(dict.fromkeys(_list(params.get("service_code")))),
                        statuses=frozenset(statuses), start=start, end=end)


def select_requests(query: RequestQuery,
                    requests: Iterable[PublicServiceRequest]) -> list[PublicServiceRequest]:
    """The requests `query` returns, in the order and number the module describes."""
    found = [r for r in requests if query.matches(r)]
    if query.service_request_ids:
        rank = {rid: n for n, rid in enumerate(query.service_request_ids)}
        found.sort(key=lambda r: rank[r.request_id])
    else:
        found.sort(key=lambda r: (r.requested_at, r.request_id), reverse=True)
    return found[:query.limit]


def _list(text: str | None) -> list[str]:
    if text is None:
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


def _moment(params: dict[str, str], name: str) -> datetime | None:
    text = params.get(name)
    return None if text is None else parse_datetime(text, field=name)


def _invalid(name: str, vi: str, en: str, value: str | None) -> ValidationError:
    return ValidationError("Điều kiện tìm kiếm không hợp lệ / Invalid query",
                           [FieldError(field=name, value=value, message=f"{vi} / {en}")])
