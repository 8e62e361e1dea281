"""The demo's estimates (ước thực hiện, minh họa): in December, the year is not over, so
the December report of the year gives "ước thực hiện cả năm". From 1 December the demo
holds December's figures and the running year's yearly figures as estimates, generated as
the demo generates a complete year; an official figure will replace them like any other.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from fansipan.demo.values import generate_values
from fansipan.domain.estimates import ValueStatus
from fansipan.services.catalog import load_catalog
from fansipan.services.warehouse.datavalues import write_values
from fansipan.services.warehouse.provenance import DEMO_SOURCE

BATCH = 5000


def load_estimates(*, session: Session, today: date, actor: str = "demo") -> int:
    """Write the running year's December and yearly estimates in December; how many."""
    if today.month != 12:
        return 0
    year = today.year
    with session.begin():
        catalog = load_catalog(session)
    wanted = {f"{year}-12", str(year)}
    items = [v.model_copy(update={"status": ValueStatus.ESTIMATE})
             for v in generate_values(catalog, date(year + 1, 1, 1)) if v.period in wanted]
    written = 0
    for start in range(0, len(items), BATCH):
        summary = write_values(session=session, items=items[start:start + BATCH], actor=actor,
                               source=DEMO_SOURCE)
        written += summary.created + summary.updated
    return written
