"""Every map and every tile grid has a legend that names the figure and its unit, and
says which way the shades go."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from tests.web.conftest import COMMUNES


def _figure(page: str, name: str) -> dict[str, Any]:
    found = re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', page)
    assert found is not None, name
    figure: dict[str, Any] = json.loads(found.group(1))
    return figure


def test_the_indicator_map_legend_names_the_indicator_and_its_unit(web: TestClient) -> None:
    for lang, name in (("vi", "Tỷ lệ hộ gia đình có kết nối Internet"),
                       ("en", "Share of households with an internet connection")):
        page = web.get("/indicators/CDS_TY_LE_HO_INTERNET",
                       params={"period": "2024", "lang": lang}).text
        title = _figure(page, "fig-map")["data"][0]["colorbar"]["title"]["text"]
        assert title.replace("<br>", " ") == f"{name} (%)"
        assert all(len(line) <= 18 for line in title.split("<br>")[:-1])


def test_the_indicator_tile_grid_has_a_legend_with_name_unit_and_direction(
        web: TestClient, filled: Session) -> None:
    page = web.get("/indicators/CDS_HO_CO_INTERNET", params={"period": "2024",
                                                             "unit": "080"}).text
    assert 'class="tile-grid"' in page
    legend = re.search(r'<p class="legend small" id="tile-legend">(.*?)</p>', page)
    assert legend is not None
    assert legend.group(1).startswith("Số hộ gia đình có kết nối Internet (hộ), ")
    assert legend.group(1).endswith("màu nhạt là thấp, màu đậm là cao.")
    # Lower is better (villages in mobile dead zones): the darkest tile is the lowest.
    write_values(session=filled, actor="tests", source="tests", items=[
        DataValueWrite(indicator="VT_THON_VUNG_LOM", unit=c, period="2024", value=n)
        for n, c in enumerate(COMMUNES[:2])])
    down = web.get("/indicators/VT_THON_VUNG_LOM", params={"period": "2024",
                                                           "unit": "080"}).text
    legend = re.search(r'<p class="legend small" id="tile-legend">(.*?)</p>', down)
    assert legend is not None and "càng thấp càng tốt" in legend.group(1)
    shades = dict(re.findall(r'<li class="q(\d)">.*?<span class="tval">([^<]+)</span>', down))
    assert shades["4"] == "0" and shades["0"] == "1"


def test_the_public_map_legend_has_a_title(web: TestClient) -> None:
    page = web.get("/feedback/map").text
    legend = _figure(page, "fig-fb-map")["layout"]["legend"]
    assert legend["title"]["text"] == "Phản ánh theo tình trạng xử lý:"
    # Its attribution names the statistics office as it is called since March 2025.
    assert "Mã đơn vị: Cục Thống kê (Bộ Tài chính)." in page and "Tổng cục" not in page
