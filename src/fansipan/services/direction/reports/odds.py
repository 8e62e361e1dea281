"""The odds of meeting each target a report lists, as the foresight room keeps them
(`target_odds`, refreshed as values arrive: the share of simulated paths on which the
target is met by its period's end).

A report quotes only odds worked out on or before its own date, so a report dated in
April never quotes odds of May; and only for targets not yet judged, whose period still
runs (a target met or missed has its verdict instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.local_time import local_date
from fansipan.forecasting import Outlook, outlook_for
from fansipan.services.stamps import as_utc
from fansipan.store.foresight_tables import TargetOddsRow


@dataclass(frozen=True)
class StoredOdds:
    probability: float
    outlook: Outlook  # on track, at risk or off track, by the odds (1 or 0: all known)
    on: date  # the day (Vietnam time) the odds were worked out


def stored_odds(session: Session, target_ids: set[int], by: date) -> dict[int, StoredOdds]:
    """Target id → its odds, of those of `target_ids` worked out by the day `by`."""
    if not target_ids:
        return {}
    with session.begin():
        rows = list(session.scalars(select(TargetOddsRow).where(
            TargetOddsRow.target_id.in_(sorted(target_ids)))))
    out = {}
    for r in rows:
        on = local_date(as_utc(r.computed_at))
        if r.probability is not None and on <= by:
            out[r.target_id] = StoredOdds(r.probability, outlook_for(r.probability), on)
    return out
