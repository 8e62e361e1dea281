"""Running a connector: as its owner, to an allowed address, with its stored credential.

A pull fetches its URL (JSON or CSV) and imports it through the one write path, all or
nothing, as its owner (`stored_by`) from `connector:<name>` (`source`). A push sends the
totals of one unit (aggregated by the analytics engine as its owner may read them, as a
district operations centre reports to the province) to a parent Fansipan or DHIS2
through the parent's own `dataValueSets` import, in chunks of 1,000, each with an
Idempotency-Key so a retried chunk is not imported twice. Both retry failures that may
pass; a refusal (an address off the allow-list, an owner who may no longer do it) is
never retried, and nothing is sent. Every run is kept with its counts and outcome.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.rows import ImportFormat
from fansipan.errors import FansipanError, ValidationError
from fansipan.exchange import http
from fansipan.exchange.mapping import FieldMapping, read_source
from fansipan.exchange.writers import dhis2_period
from fansipan.services.catalog import load_catalog
from fansipan.services.exchange.connector_owners import connector_principal
from fansipan.services.exchange.connectors import (
    ConnectorKind,
    ConnectorPublic,
    RunPublic,
    legacy_problem,
    public,
    run_public,
    visible,
)
from fansipan.services.exchange.imports import ImportOptions, ImportSummary, summarise
from fansipan.services.exchange.outbound import read_outbound
from fansipan.services.exchange.spool import spool_file
from fansipan.services.trust.audit import record_alone
from fansipan.services.trust.secrets import open_secret
from fansipan.services.warehouse.writes import ValueWriter
from fansipan.settings import Settings
from fansipan.store.engine import SessionFactory
from fansipan.store.exchange_tables import ConnectorRow, ConnectorRunRow
from fansipan.store.security_tables import UserRow

PUSH_CHUNK = 1000  # values per request, as DHIS2 clients send them


class Pulled(BaseModel):
    """What a pull of records (not values) did, as its importer counts it."""

    rows: int
    imported: int
    updated: int
    ignored: int
    conflicts: int
    message: str


# Imports a fetched file of records for a connector, as the connector's principal; given
# by the capability that owns the records (the hub knows values only), via the Runtime.
PullTarget = Callable[[Session, ConnectorPublic, Path, Principal], Pulled]


@dataclass(frozen=True)
class Runtime:
    """What a run needs besides the store; passed in by whoever starts it."""

    spool: Path
    settings: Settings
    warehouse: Warehouse | None = None
    sleep: Callable[[float], None] = time.sleep
    resolve: Callable[[str, int], list[str]] = http.system_resolve
    pull_targets: Mapping[str, PullTarget] = field(default_factory=dict)


@dataclass(frozen=True)
class _Plan:
    """Everything a run decided before it sends anything."""

    connector: ConnectorPublic
    actor: Principal
    headers: dict[str, str]
    outbound: http.Outbound


def run_connector(*, session_factory: SessionFactory, principal: Principal, name: str,
                  runtime: Runtime, trigger: str = "manual") -> RunPublic:
    """Run a connector now and keep the run; failures are recorded, not raised."""
    with session_factory() as session:
        with session.begin():
            row = visible(session, principal, name)
            run = ConnectorRunRow(connector_id=row.id, trigger=trigger, status="running",
                                  attempts=0, values_sent=0, imported=0, updated=0, ignored=0,
                                  deleted=0, conflicts=0, message="",
                                  started_at=datetime.now(UTC))
            session.add(run)
            if row.schedule_minutes:
                row.next_run_at = datetime.now(UTC) + timedelta(minutes=row.schedule_minutes)
            session.flush()
            run_id, kind = run.id, ConnectorKind(row.kind)
        outcome = _Outcome()
        actor = Principal.system(f"connector:{name}")
        try:
            plan = _plan(session, name, runtime)
            actor = plan.actor
            if kind is ConnectorKind.PULL:
                _pull(session, plan, runtime, outcome)
            else:
                _push(session, plan, runtime, outcome, run_id)
            status = "done" if not outcome.conflicts else "conflicts"
        except FansipanError as exc:
            status, outcome.message = "failed", str(exc)[:2000]
        with session.begin():
            done = session.get(ConnectorRunRow, run_id)
            if done is None:
                raise RuntimeError("the run row disappeared")
            done.status, done.attempts, done.message = status, outcome.attempts, outcome.message
            done.values_sent, done.imported, done.updated = (outcome.sent, outcome.imported,
                                                             outcome.updated)
            done.ignored, done.deleted, done.conflicts = (outcome.ignored, outcome.deleted,
                                                          outcome.conflicts)
            done.finished_at = datetime.now(UTC)
            result = run_public(done, name)
        record_alone(session, actor, f"connector.{kind.value}", target=name,
                     outcome="ok" if status == "done" else "failed",
                     detail={"run": run_id, "trigger": trigger, "started_by": principal.actor,
                             "status": status, "sent": outcome.sent,
                             "imported": outcome.imported, "updated": outcome.updated,
                             "conflicts": outcome.conflicts, "attempts": outcome.attempts})
        return result


def _plan(session: Session, name: str, runtime: Runtime) -> _Plan:
    """The owner's principal, the credential and the allow-list as they stand now."""
    with session.begin():
        row = session.scalars(select(ConnectorRow).where(ConnectorRow.name == name)).one()
        problem = legacy_problem(row)
        if problem:
            raise ValidationError(problem)
        catalog = load_catalog(session)
        connector = public(session, catalog, row)
        config = connector.config
        owner = session.get(UserRow, row.owner_id) if row.owner_id is not None else None
        actor = connector_principal(
            session, catalog, connector=name, owner=owner,
            pulls=connector.kind is ConnectorKind.PULL, units=config.get("units") or [],
            units_as_of=date.fromisoformat(config["units_as_of"])
            if config.get("units_as_of") else None,
            indicators=config.get("indicators") or [], creating=False)
        outbound = read_outbound(session, runtime.settings, runtime.resolve)
        owner_id = row.owner_id
    headers: dict[str, str] = {}
    if connector.credential:
        kind, value = open_secret(session=session, settings=runtime.settings,
                                  name=connector.credential, owner_id=owner_id,
                                  url=connector.url, used_by=name)
        headers["Authorization"] = (
            "Basic " + base64.b64encode(value.encode()).decode() if kind == "basic"
            else f"Bearer {value}")
    return _Plan(connector, actor, headers, outbound)


