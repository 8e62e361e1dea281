"""Keeping foresight current from the change log, a few series at a time.

The refresher reads the changes committed after the last one it handled (its cursor in
`foresight_state`), whatever path wrote them, and for those changes only:

1. checks each arrived value for outliers and opens or closes flags;
2. refreshes the forecasts of the series that hold a changed value: the indicator and
   every derived indicator that reads it, at the unit's successors in today's tree and
   every unit above them;
3. refreshes the odds of the year's targets on those series;
4. writes the reporting counts of the months whose reports just arrived;
5. lets every rule's watcher raise or clear alerts, and queues their messages;
6. moves the cursor past the changes handled.

Each step commits on its own; the cursor moves last, so a crash repeats the batch rather
than skips it (every step gives the same result when repeated). `ForesightWorker` runs it
on a thread of the server, with the daily chores (late reports, overdue tasks, digest)
and the sending of messages.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.periods import Period, parse_period
from fansipan.domain.reporting import ExpectedReport
from fansipan.forecasting import Series
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.exchange.leases import (
    FORESIGHT,
    FORESIGHT_WRITES,
    exclusive,
    hold_lease,
    release_lease,
)
from fansipan.services.exchange.workers import this_worker
from fansipan.services.foresight.delivery import queue_deliveries, queue_digests, send_pending
from fansipan.services.foresight.direction_tasks import DirectionTasks
from fansipan.services.foresight.forecasts import (
    compute_forecasts,
    store_forecast,
    stored_forecasts,
)
from fansipan.services.foresight.odds import compute_odds, store_odds, year_targets
from fansipan.services.foresight.quality import Arrival, QualityOutcome, check_arrivals
from fansipan.services.foresight.regimes import load_regimes
from fansipan.services.foresight.reporting import recent_months, write_report_counts
from fansipan.services.foresight.series import (
    SeriesKey,
    default_horizon,
    dependants,
    forecastable,
    load_series,
    series_digest,
    units_carrying,
)
from fansipan.services.foresight.tasks_source import TaskSource
from fansipan.services.foresight.watchers import (
    watch_outliers,
    watch_reports,
    watch_targets,
    watch_tasks,
    watch_thresholds,
)
from fansipan.settings import Settings
from fansipan.store.engine import SessionFactory
from fansipan.store.foresight_tables import ForesightStateRow, TargetOddsRow
from fansipan.store.tables import ChangeRow

log = logging.getLogger("fansipan.foresight")

BATCH = 20_000  # changes read per step
# How long the foresight lease lasts unless renewed: longer than one batch can take on a
# loaded machine, so a busy holder never loses it mid-batch.
LEASE_SECONDS = 300.0
WRITES_SECONDS = 900.0  # the writes' lease, should a holder die holding it


@dataclass
class RefreshReport:
    """What one refresh did."""

    changes: int = 0
    last_change: int = 0
    values_checked: int = 0
    flags_opened: int = 0
    flags_closed: int = 0
    series: int = 0
    forecasts: int = 0
    odds: int = 0
    report_counts: int = 0
    alerts_raised: int = 0
    alerts_cleared: int = 0
    deliveries: int = 0
    seconds: float = 0.0


@dataclass
class Progress:
    """Where the background work stands, for `GET /api/v1/foresight/status`."""

    phase: str = "idle"
    series_total: int = 0
    series_done: int = 0
    backlog: int = 0
    last_change: int = 0
    last_run: RefreshReport | None = None
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def at(self, phase: str, done: int | None = None, total: int | None = None) -> None:
        self.phase = phase
        if total is not None:
            self.series_total = total
        if done is not None:
            self.series_done = done
        self.updated_at = datetime.now(UTC)


class Refresher:
    """Brings foresight up to the newest change; one at a time per process."""

    def __init__(self, session_factory: SessionFactory, warehouse: Warehouse,
                 settings: Settings, *, tasks: TaskSource | None = None) -> None:
        self.session_factory = session_factory
        self.warehouse = warehouse
        self.settings = settings
        self.tasks: TaskSource = tasks or DirectionTasks(settings)
        self.progress = Progress()
        self.lock = threading.Lock()

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Foresight's writes, one at a time: in this process and across the processes
        over the store (a recomputation job on one worker, the refresher on another)."""
        with self.lock, self.exclusive():
            yield

    def exclusive(self) -> contextlib.AbstractContextManager[None]:
        """The store's side of `writing` (the caller holds `lock`)."""
        return exclusive(self.session_factory, name=FORESIGHT_WRITES,
                         holder=this_worker().tag, seconds=WRITES_SECONDS)

    def backlog(self) -> int:
        with self.session_factory() as session, session.begin():
            cursor = _cursor(session)
            newest = session.scalar(select(func.coalesce(func.max(ChangeRow.id), 0))) or 0
        return max(0, int(newest) - cursor)

    def run(self, *, today: date | None = None, limit: int = BATCH) -> RefreshReport:
        """Handle every change after the cursor, in batches; returns the totals."""
        total = RefreshReport()
        while True:
            report = self.run_once(today=today, limit=limit)
            _add(total, report)
            if report.changes < limit:
                return total

    def run_once(self, *, today: date | None = None, limit: int = BATCH) -> RefreshReport:
        with self.lock:
            started = time.perf_counter()
            today = today or date.today()
            if self.backlog():
                with self.exclusive():
                    report = self._run_once(today, limit)
            else:
                report = self._run_once(today, limit)  # nothing to write: no lease
            report.seconds = time.perf_counter() - started
            self.progress.last_run = report
            self.progress.at("idle")
            return report

    def _run_once(self, today: date, limit: int) -> RefreshReport:
        with self.session_factory() as session:
            with session.begin():
                cursor = _cursor(session)
                changes = list(session.execute(
                    select(ChangeRow.id, ChangeRow.record_kind, ChangeRow.indicator_id,
                           ChangeRow.unit_id, ChangeRow.period, ChangeRow.new_value,
                           ChangeRow.operation)
                    .where(ChangeRow.id > cursor).order_by(ChangeRow.id).limit(limit)))
                catalog = load_catalog(session)
            report = RefreshReport(changes=len(changes), last_change=cursor)
            if not changes:
                return report
            last = int(changes[-1][0])
            self.progress.backlog = len(changes)
            arrivals = [Arrival(indicator_id=c[2], unit_id=c[3], period=c[4],
                                value=None if c[6] == "delete" else c[5], change_id=c[0])
                        for c in changes if c[1] == "data_value"]
            self.progress.at("quality")
            quality = check_arrivals(session=session, warehouse=self.warehouse,
                                     catalog=catalog, arrivals=arrivals, today=today)
            report.values_checked = quality.checked
            report.flags_opened, report.flags_closed = len(quality.opened), len(quality.closed)
            keys = affected_series(catalog, ((c[2], c[3]) for c in changes), today)
            refreshed, odds = self.refresh_series(session, catalog, keys, today, last, report,
                                                  known=quality.series.get(today, {}))
            # Only reports under a regime move the counts (the counts' own writes do not).
            watched = self._regime_indicators(session, catalog)
            months = {_month_of(c[4]) for c in changes
                      if c[1] == "data_value" and catalog.indicator_codes[c[2]] in watched}
            self._finish(session, catalog, refreshed, odds, quality, months, today, last,
                         report)
            return report

    def refresh_series(self, session: Session, catalog: Catalog, keys: set[SeriesKey],
                       today: date, change: int, report: RefreshReport,
                       known: dict[SeriesKey, Series] | None = None,
                       ) -> tuple[dict[SeriesKey, Series], list[TargetOddsRow]]:
        """Forecast the series of `keys` whose values moved, store them, and refresh the
        odds of the year's targets on them. `known` holds series already read today."""
        self.progress.at("forecasts", 0, len(keys))
        known = known or {}
        series = {k: known[k] for k in keys if k in known}
        series.update(load_series(session=session, warehouse=self.warehouse, catalog=catalog,
                                  keys=sorted((k for k in keys if k not in known),
                                              key=lambda k: (k.indicator, k.unit_id)),
                                  today=today))
        report.series = len(series)
        digests = {k: series_digest(s) for k, s in series.items()}
        with session.begin():
            stored = stored_forecasts(session, catalog, list(series))
        stale = {k: s for k, s in series.items()
                 if k not in stored or stored[k].series_digest != digests[k]}
        made = compute_forecasts(stale, {k: default_horizon(catalog.indicators[k.indicator])
                                         for k in stale})
        with session.begin():
            for k, f in made.items():
                store_forecast(session, catalog, k, series[k], f, digests[k], change)
        report.forecasts = len(made)
        self.progress.at("odds", len(series))
        targets = year_targets(session, self.warehouse, catalog, today.year, set(series), today)
        need = {SeriesKey(catalog.indicator_codes[t.indicator_id], t.unit_id) for t in targets}
        missing = {k: series[k] for k in need if k not in made and k in series}
        if missing:
            made.update(compute_forecasts(missing, {
                k: default_horizon(catalog.indicators[k.indicator]) for k in missing}))
        odds = compute_odds(catalog, targets, series, made, change)
        with session.begin():
            stored_odds = store_odds(session, odds)
        report.odds = len(odds)
        return series, stored_odds

    def _finish(self, session: Session, catalog: Catalog,
                refreshed: dict[SeriesKey, Series], odds: list[TargetOddsRow],
                quality: QualityOutcome, months: set[Period], today: date, last: int,
                report: RefreshReport) -> None:
        self.progress.at("reports")
        reports: list[ExpectedReport] = []
        if months:
            written, reports = write_report_counts(session=session, catalog=catalog,
                                                   months=months, today=today)
            report.report_counts = written
        self.progress.at("alerts")
        with session.begin():
            raised = watch_thresholds(session, catalog, refreshed, last)
            for more in (watch_targets(session, catalog, odds, last),
                         watch_outliers(session, catalog, quality.opened, quality.closed, last),
                         watch_reports(session, catalog, reports, today, last)):
                raised.deliver.extend(more.deliver)
                raised.cleared += more.cleared
            report.deliveries = queue_deliveries(session, catalog, raised.deliver,
                                                 self.settings)
            report.alerts_raised, report.alerts_cleared = len(raised.deliver), raised.cleared
            _move_cursor(session, last)
        report.last_change = last
        self.progress.last_change = last

    def _regime_indicators(self, session: Session, catalog: Catalog) -> set[str]:
        with session.begin():
            return {r.indicator.code for r in load_regimes(session, catalog)}

    # -- daily chores ----------------------------------------------------------------------

    def sweep(self, *, today: date | None = None, force: bool = False) -> RefreshReport:
        """Once a day: reporting counts of recent months (reports fall due with time, not
        with data), late-report and overdue-task alerts, and the digest."""
        today = today or date.today()
        report = RefreshReport()
        with self.lock, self.session_factory() as session, contextlib.ExitStack() as held:
            with session.begin():
                state = session.get(ForesightStateRow, 1)
                if state is None or (state.swept_on == today and not force):
                    return report
            held.enter_context(self.exclusive())
            with session.begin():
                catalog = load_catalog(session)
            self.progress.at("sweep")
            written, reports = write_report_counts(session=session, catalog=catalog,
                                                   months=recent_months(today), today=today)
            report.report_counts = written
            with session.begin():
                raised = watch_reports(session, catalog, reports, today, 0)
                tasks = watch_tasks(session, catalog,
                                    self.tasks.overdue_tasks(session, catalog, today), 0)
                raised.deliver.extend(tasks.deliver)
                raised.cleared += tasks.cleared
                report.deliveries = queue_deliveries(session, catalog, raised.deliver,
                                                     self.settings)
                report.alerts_raised, report.alerts_cleared = (len(raised.deliver),
                                                               raised.cleared)
                state = session.get(ForesightStateRow, 1)
                if state is not None:
                    state.swept_on, state.updated_at = today, datetime.now(UTC)
            self.progress.at("idle")
        return report

    def send(self, now: datetime | None = None) -> int:
        """Queue the digest when it is due, then send every message that is due."""
        now = now or datetime.now(UTC)
        with self.session_factory() as session, session.begin():
            queue_digests(session, self.settings, now)
        return send_pending(self.session_factory, self.settings, now)


