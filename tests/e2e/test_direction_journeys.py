"""Direction in a real browser (`-m e2e`): a leader records a directive and assigns a
task, an officer reports on a task, and the report is previewed and downloaded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from fansipan.reports.decree30 import lint_docx
from tests.e2e.conftest import Server, shoot, sign_in

pytestmark = pytest.mark.e2e


def test_a_leader_records_a_directive_and_assigns_a_task(page: Any,
                                                          demo_server: Server) -> None:
    sign_in(page, demo_server)
    page.click("nav.main-nav a[href='/tasks']")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Nhiệm vụ trọng tâm năm")
    page.click("nav.views a[href='/directives/new']")
    page.fill("#d-number", "88/KH-UBND")
    page.fill("#d-date", "02/03/2026")
    page.fill("#d-issuer", "UBND tỉnh Lào Cai")
    page.fill("#d-unit", "ubnd-tinh")
    page.fill("#d-excerpt", "Kế hoạch phát triển hạ tầng số năm 2026 (minh họa)")
    page.check("input[name=working_days]")
    shoot(page, demo_server, "directive-new")
    page.click("#directive-form button[type=submit]")
    page.wait_for_url(re.compile(r"/directives/\d+\?saved=directive"))
    assert "88/KH-UBND" in page.locator("#directive-title").inner_text()
    page.fill("#t-title", "Phủ sóng 5G tại trung tâm các xã, phường (minh họa)")
    page.fill("#t-lead", "so-kh-cn")
    page.fill("#t-co", "so-cong-thuong")
    page.fill("#t-days", "20")
    page.click("#task-form button[type=submit]")
    page.wait_for_url(re.compile(r"saved=tasks"))
    row = page.locator("#task-table tbody tr").first
    assert "Phủ sóng 5G" in row.inner_text()
    # Twenty working days from Monday 02/03/2026: Monday 30/03/2026.
    assert "30/03/2026" in row.inner_text()
    shoot(page, demo_server, "directive", full=True)


def test_an_officer_reports_progress_on_an_overdue_task(page: Any,
                                                        demo_server: Server) -> None:
    sign_in(page, demo_server)
    page.goto(demo_server.url + "/tasks")
    first = page.locator("#task-table tbody tr").first
    assert "overdue" in (first.get_attribute("class") or "")  # overdue first
    shoot(page, demo_server, "tasks-list", full=True)
    page.goto(demo_server.url + "/tasks?view=board")
    assert page.locator(".col-overdue .card").count() >= 1
    shoot(page, demo_server, "tasks-board", full=True)
    page.goto(demo_server.url + "/tasks")
    page.locator("#task-table tbody tr th a").first.click()
    page.wait_for_load_state()
    title = page.locator("#task-title").inner_text()
    page.fill("#p-percent", "85")
    page.fill("#p-note", "Đã lắp thêm 4 trạm; còn 2 thôn chờ điện lưới (minh họa)")
    page.click("#progress-form button[type=submit]")
    page.wait_for_url(re.compile(r"saved=progress"))
    assert page.locator("[role=status]").inner_text() == "Đã ghi tiến độ."
    assert page.locator("#progress").inner_text() == "85%"
    assert "Đã lắp thêm 4 trạm" in page.locator("#history").inner_text()
    assert page.locator("#task-title").inner_text() == title
    shoot(page, demo_server, "task", full=True)


def test_the_report_is_previewed_then_downloaded(page: Any, demo_server: Server,
                                                 tmp_path: Path) -> None:
    sign_in(page, demo_server)
    page.click("nav.main-nav a[href='/reports']")
    page.wait_for_load_state()
    page.select_option("#r-year", "2021")
    page.select_option("#r-period", "year")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#report-preview")
    preview = page.locator("#report-preview").inner_text()
    assert "Năm 2021, 10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 5 chỉ tiêu vượt" in \
        " ".join(preview.split())
    assert "đạt 100%" in preview
    shoot(page, demo_server, "report-preview", full=True)
    page.click("#download-form button[value=docx]")
    page.wait_for_selector("#job-file", timeout=120_000)
    shoot(page, demo_server, "report-job")
    with page.expect_download() as info:
        page.click("#job-file")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "bao-cao-ket-qua-2021-nam-10.docx"
    assert list(lint_docx(path)) == []
    text = " ".join(p.text for p in Document(str(path)).paragraphs)
    assert "10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 5 chỉ tiêu vượt kế hoạch" in text
