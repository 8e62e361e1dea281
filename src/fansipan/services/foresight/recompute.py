"""The full recomputation (job): every series with values, every target of the year.

It runs as a background job with its progress in series done, for an administrator and
within that administrator's scope: only series whose unit and indicator the caller may
read are recomputed (a unit's mapped history holds only units that were below it, which
lie inside the same scope).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from fansipan.domain.access import Permission, Principal
from fansipan.services.catalog import load_catalog
from fansipan.services.exchange.jobs import Progress
from fansipan.services.foresight.delivery import queue_deliveries
from fansipan.services.foresight.refresh import Refresher, RefreshReport, affected_series
from fansipan.services.foresight.series import SeriesKey
from fansipan.services.foresight.watchers import watch_targets, watch_thresholds
from fansipan.services.trust.access import data_scope, require
from fansipan.store.changes import last_change
from fansipan.store.tables import DataValueRow

CHUNK = 400  # series per step: progress moves, and memory stays small


def recompute_all(*, refresher: Refresher, principal: Principal, progress: Progress,
                  today: date | None = None) -> RefreshReport:
    """Forecasts, odds and their alerts for every series in the principal's scope."""
    require(principal, Permission.MANAGE_METADATA)
    today = today or date.today()
    report = RefreshReport()
    with refresher.session_factory() as session:
        with session.begin():
            catalog = load_catalog(session)
            scope = data_scope(session, catalog, principal)
            pairs = session.execute(select(DataValueRow.indicator_id, DataValueRow.unit_id)
                                    .where(DataValueRow.deleted.is_(False)).distinct()).all()
            change = last_change(session)
        keys = sorted((k for k in affected_series(catalog, [(p[0], p[1]) for p in pairs], today)
                       if scope.allows(catalog.indicator_ids[k.indicator], k.unit_id)),
                      key=lambda k: (k.indicator, k.unit_id))
        progress.total_bytes = len(keys)
        done = 0
        for start in range(0, len(keys), CHUNK):
            chunk: set[SeriesKey] = set(keys[start:start + CHUNK])
            with refresher.writing():  # not with a refresher, of any worker, at once
                series, odds = refresher.refresh_series(session, catalog, chunk, today,
                                                        change, report)
                with session.begin():
                    raised = watch_thresholds(session, catalog, series, change)
                    more = watch_targets(session, catalog, odds, change)
                    raised.deliver.extend(more.deliver)
                    report.deliveries += queue_deliveries(session, catalog, raised.deliver,
                                                          refresher.settings)
                    report.alerts_raised += len(raised.deliver)
            done += len(chunk)
            progress.advance(done, done)
    return report
