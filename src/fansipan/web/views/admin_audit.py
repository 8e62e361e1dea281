"""The audit log's search for administrators: who did what, to which object, when, with
the values a data write changed (old and new), newest first, in pages; and its
downloads (CSV, XLSX, JSON), each one itself an audited export.

Days are the province's days (UTC+7): "from 01/12/2026 to 01/12/2026" is that whole day.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Path, Query, Request
from fastapi.responses import JSONResponse, Response

from fansipan.domain.local_time import VIETNAM
from fansipan.errors import FieldError, ValidationError, msg
from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.locale import tr
from fansipan.services.trust.audit import AuditQuery, search_events
from fansipan.services.trust.audit_events import EXPORT_MAX, export_search, get_event
from fansipan.web.days import read_day
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.labels import label
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()
router.dependencies.append(AdminNetwork)
PAGE = 50
Text = Annotated[str, Query(max_length=200)]
EventId = Annotated[int, Path(ge=1, le=2**62)]
# What the search can be narrowed to: prefixes of the actions of each kind of object.
KINDS = ("user.", "token.", "auth.", "data.", "target.", "approval.", "indicator.",
         "connector.", "secret.", "outbound.", "export", "authz.")


def _query(actor: str, action: str, target: str, outcome: str, since: str, until: str,
           before: int) -> AuditQuery:
    first, last = read_day(since, "since"), read_day(until, "until")
    if first and last and last < first:
        raise ValidationError(msg("The period ends before it begins"), [FieldError(
            field="until", value=until, message=msg("choose a day on or after the first day"))])
    return AuditQuery(
        actor=actor or None, action=action or None, target=target or None,
        outcome=outcome or None,
        since=datetime.combine(first, time(0), tzinfo=VIETNAM) if first else None,
        until=(datetime.combine(last + timedelta(days=1), time(0), tzinfo=VIETNAM)
               - timedelta(microseconds=1)) if last else None,
        before_id=before, limit=PAGE)


def summary(detail: dict[str, Any]) -> str:
    """The detail of an event on one line: `key: value` pairs, values as JSON writes them."""
    parts = [f"{k}: {v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}"
             for k, v in detail.items() if k != "changes_digest"]
    return "; ".join(parts)


@router.get("/admin/audit")
def audit_page(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
               actor: Text = "", action: Text = "", target: Text = "", outcome: Text = "",
               since: Text = "", until: Text = "",
               before: Annotated[int, Query(ge=0, le=2**62)] = 0) -> Response:
    typed = {"actor": actor, "action": action, "target": target, "outcome": outcome,
             "since": since, "until": until}
    query = _query(actor, action, target, outcome, since, until, before)
    events = search_events(session=session, principal=viewer, query=query)
    kept = {k: v for k, v in typed.items() if v}
    filters = urlencode(kept)
    older = f"?{urlencode({**kept, 'before': events[-1].id})}" if len(events) == PAGE else ""
    return render(request, "admin_audit.html", title=tr(lang, "Audit log"), events=events,
                  typed=typed, kinds=KINDS, older=older, newest=bool(before),
                  filters=f"?{filters}" if filters else "", summary=summary, page=PAGE,
                  export_max=EXPORT_MAX)


@router.get("/admin/audit.{fmt}")
def audit_table(fmt: str, session: SessionDep, viewer: Viewer, lang: Lang, actor: Text = "",
                action: Text = "", target: Text = "", outcome: Text = "", since: Text = "",
                until: Text = "") -> Response:
    form = check_format(fmt)
    query = _query(actor, action, target, outcome, since, until, 0)
    events, more = export_search(session=session, principal=viewer, query=query)
    _t = partial(tr, lang)
    note = _t("The newest {count} events only; narrow the search for the older ones",
              count=EXPORT_MAX) if more else ""
    table = Table(name="nhat-ky-kiem-toan", title=_t("Audit log"), note=note,
                  keys=["id", "at", "actor", "actor_kind", "action", "target", "outcome", "ip",
                        "detail", "hash"],
                  labels=[_t("Event"), _t("Time"), _t("Who"), _t("Kind"), _t("Action"),
                          _t("Object"), _t("Outcome"), _t("Address"), _t("Detail"),
                          _t("Hash")])
    for e in events:
        table.rows.append([e.id, e.at, e.actor, e.actor_kind, e.action, e.target,
                           label("outcome", e.outcome, lang), e.ip,
                           json.dumps(e.detail, ensure_ascii=False, sort_keys=True), e.hash])
    return download(table, form, mark=None, lang=lang)


@router.get("/admin/audit/{event_id}.json")
def audit_event_json(event_id: EventId, session: SessionDep, viewer: Viewer) -> Response:
    found = get_event(session=session, principal=viewer, event_id=event_id)
    return JSONResponse(found.model_dump(mode="json"), headers={"cache-control": "no-store"})


@router.get("/admin/audit/{event_id}")
def audit_event(event_id: EventId, request: Request, session: SessionDep, viewer: Viewer,
                lang: Lang) -> Response:
    found = get_event(session=session, principal=viewer, event_id=event_id)
    return render(request, "admin_audit_event.html",
                  title=tr(lang, "Audit event {id}", id=event_id), found=found, summary=summary,
                  pretty=json.dumps(found.event.detail, ensure_ascii=False, indent=2,
                                    sort_keys=True))

