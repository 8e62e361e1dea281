"""The wall screen of the operations room: slides that fill 1920×1080 and turn by
themselves, a clock in Vietnam time and the age of the data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Query, Request
from fastapi.responses import Response

from fansipan.domain.local_time import VIETNAM
from fansipan.errors import FieldError, ValidationError, msg
from fansipan.http.deps import SessionDep, SettingsDep
from fansipan.locale import tr
from fansipan.services.citizens.panel import feedback_panel
from fansipan.services.direction.calendars import working_calendar
from fansipan.services.direction.panel import tasks_panel
from fansipan.services.foresight.panels import alerts_panel
from fansipan.web.deps import Lang, Viewer, WarehouseDep, page_router
from fansipan.web.formatting import value_decimals
from fansipan.web.pages import render
from fansipan.web.views.overview import UnitQuery, YearQuery, _overview, first_screen

router = page_router()

# The slides in their default order: the room (targets, map, trend), the key figures,
# and the panels of alerts, tasks and citizens' reports.
SLIDES = ("room", "figures", "panels")
SlidesQuery = Query(default=None, max_length=100,
                    description="Slides to show, in order, comma-separated: room,figures,panels")
SecondsQuery = Query(default=20, ge=5, le=600, description="Seconds each slide stays")
FigureQuery = Query(default=None, max_length=60,
                    description="The key figure drawn on the map and the trend chart")


def chosen_slides(text: str | None) -> list[str]:
    """`room,panels` → those slides in that order; an unknown name is refused, saying
    which names there are."""
    if not text:
        return list(SLIDES)
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SLIDES]
    if unknown or not names:
        raise ValidationError(msg("Unknown slide {name}", name=", ".join(unknown) or text), [
            FieldError(field="slides", value=text,
                       message=msg("choose from {names}", names=", ".join(SLIDES)))])
    return list(dict.fromkeys(names))


@router.get("/wall")
def wall_page(request: Request, session: SessionDep, settings: SettingsDep,
              warehouse: WarehouseDep, viewer: Viewer, lang: Lang,
              year: int | None = YearQuery, unit: str | None = UnitQuery,
              slides: str | None = SlidesQuery, seconds: int = SecondsQuery,
              figure: str | None = FigureQuery) -> Response:
    shown = chosen_slides(slides)
    data = _overview(session, warehouse, viewer, lang, year, unit)
    extra = first_screen(session, warehouse, viewer, data, lang, figure=figure)
    # The map and the trend fill the panels the screen gives them (wall.css), whatever its
    # size, rather than a height of their own that may not fit.
    for chart in (extra.get("map_figure"), extra.get("trend_figure")):
        if chart is not None:
            chart["layout"].pop("height", None)
            chart["layout"]["autosize"] = True
    trend = extra.get("trend_figure")
    if trend is not None:  # light words on the wall's dark ground
        trend["layout"]["font"] = {"size": 18, "color": "#f1f5f9"}
        trend["layout"]["yaxis"]["gridcolor"] = "#2b4764"
    panels: dict[str, Any] = {}
    if "panels" in shown:
        panels = {
            "alerts": alerts_panel(session=session, principal=viewer, lang=lang),
            "tasks": tasks_panel(session=session, warehouse=warehouse, principal=viewer,
                                 calendar=working_calendar(settings), lang=lang),
            "feedback": feedback_panel(session=session),
        }
    return render(request, "wall.html", title=tr(lang, "Wall screen"), data=data,
                  body_class="wall", live=data.last_change, decimals=value_decimals,
                  charts="room" in shown, slides=shown, seconds=seconds,
                  now=datetime.now(VIETNAM), **extra, **panels)
