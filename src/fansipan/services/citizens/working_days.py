"""The working-day calendar the citizens' deadlines are counted with, in one place.

Deadlines of field reports are promised in working days: Vietnam's calendar of the
direction capability (`fansipan.domain.calendar`: weekends, public holidays, Tết by the
lunar calendar, the Government's swapped days). Everything in this room that counts
working days takes `add_working_days` from here, so a deployment's own calendar (days
off a provincial decision adds) is one change.
"""

from __future__ import annotations

from fansipan.domain.calendar import vietnam_calendar
from fansipan.domain.service_request_deadlines import AddWorkingDays

#: The calendar every deadline of this room is counted with.
add_working_days: AddWorkingDays = vietnam_calendar().add_working_days