class _Outcome:
    def __init__(self) -> None:
        self.attempts = self.sent = self.imported = self.updated = 0
        self.ignored = self.deleted = self.conflicts = 0
        self.message = ""
        self.failures: list[str] = []

    def failed_attempt(self, attempt: int, exc: http.FetchFailed) -> None:
        self.attempts = attempt
        self.failures.append(f"attempt {attempt}: {exc}")


def _pull(session: Session, plan: _Plan, runtime: Runtime, outcome: _Outcome) -> None:
    connector = plan.connector
    mapping = FieldMapping.model_validate(connector.config.get("mapping") or {})
    handle = spool_file(runtime.spool, "pull")
    handle.close()
    target = Path(handle.name)
    try:
        outcome.attempts = http.with_retries(
            lambda: http.fetch_to(connector.url, target, plan.headers, plan.outbound),
            retries=connector.retries, wait=connector.retry_seconds, sleep=runtime.sleep,
            on_failure=outcome.failed_attempt)
        kind = str(connector.config.get("target") or "values")
        if kind != "values":
            pulled = _import_records(session, plan, target, runtime, kind)
            outcome.sent, outcome.imported, outcome.updated = (pulled.rows, pulled.imported,
                                                                pulled.updated)
            outcome.ignored, outcome.conflicts = pulled.ignored, pulled.conflicts
            outcome.message = pulled.message[:2000]
            return
        summary = _import_source(session, plan, target, mapping)
    finally:
        target.unlink(missing_ok=True)
    outcome.sent = summary.rows
    count = summary.import_count
    outcome.imported, outcome.updated = count.imported, count.updated
    outcome.ignored, outcome.deleted = count.ignored, count.deleted
    outcome.conflicts = summary.conflict_count
    outcome.message = "; ".join(
        [summary.description] + [f"row {c.row}, {c.field}: {c.message}"
                                 for c in summary.conflicts[:20]])[:2000]


