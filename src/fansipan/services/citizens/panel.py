"""The citizen-report panel of the overview and the wall: this month's reports at a
glance, from the public side only (no personal data, so anyone may see it).

The overview and the wall compose it in their web views (`feedback_panel`) and render
`_feedback_panel.html`; it reads the reports, not the counts, so it is current to the
last step even within a month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.domain.local_time import VIETNAM, start_of_day
from fansipan.services.citizens.categories import read_categories
from fansipan.services.citizens.moments import now as utc_now
from fansipan.services.citizens.moments import stored as to_store
from fansipan.services.citizens.record_counts import count_where
from fansipan.services.citizens.reports import OPEN_STATES
from fansipan.store.citizens_tables import ServiceRequestRow as R


@dataclass(frozen=True)
class CategoryCount:
    code: str
    name_vi: str
    name_en: str
    count: int


@dataclass(frozen=True)
class FeedbackPanel:
    month: date  # its first day
    received: int  # received this month
    handled: int  # of them, dealt with (within the remit)
    on_time: int  # of them, dealt with by their deadline
    open: int  # open now, whenever received
    overdue: int  # open now and past their deadline
    top: list[CategoryCount]  # this month's most reported kinds

    @property
    def on_time_rate(self) -> float | None:
        return None if not self.handled else 100.0 * self.on_time / self.handled


def feedback_panel(*, session: Session, at: datetime | None = None) -> FeedbackPanel:
    moment = at or utc_now()
    first = moment.astimezone(VIETNAM).date().replace(day=1)
    start = to_store(start_of_day(first))
    with session.begin():
        month = (R.requested_at >= start)
        received, handled, on_time = session.execute(select(
            func.count(),
            count_where(R.within_remit.is_(True) & R.outcome_at.is_not(None)),
            count_where(R.within_remit.is_(True) & R.on_time.is_(True)),
        ).where(month)).one()
        open_now, overdue = session.execute(select(
            func.count(), count_where(R.expected_at < to_store(moment)),
        ).where(R.state.in_(OPEN_STATES))).one()
        by_kind = session.execute(select(R.service_code, func.count()).where(month)
                                  .group_by(R.service_code)
                                  .order_by(func.count().desc(), R.service_code).limit(5)).all()
        names = {c.code: c for c in read_categories(session, active_only=False)}
    top = [CategoryCount(code, names[code].name_vi if code in names else code,
                         names[code].name_en if code in names else code, int(n))
           for code, n in by_kind]
    return FeedbackPanel(month=first, received=int(received or 0), handled=int(handled or 0),
                         on_time=int(on_time or 0), open=int(open_now or 0),
                         overdue=int(overdue or 0), top=top)

