"""The public map's figure: the province's outline and the reports as points, by status.

`scattermap` and `choroplethmap` traces with `map.style = "white-bg"`: no tiles, nothing
fetched (the indicator page draws its maps the same way).
"""

from __future__ import annotations

from typing import Any

from fansipan.services.citizens.feedback_map import MapData
from fansipan.web.formatting import day
from fansipan.web.i18n import translate

# Red: overdue; amber: open; green: closed. Each a trace of its own, so the legend says so.
_GROUPS = (("overdue", "#b3261e"), ("open", "#c26a00"), ("closed", "#1e7b34"))


def map_figure(data: MapData, lang: str) -> dict[str, Any]:
    traces: list[dict[str, Any]] = [{
        "type": "choroplethmap", "geojson": data.outline,
        "locations": [f["id"] for f in data.outline["features"]],
        "z": [1] * len(data.outline["features"]), "featureidkey": "id",
        "colorscale": [[0, "#eef3f8"], [1, "#eef3f8"]], "showscale": False,
        "marker": {"line": {"color": "#5b6b7b", "width": 1.5}, "opacity": 1},
        "hoverinfo": "skip",
    }]
    for group, colour in _GROUPS:
        chosen = [r for r in data.reports if r.lat is not None and r.long is not None and (
            (group == "overdue" and r.overdue) or
            (group == "open" and r.status == "open" and not r.overdue) or
            (group == "closed" and r.status == "closed"))]
        traces.append({
            "type": "scattermap", "mode": "markers", "name": translate(f"fb_group_{group}",
                                                                       lang),
            "lat": [r.lat for r in chosen], "lon": [r.long for r in chosen],
            "marker": {"size": 11, "color": colour, "opacity": 0.85},
            "text": [f"{r.request_id} — {r.service_name_en if lang == 'en' else r.service_name_vi}"
                     f"<br>{r.state_en if lang == 'en' else r.state_vi} · "
                     f"{day(r.requested_at, lang)}" for r in chosen],
            "customdata": [f"/feedback/track?id={r.request_id}" for r in chosen],
            "hovertemplate": "%{text}<extra></extra>",
        })
    return {"data": traces, "layout": {
        "map": {"style": "white-bg", "center": {"lon": 104.31, "lat": 22.09}, "zoom": 7.6},
        "margin": {"t": 0, "r": 0, "b": 0, "l": 0}, "height": 560,
        "legend": {"orientation": "h", "y": 0.01, "x": 0.01, "bgcolor": "rgba(255,255,255,.85)",
                   "title": {"text": translate("fb_map_legend", lang) + ":", "side": "left"}},
        "paper_bgcolor": "rgba(0,0,0,0)", "font": {"size": 14},
    }}