def _import_records(session: Session, plan: _Plan, path: Path, runtime: Runtime,
                    kind: str) -> Pulled:
    handler = runtime.pull_targets.get(kind)
    if handler is None:
        raise ValidationError(f"The connector {plan.connector.name} pulls {kind}, which this "
                              "server cannot import; known: values, "
                              + ", ".join(sorted(runtime.pull_targets)))
    return handler(session, plan.connector, path, plan.actor)


def _import_source(session: Session, plan: _Plan, path: Path,
                   mapping: FieldMapping) -> ImportSummary:
    connector = plan.connector
    options = ImportOptions(source=f"connector:{connector.name}"[:100])
    fmt = ImportFormat.CSV if connector.format == "csv" else ImportFormat.JSON
    writer = ValueWriter(session=session, source=options.source, principal=plan.actor,
                         audit_detail={"connector": connector.name})
    problem: ValidationError | None = None
    with path.open("rb") as stream:
        rows = read_source(stream, connector.format, mapping)
        try:
            with writer:
                writer.add(rows)
        except ValidationError as exc:
            if not any(e.field == "file" for e in exc.errors):
                raise
            problem = exc
        finally:
            rows.close()
    return summarise(writer.outcome, options, fmt, problem=problem)


def _push(session: Session, plan: _Plan, runtime: Runtime, outcome: _Outcome,
          run_id: int) -> None:
    from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics

    connector = plan.connector
    config = connector.config
    mapping = FieldMapping.model_validate(config.get("mapping") or {})
    request = AnalyticsRequest(indicators=config["indicators"], units=config["units"],
                               periods=config.get("periods") or ["LAST_12_MONTHS"],
                               as_of=date.fromisoformat(config["units_as_of"])
                               if config.get("units_as_of") else None)
    result = run_analytics(session=session, warehouse=runtime.warehouse or Warehouse(),
                           request=request, principal=plan.actor)
    values = [
        {"dataElement": mapping.indicators.get(str(r["indicator"]), str(r["indicator"])),
         "orgUnit": mapping.units.get(str(r["unit"]), str(r["unit"])),
         "period": dhis2_period(str(r["period"])), "value": _text(r["value"])}
        for r in result.records() if r["value"] is not None]
    headers = {**plan.headers, "Content-Type": "application/json"}
    url = (connector.url.rstrip("/") + "/dataValueSets?dataElementIdScheme=CODE"
           "&orgUnitIdScheme=CODE&importStrategy=CREATE_AND_UPDATE")
    for start in range(0, len(values), PUSH_CHUNK):
        chunk = values[start:start + PUSH_CHUNK]
        body = json.dumps({"dataValues": chunk}, ensure_ascii=False).encode()
        # Retries of this run's chunk are replays at the parent; a later run is not.
        key = hashlib.sha256(f"{connector.name}/{run_id}/{start}/".encode() + body).hexdigest()
        answers: list[http.Answer] = []

        def send(body: bytes = body, key: str = key, answers: list[http.Answer] = answers
                 ) -> None:
            answers.append(http.post(url, body, {**headers, "Idempotency-Key": key},
                                     plan.outbound))

        outcome.attempts += http.with_retries(
            send, retries=connector.retries, wait=connector.retry_seconds, sleep=runtime.sleep,
            on_failure=outcome.failed_attempt)
        outcome.sent += len(chunk)
        _count_answer(answers[-1], outcome)
    outcome.message = (f"sent {outcome.sent} values in {-(-outcome.sent // PUSH_CHUNK)} "
                       "request(s)")
    if outcome.failures:
        outcome.message += "; retried after " + "; ".join(outcome.failures[:5])


def _count_answer(answer: http.Answer, outcome: _Outcome) -> None:
    try:
        message = json.loads(answer.body or b"{}")
    except ValueError:
        message = {}
    summary = message.get("response", message) if isinstance(message, dict) else {}
    count = summary.get("importCount") or {}
    outcome.imported += int(count.get("imported", 0))
    outcome.updated += int(count.get("updated", 0))
    outcome.ignored += int(count.get("ignored", 0))
    outcome.deleted += int(count.get("deleted", 0))
    conflicts = summary.get("conflicts") or []
    outcome.conflicts += len(conflicts) or (1 if answer.status == 409 else 0)


def _text(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)
