"""The direction pages: directives, tasks (list, board, by unit), a task's forms, the
report page and its preview, in both languages, signed in with the CSRF cookie."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from jinja2 import Environment
from sqlalchemy.orm import Session

from fansipan.domain.access import Role
from fansipan.services.exchange.workers import Worker, this_worker
from fansipan.store.exchange_tables import JobRow
from tests.support.accounts import Account
from tests.web.test_forms import _sign_in


@pytest.fixture
def leader_officer(make_account: Callable[..., Account]) -> Account:
    return make_account(Role.LEADER, Role.OFFICER, username="lanh.dao.can.bo")


def _new_directive(web: TestClient, token: str) -> int:
    r = web.post("/directives", data={
        "number": "07/KH-UBND", "issued_on": "2024-01-10", "issuer": "UBND tỉnh Lào Cai",
        "excerpt": "Kế hoạch chuyển đổi số năm 2024", "working_days": "1",
        "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    match = re.fullmatch(r"/directives/(\d+)\?saved=directive", r.headers["location"])
    assert match
    return int(match.group(1))


def test_a_directive_its_task_and_an_update_through_the_forms(
        web: TestClient, leader_officer: Account) -> None:
    token = _sign_in(web, leader_officer)
    page = web.get("/directives/new")
    assert page.status_code == 200 and 'id="directive-form"' in page.text
    directive = _new_directive(web, token)
    shown = web.get(f"/directives/{directive}?saved=directive").text
    assert "07/KH-UBND" in shown and "Hạn tính theo ngày làm việc" in shown
    # Ten working days from Wednesday 10/01/2024: Wednesday 24/01/2024.
    r = web.post(f"/directives/{directive}/tasks", data={
        "title": "Triển khai dịch vụ công trực tuyến toàn trình", "lead_unit": "082",
        "within_days": "10", "co_units": "080, 083", "csrf_token": token},
        follow_redirects=False)
    assert r.status_code == 303, r.text[:500]
    listed = web.get("/tasks", params={"year": 2024}).text
    task = int(re.search(r'data-task="(\d+)"', listed).group(1))  # type: ignore[union-attr]
    assert "24/01/2024" in listed
    r = web.post(f"/tasks/{task}/events", data={
        "kind": "progress", "on": "2024-01-15", "percent": "35,5", "note": "Đã rà soát",
        "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/tasks/{task}?saved=progress"
    page = web.get(r.headers["location"]).text
    assert "Đã ghi tiến độ." in page and "35,5%" in page and "Đã rà soát" in page
    # A refused move comes back with its reason, beside the form, and changes nothing.
    r = web.post(f"/tasks/{task}/events", data={
        "kind": "extension", "on": "2024-01-16", "new_deadline": "2024-01-20",
        "document": "1/UBND", "csrf_token": token})
    assert r.status_code == 422 and "không sau hạn hiện tại" in r.text
    r = web.post(f"/tasks/{task}/events", data={
        "kind": "progress", "percent": "nhiều", "csrf_token": token})
    assert r.status_code == 422 and "tiến độ là một số" in r.text
    # Without the CSRF token, nothing.
    assert web.post(f"/tasks/{task}/events", data={"kind": "comment",
                                                   "note": "x"}).status_code == 403
    files = web.post(f"/tasks/{task}/attachments", data={"csrf_token": token}, files={
        "file": ("ke-hoach.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        follow_redirects=False)
    assert files.status_code == 303
    assert "ke-hoach.pdf" in web.get(f"/tasks/{task}").text


def test_the_list_the_board_and_the_units_view(web: TestClient,
                                               leader_officer: Account) -> None:
    token = _sign_in(web, leader_officer)
    directive = _new_directive(web, token)
    for title, lead, deadline in (("Một việc quá hạn", "082", "2024-02-01"),
                                  ("Một việc trong hạn", "083", "2099-12-31")):
        web.post(f"/directives/{directive}/tasks", data={
            "title": title, "lead_unit": lead, "deadline": deadline, "csrf_token": token})
    listed = web.get("/tasks", params={"year": 2024}).text
    assert listed.index("Một việc quá hạn") < listed.index("Một việc trong hạn")
    board = web.get("/tasks", params={"year": 2024, "view": "board"}).text
    overdue = board[board.index('class="column col-overdue"'):
                    board.index('class="column col-in_time"')]
    assert "Một việc quá hạn" in overdue and "Một việc trong hạn" not in overdue
    units = web.get("/tasks", params={"year": 2024, "view": "units"}).text
    assert 'id="unit-rates"' in units and "Huyện Bát Xát" in units
    rows = list(csv.reader(io.StringIO(web.get("/tasks.csv", params={"year": 2024})
                                       .content.decode("utf-8-sig"))))
    assert rows[0][1] == "Nhiệm vụ" and [r[1] for r in rows[1:]] == [
        "Một việc quá hạn", "Một việc trong hạn"]
    only = web.get("/tasks", params={"year": 2024, "overdue": "true"}).text
    assert "Một việc trong hạn" not in only
    en = web.get("/tasks", params={"year": 2024, "lang": "en"}).text
    assert "Key tasks of 2024" in en and "Overdue" in en


def test_the_report_page_previews_and_makes_the_file(web: TestClient,
                                                     leader_officer: Account) -> None:
    token = _sign_in(web, leader_officer)
    page = web.get("/reports", params={"year": 2024, "preview": "true"})
    assert page.status_code == 200
    assert 'id="report-preview"' in page.text and "BÁO CÁO" in page.text
    assert "Kết quả thực hiện chỉ tiêu, nhiệm vụ năm 2024" in page.text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page.text
    r = web.post("/reports/jobs", data={"year": "2024", "format": "xlsx",
                                        "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    job_page = r.headers["location"]
    for _ in range(600):
        shown = web.get(job_page).text
        if 'data-status="done"' in shown:
            break
    assert 'id="job-file"' in shown
    file = web.get(f"{job_page}/file")
    assert file.content[:2] == b"PK" and "bao-cao-ket-qua-2024-nam" in file.headers[
        "content-disposition"]
    wrong = web.get("/reports", params={"year": 2024, "preview": "true", "unit": "999"})
    assert wrong.status_code == 422 and "999" in wrong.text


def test_the_tasks_panel_renders_for_a_page_that_includes_it(
        web: TestClient, leader_officer: Account) -> None:
    """The overview and the wall include `_tasks_panel.html` with `tasks_panel(...)`."""
    from fansipan.services.direction.calendars import working_calendar
    from fansipan.services.direction.panel import tasks_panel
    from fansipan.web.templating import helpers

    token = _sign_in(web, leader_officer)
    directive = _new_directive(web, token)
    web.post(f"/directives/{directive}/tasks", data={
        "title": "Việc quá hạn của năm", "lead_unit": "082", "deadline": "2024-03-01",
        "csrf_token": token})
    app = web.app
    with app.state.session_factory() as session:  # type: ignore[attr-defined]
        panel = tasks_panel(session=session, warehouse=app.state.warehouse,  # type: ignore[attr-defined]
                            principal=leader_officer.principal,
                            calendar=working_calendar(None), year=2024,
                            on=date(2024, 4, 1))
    env: Environment = app.state.web_templates  # type: ignore[attr-defined]
    html = env.get_template("_tasks_panel.html").render(**helpers("vi"), panel=panel)
    assert "Nhiệm vụ trọng tâm năm 2024" in html and "Việc quá hạn của năm" in html
    assert "0/1 nhiệm vụ đến hạn" in html
    assert env.get_template("_tasks_panel.html").render(**helpers("vi"), panel=None).strip() == ""


def test_anonymous_visitors_see_no_task(web: TestClient) -> None:
    assert web.get("/tasks").status_code == 401
    assert web.get("/reports").status_code == 401
    assert "Nhiệm vụ" not in web.get("/").text.split("<main")[0]


def test_targets_say_how_much_of_the_plan_and_which_figures_are_estimates(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    officer = make_account(Role.OFFICER, username="ke.hoach")
    token = _sign_in(web, officer)
    page = web.get("/targets", params={"year": 2024}).text
    # 500 households online of 860 is 58,1 %, against a plan of 50 %.
    assert "Đạt 116,3 % kế hoạch" in page
    # 2024 is over and its target judged: no odds "being computed" for it.
    assert "đang tính" not in page
    # An estimate for one more commune: the province's rate includes it, so it is one.
    put = web.put("/api/v1/datavalues/CDS_HO_CO_INTERNET/02644/2024",
                  headers=officer.headers, json={"value": 20, "status": "estimate"})
    assert put.status_code == 200, put.text
    page = web.get("/targets", params={"year": 2024}).text
    assert 'class="estimate"' in page and "số ước thực hiện" in page
    assert "Đạt 120,9 % kế hoạch" in page  # (500 + 20) / 860 against 50 %
    rows = list(csv.reader(io.StringIO(web.get("/targets.csv", params={"year": 2024})
                                       .content.decode("utf-8-sig"))))
    assert rows[1][-1] == "Ước thực hiện" and rows[1][8] == "120.9"
    saved = web.post("/targets", data={
        "indicator": "CDS_TY_LE_HO_INTERNET", "unit": "080", "period": "2024",
        "planned": "90", "horizon": "2021-2024", "document": "Nghị quyết số 10-NQ/HU",
        "csrf_token": token})
    assert saved.status_code == 200 and 'id="goals-table"' in saved.text
    assert "Giai đoạn 2021–2024" in saved.text and "Nghị quyết số 10-NQ/HU" in saved.text
    bad = web.post("/targets", data={
        "indicator": "CDS_TY_LE_HO_INTERNET", "unit": "080", "period": "2024",
        "planned": "90", "horizon": "2021/24", "csrf_token": token})
    assert bad.status_code == 422 and "2021-2025" in bad.text


def test_a_title_that_looks_like_a_formula_stays_text_in_every_download(
        web: TestClient, leader_officer: Account) -> None:
    from openpyxl import load_workbook

    token = _sign_in(web, leader_officer)
    directive = _new_directive(web, token)
    web.post(f"/directives/{directive}/tasks", data={
        "title": "=HYPERLINK(\"http://x\",\"bấm\")", "lead_unit": "082",
        "deadline": "2024-03-01", "csrf_token": token})
    text = web.get("/tasks.csv", params={"year": 2024}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    book = load_workbook(io.BytesIO(web.get("/tasks.xlsx", params={"year": 2024}).content))
    cells = [c for row in book.active.iter_rows() for c in row]  # type: ignore[union-attr]
    assert all(c.data_type != "f" for c in cells)
    assert any(c.value == "=HYPERLINK(\"http://x\",\"bấm\")" for c in cells)


def test_a_report_job_whose_worker_died_reads_as_interrupted(
        web: TestClient, leader_officer: Account, session: Session) -> None:
    token = _sign_in(web, leader_officer)
    r = web.post("/reports/jobs", data={"year": "2024", "format": "xlsx",
                                        "csrf_token": token}, follow_redirects=False)
    job_page = r.headers["location"]
    for _ in range(600):
        if 'data-status="done"' in web.get(job_page).text:
            break
    # As if the worker making it had been killed before it finished: the job's row names
    # a process that no longer runs (this pid, started at another moment).
    me = this_worker()
    with session.begin():
        row = session.get(JobRow, job_page.rsplit("/", 1)[1])
        assert row is not None
        row.status, row.finished_at = "running", None
        row.worker = Worker(me.host, me.boot, me.pid, me.started + 1).tag
    shown = web.get(job_page).text
    assert 'data-status="interrupted"' in shown and "Bị dừng giữa chừng" in shown
    assert "chưa lưu gì" in shown and 'http-equiv="refresh"' not in shown
    assert 'id="job-file"' not in shown
    assert web.get(f"{job_page}/file").status_code == 409
