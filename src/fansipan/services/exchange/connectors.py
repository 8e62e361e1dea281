"""Connectors (kết nối): sources we pull from and parent instances we push up to.

A pull connector fetches a URL (JSON or CSV) on its schedule, maps its fields and codes
to ours and imports it through the one write path, all or nothing, as
`connector:<name>` within the units it was given. A push connector sends this instance's
values (aggregated to one unit by the analytics engine, as a district operations
centre reports to the province) to a parent Fansipan or DHIS2 through the parent's own
`dataValueSets` import, with the parent's client id and key, in chunks of 1,000, each
with an Idempotency-Key so a retried chunk is not imported twice. Both retry failures
that may pass, and every run is kept with its counts and outcome.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal, PrincipalKind, Role
from fansipan.domain.rows import ImportFormat
from fansipan.errors import Conflict, FansipanError, FieldError, NotFound, ValidationError
from fansipan.exchange import http
from fansipan.exchange.mapping import FieldMapping, read_source
from fansipan.exchange.writers import dhis2_period
from fansipan.services.catalog import load_catalog
from fansipan.services.exchange.imports import ImportOptions, ImportSummary, summarise
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.services.trust.accounts import USERNAME_PATTERN
from fansipan.services.trust.audit import record_alone
from fansipan.services.warehouse.writes import ValueWriter
from fansipan.store.engine import SessionFactory
from fansipan.store.exchange_tables import ConnectorRow, ConnectorRunRow

PUSH_CHUNK = 1000  # values per request, as DHIS2 clients send them


class ConnectorKind(StrEnum):
    PULL = "pull"
    PUSH = "push"


class ConnectorCreate(BaseModel):
    name: str = Field(pattern=USERNAME_PATTERN, examples=["so-yte-tiem-chung"])
    kind: ConnectorKind
    url: str = Field(min_length=8, max_length=1000, pattern=r"^https?://",
                     description="pull: the source's address; push: the parent's API base "
                                 "(http://parent/dhis2/api for Fansipan, …/api for DHIS2)")
    format: str = Field(default="json", pattern="^(json|csv)$",
                        description="pull: the source's format")
    mapping: FieldMapping = FieldMapping()
    schedule_minutes: int | None = Field(default=None, ge=1, le=60 * 24 * 31,
                                         description="Run every N minutes (empty: by hand)")
    retries: int = Field(default=3, ge=0, le=20)
    retry_seconds: float = Field(default=30.0, ge=0, le=3600)
    credential_env: str = Field(
        default="", max_length=100, pattern=r"^[A-Z0-9_]*$",
        description="Environment variable holding the remote credentials ('id:key' for "
                    "HTTP Basic, else a Bearer token): secrets stay out of the database")
    units: list[str] = Field(default=[], max_length=500,
                             description="pull: the units it may write (empty: all); push: "
                                         "the one unit whose totals are sent")
    units_as_of: date | None = None
    indicators: list[str] = Field(default=[], max_length=500,
                                  description="push: the indicators sent")
    periods: list[str] = Field(default=["LAST_12_MONTHS"], max_length=100,
                               description="push: periods sent, relative ones allowed")
    target: str = Field(default="values", pattern=r"^[a-z_]{1,40}$",
                        description="pull: what the source holds, data values (the "
                                    "default) or records another capability imports "
                                    "(dossiers)")


class ConnectorPublic(BaseModel):
    name: str
    kind: ConnectorKind
    url: str
    format: str
    schedule_minutes: int | None
    retries: int
    retry_seconds: float
    credential_env: str
    active: bool
    config: dict[str, Any]
    created_by: str
    created_at: UtcDateTime
    next_run_at: UtcDateTime | None


class RunPublic(BaseModel):
    id: int
    connector: str
    trigger: str
    status: str
    attempts: int
    values_sent: int
    imported: int
    updated: int
    ignored: int
    deleted: int
    conflicts: int
    message: str
    started_at: UtcDateTime
    finished_at: UtcDateTime | None


def _public(row: ConnectorRow) -> ConnectorPublic:
    return ConnectorPublic(
        name=row.name, kind=ConnectorKind(row.kind), url=row.url, format=row.format,
        schedule_minutes=row.schedule_minutes, retries=row.retries,
        retry_seconds=row.retry_seconds, credential_env=row.credential_env, active=row.active,
        config=json.loads(row.config or "{}"), created_by=row.created_by,
        created_at=row.created_at, next_run_at=row.next_run_at)


def _run_public(row: ConnectorRunRow, name: str) -> RunPublic:
    return RunPublic(id=row.id, connector=name, trigger=row.trigger, status=row.status,
                     attempts=row.attempts, values_sent=row.values_sent, imported=row.imported,
                     updated=row.updated, ignored=row.ignored, deleted=row.deleted,
                     conflicts=row.conflicts, message=row.message, started_at=row.started_at,
                     finished_at=row.finished_at)


def create_connector(*, session: Session, principal: Principal,
                     data: ConnectorCreate) -> ConnectorPublic:
    """Register a connector (integrators and administrators); its units are checked."""
    require(principal, Permission.MANAGE_CLIENTS)
    if data.kind is ConnectorKind.PUSH and (len(data.units) != 1 or not data.indicators):
        raise ValidationError("A push connector sends the totals of one unit", [FieldError(
            field="units", message="name exactly one unit, and the indicators to send")])
    with session.begin():
        catalog = load_catalog(session)
        on = data.units_as_of or date.today()
        errors: list[FieldError] = []
        for ref in data.units:
            try:
                catalog.unit(ref, on, field="units")
            except FansipanError as exc:
                errors.extend(exc.errors)
        for code in data.indicators:
            try:
                catalog.indicator(code, field="indicators")
            except FansipanError as exc:
                errors.extend(exc.errors)
        if errors:
            raise ValidationError("The connector names things that do not exist", errors)
        if session.scalar(select(ConnectorRow.id).where(ConnectorRow.name == data.name)):
            raise Conflict("That connector name is taken", [FieldError(
                field="name", value=data.name, message="choose another name")])
        now = datetime.now(UTC)
        row = ConnectorRow(
            name=data.name, kind=data.kind.value, url=data.url, format=data.format,
            config=data.model_dump_json(include={"mapping", "units", "units_as_of",
                                                 "indicators", "periods", "target"}),
            schedule_minutes=data.schedule_minutes, credential_env=data.credential_env,
            retries=data.retries, retry_seconds=data.retry_seconds, active=True,
            created_by=principal.actor, created_at=now, updated_at=now,
            next_run_at=now if data.schedule_minutes else None)
        session.add(row)
        session.flush()
        from fansipan.services.trust.audit import record

        record(session, principal, "connector.create", target=data.name,
               detail={"kind": data.kind.value, "url": data.url})
        return _public(row)


def list_connectors(*, session: Session, principal: Principal) -> list[ConnectorPublic]:
    require(principal, Permission.MANAGE_CLIENTS)
    with session.begin():
        return [_public(r) for r in session.scalars(select(ConnectorRow)
                                                    .order_by(ConnectorRow.name))]


def list_runs(*, session: Session, principal: Principal, name: str,
              limit: int = 50) -> list[RunPublic]:
    require(principal, Permission.MANAGE_CLIENTS)
    with session.begin():
        row = _get(session, name)
        runs = session.scalars(select(ConnectorRunRow).where(
            ConnectorRunRow.connector_id == row.id).order_by(ConnectorRunRow.id.desc())
            .limit(limit)).all()
        return [_run_public(r, name) for r in runs]


def _get(session: Session, name: str) -> ConnectorRow:
    row = session.scalars(select(ConnectorRow).where(ConnectorRow.name == name)).one_or_none()
    if row is None:
        raise NotFound("No such connector", [FieldError(
            field="name", value=name[:100], message="list the connectors to see their names")])
    return row


def due_connectors(*, session: Session, now: datetime | None = None) -> list[str]:
    """Names of scheduled connectors whose next run is due."""
    moment = now or datetime.now(UTC)
    with session.begin():
        rows = session.scalars(select(ConnectorRow).where(
            ConnectorRow.active.is_(True), ConnectorRow.schedule_minutes.is_not(None))).all()
        return [r.name for r in rows if r.next_run_at is not None and _aware(
            r.next_run_at) <= moment]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# -- running ---------------------------------------------------------------------------------


class Pulled(BaseModel):
    """What a pull of records (not values) did, as its importer counts it."""

    rows: int
    imported: int
    updated: int
    ignored: int
    conflicts: int
    message: str


# Imports a fetched file of records for a connector; given by the capability that owns
# the records (the hub knows values only), through the Runtime.
PullTarget = Callable[[Session, "ConnectorPublic", Path], Pulled]


class Runtime(BaseModel):
    """What a run needs besides the store; passed in by whoever starts it."""

    model_config = {"arbitrary_types_allowed": True}

    spool: Path
    environ: Mapping[str, str] = Field(default_factory=lambda: dict(os.environ))
    warehouse: Warehouse | None = None
    sleep: Callable[[float], None] = time.sleep
    pull_targets: Mapping[str, PullTarget] = Field(default_factory=dict)


def run_connector(*, session_factory: SessionFactory, principal: Principal, name: str,
                  runtime: Runtime, trigger: str = "manual") -> RunPublic:
    """Run a connector now and keep the run; failures are recorded, not raised."""
    require(principal, Permission.MANAGE_CLIENTS)
    with session_factory() as session:
        with session.begin():
            row = _get(session, name)
            connector = _public(row)
            connector_id = row.id
            run = ConnectorRunRow(connector_id=connector_id, trigger=trigger, status="running",
                                  attempts=0, values_sent=0, imported=0, updated=0, ignored=0,
                                  deleted=0, conflicts=0, message="",
                                  started_at=datetime.now(UTC))
            session.add(run)
            if connector.schedule_minutes:
                row.next_run_at = datetime.now(UTC) + timedelta(
                    minutes=connector.schedule_minutes)
            session.flush()
            run_id = run.id
        outcome = _Outcome()
        try:
            if connector.kind is ConnectorKind.PULL:
                _pull(session, connector, runtime, outcome)
            else:
                _push(session, connector, runtime, outcome, run_id)
            status = "done" if not outcome.conflicts else "conflicts"
        except FansipanError as exc:
            status, outcome.message = "failed", str(exc)[:2000]
        with session.begin():
            done = session.get(ConnectorRunRow, run_id)
            if done is None:
                raise RuntimeError("the run row disappeared")
            run = done
            run.status, run.attempts, run.message = status, outcome.attempts, outcome.message
            run.values_sent, run.imported, run.updated = (outcome.sent, outcome.imported,
                                                          outcome.updated)
            run.ignored, run.deleted, run.conflicts = (outcome.ignored, outcome.deleted,
                                                       outcome.conflicts)
            run.finished_at = datetime.now(UTC)
            result = _run_public(run, name)
        record_alone(session, Principal.system(f"connector:{name}"), f"connector.{connector.kind}",
                     target=name, outcome="ok" if status == "done" else "failed",
                     detail={"run": run_id, "status": status, "sent": outcome.sent,
                             "imported": outcome.imported, "updated": outcome.updated,
                             "conflicts": outcome.conflicts, "attempts": outcome.attempts})
        return result


class _Outcome:
    def __init__(self) -> None:
        self.attempts = self.sent = self.imported = self.updated = 0
        self.ignored = self.deleted = self.conflicts = 0
        self.message = ""
        self.failures: list[str] = []

    def failed_attempt(self, attempt: int, exc: http.FetchFailed) -> None:
        self.attempts = attempt
        self.failures.append(f"attempt {attempt}: {exc}")


def _headers(connector: ConnectorPublic, runtime: Runtime) -> dict[str, str]:
    if not connector.credential_env:
        return {}
    secret = runtime.environ.get(connector.credential_env, "")
    if not secret:
        raise ValidationError(f"The environment variable {connector.credential_env} that "
                              f"holds the credentials of {connector.name} is not set")
    if ":" in secret:
        return {"Authorization": "Basic " + base64.b64encode(secret.encode()).decode()}
    return {"Authorization": f"Bearer {secret}"}


def _pull(session: Session, connector: ConnectorPublic, runtime: Runtime,
          outcome: _Outcome) -> None:
    config = connector.config
    mapping = FieldMapping.model_validate(config.get("mapping") or {})
    runtime.spool.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=runtime.spool, prefix="pull-", delete=False)  # noqa: SIM115
    handle.close()
    target = Path(handle.name)
    try:
        headers = _headers(connector, runtime)
        outcome.attempts = http.with_retries(
            lambda: http.fetch_to(connector.url, target, headers), retries=connector.retries,
            wait=connector.retry_seconds, sleep=runtime.sleep,
            on_failure=outcome.failed_attempt)
        kind = str(config.get("target") or "values")
        if kind != "values":
            pulled = _import_records(session, connector, target, runtime, kind)
            outcome.sent, outcome.imported, outcome.updated = (pulled.rows, pulled.imported,
                                                                pulled.updated)
            outcome.ignored, outcome.conflicts = pulled.ignored, pulled.conflicts
            outcome.message = pulled.message[:2000]
            return
        summary = _import_source(session, connector, target, mapping, config)
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


def _import_records(session: Session, connector: ConnectorPublic, path: Path,
                    runtime: Runtime, kind: str) -> Pulled:
    handler = runtime.pull_targets.get(kind)
    if handler is None:
        raise ValidationError(f"The connector {connector.name} pulls {kind}, which this "
                              "server cannot import; known: values, "
                              + ", ".join(sorted(runtime.pull_targets)))
    return handler(session, connector, path)


def _import_source(session: Session, connector: ConnectorPublic, path: Path,
                   mapping: FieldMapping, config: dict[str, Any]) -> ImportSummary:
    units = config.get("units") or []
    with session.begin():
        catalog = load_catalog(session)
        on = date.fromisoformat(config["units_as_of"]) if config.get("units_as_of") else (
            date.today())
        unit_ids = frozenset(catalog.unit(ref, on).id for ref in units)
    actor = Principal(kind=PrincipalKind.SYSTEM, name=f"connector:{connector.name}",
                      roles=frozenset({Role.OFFICER}), all_units=not units, unit_ids=unit_ids,
                      all_indicators=True)
    options = ImportOptions(source=f"connector:{connector.name}"[:100])
    fmt = ImportFormat.CSV if connector.format == "csv" else ImportFormat.JSON
    writer = ValueWriter(session=session, source=options.source, principal=actor,
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


def _push(session: Session, connector: ConnectorPublic, runtime: Runtime,
          outcome: _Outcome, run_id: int) -> None:
    from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics

    config = connector.config
    mapping = FieldMapping.model_validate(config.get("mapping") or {})
    request = AnalyticsRequest(indicators=config["indicators"], units=config["units"],
                               periods=config.get("periods") or ["LAST_12_MONTHS"],
                               as_of=date.fromisoformat(config["units_as_of"])
                               if config.get("units_as_of") else None)
    result = run_analytics(session=session, warehouse=runtime.warehouse or Warehouse(),
                           request=request)
    values = [
        {"dataElement": mapping.indicators.get(str(r["indicator"]), str(r["indicator"])),
         "orgUnit": mapping.units.get(str(r["unit"]), str(r["unit"])),
         "period": dhis2_period(str(r["period"])), "value": _text(r["value"])}
        for r in result.records() if r["value"] is not None]
    headers = {**_headers(connector, runtime), "Content-Type": "application/json"}
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
            answers.append(http.post(url, body, {**headers, "Idempotency-Key": key}))

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
