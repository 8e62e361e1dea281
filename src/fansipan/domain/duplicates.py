"""Which earlier reports a new one may duplicate: same category, near in place and time.

A fallen tree across a road is reported by every driver who passes. Before an officer
triages a new report, the ones that may describe the same problem are suggested: same
category, still open, within `within_metres` (great-circle distance on the WGS84
coordinates) and `within_hours` of each other. The officer decides; nothing is merged
automatically.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from fansipan.domain.service_request_states import RequestState
from fansipan.domain.service_requests import ServiceRequest

#: The mean Earth radius (IUGG), in metres; the sphere's error is far below a GPS fix's.
EARTH_RADIUS_M = 6_371_008.8


def haversine_metres(lat1: float, long1: float, lat2: float, long2: float) -> float:
    """The great-circle distance between two WGS84 points, in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(long2 - long1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class DuplicateCandidate:
    """What the rule needs of a report."""

    request_id: str
    service_code: str
    lat: float | None
    long: float | None
    requested_at: datetime
    state: RequestState

    @classmethod
    def of(cls, request: ServiceRequest) -> DuplicateCandidate:
        return cls(request_id=request.request_id, service_code=request.service_code,
                   lat=request.location.lat, long=request.location.long,
                   requested_at=request.requested_at, state=request.state)


@dataclass(frozen=True)
class DuplicateSuggestion:
    request_id: str
    distance_m: float
    hours_apart: float


def suggest_duplicates(
    new: DuplicateCandidate,
    existing: Iterable[DuplicateCandidate],
    *,
    within_metres: float = 100.0,
    within_hours: float = 72.0,
    limit: int = 5,
) -> list[DuplicateSuggestion]:
    """Open reports of the same category near `new` in place and time, nearest first.

    Both limits are inclusive. Reports without a point, `new` itself, and reports no
    longer open (Open311 `closed`: an outcome reached or closed, duplicates included, so
    the original is suggested rather than its copies) are never suggested. Ties in
    distance go to the closer in time, then to the smaller id, so the order is stable.
    """
    if not (within_metres >= 0 and within_hours >= 0):
        raise ValueError(f"the limits must be >= 0, not {within_metres} m, {within_hours} h")
    if new.lat is None or new.long is None:
        return []
    found: list[DuplicateSuggestion] = []
    for other in existing:
        if (other.request_id == new.request_id or other.service_code != new.service_code
                or other.lat is None or other.long is None or not other.state.is_open):
            continue
        hours = abs((other.requested_at - new.requested_at).total_seconds()) / 3600
        if hours > within_hours:
            continue
        metres = haversine_metres(new.lat, new.long, other.lat, other.long)
        if metres <= within_metres:
            found.append(DuplicateSuggestion(other.request_id, metres, hours))
    found.sort(key=lambda s: (s.distance_m, s.hours_apart, s.request_id))
    return found[:limit]