def affected_series(catalog: Catalog, changed: Iterable[tuple[int, int]],
                    today: date) -> set[SeriesKey]:
    """The series holding a changed (indicator id, unit id): the indicator and its derived
    readers, at the unit's successors today and every unit above them."""
    out: set[SeriesKey] = set()
    carried: dict[int, list[int]] = {}
    readers: dict[int, set[str]] = {}
    for indicator_id, unit_id in set(changed):
        if unit_id not in carried:
            carried[unit_id] = [u.id for u in units_carrying(catalog, unit_id, today)]
        if indicator_id not in readers:
            readers[indicator_id] = {c for c in dependants(
                catalog, [catalog.indicator_codes[indicator_id]])
                if forecastable(catalog.indicators[c])}
        out.update(SeriesKey(c, u) for c in readers[indicator_id] for u in carried[unit_id])
    return out


def _month_of(period: str) -> Period:
    p = parse_period(period)
    return Period.month_of(p.end.year, p.end.month)


def _cursor(session: Session) -> int:
    state = session.get(ForesightStateRow, 1)
    return 0 if state is None else int(state.last_change)


def _move_cursor(session: Session, last: int) -> None:
    state = session.get(ForesightStateRow, 1)
    if state is None:
        session.add(ForesightStateRow(id=1, last_change=last, updated_at=datetime.now(UTC)))
    else:
        state.last_change, state.updated_at = max(state.last_change, last), datetime.now(UTC)


