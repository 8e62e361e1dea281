"""A unit's page says when a reorganisation ended it and who took it over, and a unit
formed by a merger names the units it was formed from, from the succession links."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _note(page: str) -> str:
    found = re.search(r'<div class="note lineage" id="lineage" role="note">(.*?)</div>', page,
                      re.S)
    assert found is not None, "no lineage note"
    return found.group(1)


def _links(text: str) -> dict[str, str]:
    return {name: uid for uid, name in re.findall(r'<a href="/units/([^"?]+)">([^<]+)</a>', text)}


def test_a_merged_commune_says_when_it_ended_and_links_to_its_successor(
        web: TestClient) -> None:
    page = web.get("/units/02635")  # Phường Duyên Hải, merged into Phường Lào Cai
    assert page.status_code == 200
    note = _note(page.text)
    assert ("Đơn vị đã kết thúc hoạt động từ ngày 01/07/2025 "
            "(hoạt động đến hết ngày 30/06/2025).") in note
    successors = _links(note)
    assert list(successors) == ["Phường Lào Cai"]
    new = web.get(f"/units/{successors['Phường Lào Cai']}")
    assert new.status_code == 200 and "<h1>Phường Lào Cai <small class=\"code\">02647" in new.text
    formed = _note(new.text)
    assert "Thành lập ngày 01/07/2025 trên cơ sở:" in formed
    assert set(_links(formed)) == {"Phường Duyên Hải", "Phường Lào Cai", "Phường Cốc Lếu",
                                   "Phường Kim Tân", "Xã Vạn Hoà", "Xã Bản Phiệt"}
    assert "kết thúc" not in formed


def test_an_abolished_district_names_where_its_area_now_lies(web: TestClient) -> None:
    page = web.get("/units/082")  # Huyện Bát Xát, abolished with every district
    assert page.status_code == 200
    note = _note(page.text)
    assert "đến hết ngày 30/06/2025" in note and "Địa bàn nay thuộc:" in note
    area = _links(note)
    assert {"Xã Bát Xát", "Xã A Mú Sung"} <= set(area) and "Tỉnh Lào Cai" not in area
    # It opens on its last whole year, so its own figures are there to read.
    assert re.search(r'href="/units/[^"]+\.csv\?period=2024"', page.text)
    english = web.get("/units/082", params={"lang": "en"}).text
    assert ("This unit has ceased: in force until 30/06/2025, no longer from 01/07/2025."
            in _note(english))
    assert "Its area now lies in:" in _note(english)


def test_an_agency_that_took_another_over_and_carried_on_says_both(web: TestClient) -> None:
    old = web.get("/units/so-kh-cn", params={"period": "2024"})  # before the 2025 merger
    assert old.status_code == 200
    note = _note(old.text)
    assert "Tiếp nhận ngày 01/03/2025: <a" in note and "Sở Thông tin và Truyền thông" in note
    assert "Thành lập" not in note  # it was not formed then, it took the other one over
    successors = _links(note.split("Tiếp nhận")[0])
    assert list(successors) == ["Sở Khoa học và Công nghệ tỉnh Lào Cai"]
    new = web.get(f"/units/{successors['Sở Khoa học và Công nghệ tỉnh Lào Cai']}").text
    assert "Kế tục từ ngày 01/07/2025:" in _note(new) and "kết thúc" not in _note(new)
