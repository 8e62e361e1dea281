"""The alerts page: what the panel shows, and every alert the viewer may see."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from fansipan.http.deps import SessionDep
from fansipan.services.foresight.alerts import list_alerts
from fansipan.services.foresight.panels import alerts_panel
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.i18n import translate
from fansipan.web.pages import render

router = page_router()


@router.get("/alerts")
def alerts_page(request: Request, session: SessionDep, viewer: Viewer, lang: Lang) -> Response:
    panel = alerts_panel(session=session, principal=viewer, lang=lang)
    alerts = (list_alerts(session=session, principal=viewer, limit=500, lang=lang)
              if panel.signed_in else [])
    return render(request, "alerts.html", title=translate("alerts", lang), panel=panel,
                  alerts=alerts)
