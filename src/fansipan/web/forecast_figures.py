"""The forecast band of the indicator page, as a Plotly figure (drawn offline)."""

from __future__ import annotations

from typing import Any

from fansipan.domain.periods import PeriodType, parse_period
from fansipan.domain.periods.labels import EN_MONTHS
from fansipan.services.foresight.forecasts import ForecastPublic
from fansipan.web.formatting import number

HISTORY_SHOWN = 36  # periods of history drawn before the forecast
TICKS = 12  # labels on the time axis at most
_ROMAN = ("I", "II", "III", "IV")


def tick_label(period_id: str, lang: str) -> str:
    """A period short enough for the time axis: 12/2025, Quý IV/2025, 2025 (en: Dec 2025,
    Q4 2025)."""
    p = parse_period(period_id)
    vi = lang != "en"
    if p.type is PeriodType.MONTH:
        return f"{p.index:02d}/{p.year}" if vi else f"{EN_MONTHS[p.index - 1][:3]} {p.year}"
    if p.type is PeriodType.QUARTER:
        return f"Quý {_ROMAN[p.index - 1]}/{p.year}" if vi else f"Q{p.index} {p.year}"
    return str(p.year) if p.type is PeriodType.YEAR else p.label(lang)


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
        "customdata": [tick_label(o.period, lang) for o in past],
        "hovertemplate": "%{customdata}: %{text}<extra></extra>"}]
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
        "customdata": [tick_label(x, lang) for x in joined],
        "hovertemplate": "%{customdata}: %{text}<extra></extra>"})
    # Period ids sort as text in time order (2025-12 < 2026-01, 2025Q4 < 2026Q1); the
    # axis keeps them as categories and shows people's labels at evenly spaced ticks.
    every = sorted({o.period for o in past} | set(periods))
    step = max(1, -(-len(every) // TICKS))
    shown = every[::step]
    return {"data": traces, "layout": {
        "margin": {"t": 20, "r": 20, "b": 50, "l": 60}, "height": 320,
        "yaxis": {"title": {"text": unit_label}, "rangemode": "tozero",
                  "separatethousands": True, "automargin": True},
        "xaxis": {"type": "category", "categoryorder": "category ascending",
                  "tickmode": "array", "tickvals": shown,
                  "ticktext": [tick_label(x, lang) for x in shown]},
        "legend": {"orientation": "h", "y": -0.25},
        "separators": ",." if lang == "vi" else ".,", "font": {"size": 13},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
    }}
