"""A key figure's sparkline: its complete years as a small inline SVG (no script, so it
shows at once and prints)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

from fansipan.services.insight.first_screen import SparkPoint

WIDTH = 120
HEIGHT = 32
PAD = 3


def sparkline(points: Sequence[SparkPoint], label: str) -> Markup:
    """A line through the years, the last one dotted; nothing for fewer than two years.

    `label` says in words what the line shows, for screen readers ("2020–2025: …").
    """
    if len(points) < 2:
        return Markup("")
    values = [p.value for p in points]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (WIDTH - 2 * PAD) / (len(points) - 1)
    xy = [(PAD + i * step, HEIGHT - PAD - (v - low) / span * (HEIGHT - 2 * PAD))
          for i, v in enumerate(values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    x, y = xy[-1]
    return Markup(
        '<svg class="spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{label}"><polyline points="{line}" fill="none" stroke="currentColor" '
        'stroke-width="2" stroke-linejoin="round"/><circle cx="{x:.1f}" cy="{y:.1f}" r="3" '
        'fill="currentColor"/></svg>'
    ).format(w=WIDTH, h=HEIGHT, label=escape(label), line=line, x=x, y=y)