def _add(total: RefreshReport, r: RefreshReport) -> None:
    for name in ("changes", "values_checked", "flags_opened", "flags_closed", "series",
                 "forecasts", "odds", "report_counts", "alerts_raised", "alerts_cleared",
                 "deliveries"):
        setattr(total, name, getattr(total, name) + getattr(r, name))
    total.last_change = max(total.last_change, r.last_change)
    total.seconds += r.seconds


class ForesightWorker:
    """The refresher on one thread of the server: new changes every few seconds, the
    daily chores, and the messages to send. A failure is logged; the loop goes on.

    With several server workers each runs this loop, but only the one holding the
    foresight lease in the store does the work (so each change is handled, and each
    message sent, once); it renews the lease before every step and between batches, and
    gives it up when it stops. One that is killed lets it lapse: another takes over
    within `LEASE_SECONDS`."""

    def __init__(self, refresher: Refresher, every_seconds: float) -> None:
        self.refresher = refresher
        self.every = every_seconds
        self.holder = this_worker().tag
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="fansipan-foresight",
                                        daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """Look for new changes now rather than at the next tick."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        try:
            with self.refresher.session_factory() as session:
                release_lease(session=session, name=FORESIGHT, holder=self.holder)
        except (OperationalError, ProgrammingError):
            pass  # the store is gone or not migrated: the lease lapses by itself

    def holds_lease(self) -> bool:
        """Take or renew the foresight lease; whether this worker does the work now."""
        try:
            with self.refresher.session_factory() as session:
                return hold_lease(session=session, name=FORESIGHT, holder=self.holder,
                                  seconds=max(3 * self.every, LEASE_SECONDS))
        except (OperationalError, ProgrammingError):
            log.warning("foresight skipped: the store is not ready")
            return False

    def refresh(self) -> None:
        """Every change after the cursor, a batch at a time, while the lease is held."""
        while not self._stop.is_set() and self.holds_lease():
            if self.refresher.run_once().changes < BATCH:
                return

    def _loop(self) -> None:
        while not self._stop.is_set():
            for step in (self.refresh, self.refresher.sweep, self.refresher.send):
                if self._stop.is_set():
                    return
                if not self.holds_lease():
                    break
                _guarded(step)
            self._wake.wait(self.every)
            self._wake.clear()


def _guarded(step: Callable[[], object]) -> None:
    try:
        step()
    except Exception:  # the loop must outlive one bad batch; it is retried next tick
        log.exception("foresight step %s failed", getattr(step, "__name__", step))
