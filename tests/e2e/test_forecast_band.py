"""The forecast band on an indicator page, drawn by Plotly in a real browser (`-m e2e`)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Server, shoot, sign_in

pytestmark = pytest.mark.e2e

MONTHLY = "CNTT_HO_SO_TRUC_TUYEN"  # dossiers received online, entered by communes
COMMUNE = "02683"  # Xã Bát Xát since July 2025, with its predecessors' history


def test_the_forecast_band_is_drawn_with_its_model(page: Any, demo_server: Server) -> None:
    sign_in(page, demo_server)
    page.goto(f"{demo_server.url}/indicators/{MONTHLY}?unit={COMMUNE}")
    band = page.locator("#forecast-band")
    band.wait_for()
    page.wait_for_selector("#forecast-band[data-ready='1']")
    # Two filled bands (80 % and 95 %), the history and the forecast line.
    fills = page.locator("#forecast-band .scatterlayer .trace .fills path")
    assert fills.count() == 2
    lines = page.locator("#forecast-band .scatterlayer .trace .js-line")
    assert lines.count() >= 2
    # Time runs left to right, the months written the Vietnamese way (12/2025).
    ticks = page.locator("#forecast-band .xtick text").all_text_contents()
    assert len(ticks) >= 6
    months = [(int(t.split("/")[1]), int(t.split("/")[0])) for t in ticks]
    assert months == sorted(months) and len(set(months)) == len(months)
    assert all(1 <= m <= 12 for _, m in months)
    legend = page.locator("#forecast-band .legend").text_content() or ""
    assert "Dự báo" in legend and "Thực hiện" in legend and "Khoảng 80 %" in legend
    model = page.locator("#forecast-model").inner_text()
    assert any(name in model for name in ("Theta", "San bằng mũ", "cùng kỳ"))
    facts = page.locator("#forecast-facts").inner_text()
    assert "MASE" in facts and "cùng kỳ năm trước" in facts
    page.locator("#forecast").scroll_into_view_if_needed()
    shoot(page, demo_server, "forecast-band")
