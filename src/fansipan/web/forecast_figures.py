"""The forecast band of the indicator page, as a Plotly figure (drawn offline)."""

from __future__ import annotations

from typing import Any

from fansipan.services.foresight.forecasts import ForecastPublic
from fansipan.web.formatting import number

HISTORY_SHOWN = 36  # periods of history drawn before the forecast


def forecast_figure(f: ForecastPublic, unit_label: str, decimals: int,
                    lang: str) -> dict[str, Any] | None:
    """History, the forecast and its 80 % and 95 % bands; None without a forecast."""
    if not f.points:
        return None
    past = f.history[-HISTORY_SHOWN:]
    periods = [p.period for p in f.points]
    joined = [past[-1].period, *periods] if past else periods
    start = [past[-1].value] if past else []
    en = lang == "en"
    traces: list[dict[str, Any]] = [{
        "type": "scatter", "mode": "lines+markers", "name": "Thực hiện" if not en else "Actual",
        "x": [o.period for o in past], "y": [o.value for o in past],
        "line": {"color": "#0b5394", "width": 2}, "marker": {"size": 5},
        "text": [number(o.value, decimals, lang) for o in past],
        "hovertemplate": "%{x}: %{text}<extra></extra>"}]
    if f.points[0].lower_95 is not None:
        for level, colour in ((95, "rgba(11,83,148,0.12)"), (80, "rgba(11,83,148,0.25)")):
            low = start + [getattr(p, f"lower_{level}") for p in f.points]
            high = start + [getattr(p, f"upper_{level}") for p in f.points]
            name = f"Khoảng {level} %" if not en else f"{level} % interval"
            traces.append({"type": "scatter", "mode": "lines", "x": joined, "y": low,
                           "line": {"width": 0}, "hoverinfo": "skip", "showlegend": False,
                           "name": name})
            traces.append({"type": "scatter", "mode": "lines", "x": joined, "y": high,
                           "fill": "tonexty", "fillcolor": colour, "line": {"width": 0},
                           "name": name, "hoverinfo": "skip"})
    traces.append({
        "type": "scatter", "mode": "lines+markers", "name": "Dự báo" if not en else "Forecast",
        "x": joined, "y": start + [p.value for p in f.points],
        "line": {"color": "#b45f06", "width": 2, "dash": "dot"}, "marker": {"size": 5},
        "text": ([number(start[0], decimals, lang)] if start else [])
        + [number(p.value, decimals, lang) for p in f.points],
        "hovertemplate": "%{x}: %{text}<extra></extra>"})
    return {"data": traces, "layout": {
        "margin": {"t": 20, "r": 20, "b": 50, "l": 60}, "height": 320,
        "yaxis": {"title": {"text": unit_label}, "rangemode": "tozero",
                  "separatethousands": True, "automargin": True},
        # Period ids sort as text in time order (2025-12 < 2026-01, 2025Q4 < 2026Q1).
        "xaxis": {"type": "category", "nticks": 12, "categoryorder": "category ascending"},
        "legend": {"orientation": "h", "y": -0.25},
        "separators": ",." if lang == "vi" else ".,", "font": {"size": 13},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
    }}
