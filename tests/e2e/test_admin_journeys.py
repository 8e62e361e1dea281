"""Administration in a real browser (`-m e2e`): an administrator creates an account,
resets its password and disables it; the audit log finds those changes and the values a
data write changed, and downloads the search; a connected system is registered, given a
key, and its requests found in the exchange log; every page in Vietnamese and English."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Server, shoot, sign_in

pytestmark = pytest.mark.e2e

ADMIN = "quantri.e2e"
APPROVER = "pheduyet.e2e"


@pytest.fixture(scope="module")
def admin(demo_server: Server) -> str:
    """An administrator of the demo store, and one officer's data write to find."""
    from fansipan.domain.access import Role
    from fansipan.services.warehouse.approvals import change_state
    from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
    from fansipan.settings import Settings
    from fansipan.store.engine import make_engine, make_session_factory
    from tests.support.accounts import make_account

    engine = make_engine(demo_server.store_url)
    with make_session_factory(engine)() as session:
        settings = Settings(data_dir=Path(demo_server.shots))  # only its password rules
        account = make_account(session, settings, Role.ADMIN, username=ADMIN)
        officer = make_account(session, settings, Role.OFFICER, username="nhaplieu.e2e")
        for value in (41, 43):
            write_values(session=session, principal=officer.principal, source="web",
                         items=[DataValueWrite(indicator="VT_TRAM_5G", unit="02683",
                                               period="2025-09", value=value)])
        make_account(session, settings, Role.APPROVER, username=APPROVER)
        change_state(session=session, principal=officer.principal, unit="02683",
                     period="2025-09", action="submit")
    engine.dispose()
    return account.password or ""


def _add_leader(page: Any, username: str) -> None:
    """Fill the people page's form for a leader of every unit and wait for the password."""
    page.fill("#p-username", username)
    page.fill("#p-name", "Phó trưởng phòng (minh họa)")
    page.check("#new-person input[value=leader]")
    page.check("#p-all")
    page.click("#new-person button[type=submit]")
    page.wait_for_selector("#secret")


def test_an_administrator_creates_resets_and_disables_an_account(
        page: Any, demo_server: Server, admin: str) -> None:
    sign_in(page, demo_server, ADMIN, admin)
    page.click("nav.main-nav a[href='/admin/people']")
    page.wait_for_selector("#people-table")
    assert page.locator("h1").inner_text() == "Người dùng"
    _add_leader(page, "pho.phong.e2e")
    first = page.locator("#secret code").inner_text()
    assert len(first) >= 12
    assert "Đã tạo tài khoản pho.phong.e2e." in page.locator("p.ok").inner_text()
    row = page.locator("#people-table tr", has_text="pho.phong.e2e")
    assert "Lãnh đạo" in row.inner_text() or "lãnh đạo" in row.inner_text()
    assert "Mọi đơn vị" in row.inner_text()
    shoot(page, demo_server, "admin-people", full=True)
    row.locator("a").click()
    page.wait_for_selector("#person-facts")
    assert "Tắt" in page.locator("#person-totp").inner_text()
    page.click("button[value=reset_password]")
    page.wait_for_selector("#secret")
    assert page.locator("#secret code").inner_text() != first
    page.click("button[value=disable]")
    page.wait_for_selector("p.ok")
    assert "Đã khóa" in page.locator("#person-status").inner_text()
    assert page.locator("button[value=enable]").count() == 1
    shoot(page, demo_server, "admin-person", full=True)
    page.goto(f"{demo_server.url}/admin/people/pho.phong.e2e?lang=en")
    assert "Disabled" in page.locator("#person-status").inner_text()
    assert page.locator("button[value=enable]").inner_text() == "Enable the account"
    shoot(page, demo_server, "admin-person-en", full=True)
    page.goto(f"{demo_server.url}/admin/people?lang=en")
    assert page.locator("h1").inner_text() == "People"
    shoot(page, demo_server, "admin-people-en", full=True)


def test_the_audit_log_finds_who_changed_what_and_downloads_it(
        page: Any, demo_server: Server, admin: str) -> None:
    sign_in(page, demo_server, ADMIN, admin)
    # An account of its own, so the search does not depend on which test ran before.
    page.goto(f"{demo_server.url}/admin/people")
    _add_leader(page, "kiem.tra.e2e")
    page.goto(f"{demo_server.url}/admin/audit")
    page.fill("#f-actor", "nhaplieu.e2e")
    page.select_option("#f-action", "data.")
    page.click("#audit-search button[type=submit]")
    page.wait_for_url(re.compile(r"actor=nhaplieu.e2e"))
    rows = page.locator("#audit-table tbody tr")
    assert rows.count() == 2
    shoot(page, demo_server, "admin-audit", full=True)
    rows.first.locator("a").click()
    page.wait_for_selector("#changes-table")
    change = page.locator("#changes-table tbody tr").inner_text()
    assert "VT_TRAM_5G" in change and "41" in change and "43" in change and "sửa" in change
    shoot(page, demo_server, "admin-audit-event", full=True)
    page.goto(f"{page.url}?lang=en")
    assert "changed" in page.locator("#changes-table tbody tr").inner_text()
    shoot(page, demo_server, "admin-audit-event-en", full=True)
    page.goto(f"{demo_server.url}/admin/audit?action=user.&lang=en")
    found = page.locator("#audit-table tbody").inner_text()
    assert "user.create" in found and "kiem.tra.e2e" in found
    shoot(page, demo_server, "admin-audit-en", full=True)
    with page.expect_download() as download:
        page.click("p.downloads a[href^='/admin/audit.csv']")
    body = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    assert table[0][:3] == ["Sự kiện", "Thời điểm", "Người thực hiện"]  # the chosen language
    assert any(r[4] == "user.create" and r[5] == "kiem.tra.e2e" for r in table[1:])


def test_an_approver_approves_and_locks_then_unlocks_with_a_reason(
        page: Any, demo_server: Server, admin: str) -> None:
    sign_in(page, demo_server, APPROVER, admin)
    page.click("nav.main-nav a[href='/admin/approvals']")
    page.wait_for_selector("#approvals-table")
    row = page.locator("#approvals-table tbody tr", has_text="Tháng 9/2025")
    assert "Xã Bát Xát" in row.inner_text() and "chờ phê duyệt" in row.inner_text()
    shoot(page, demo_server, "admin-approvals", full=True)
    row.locator("input[name=comment]").fill("Đã đối chiếu với báo cáo của xã (minh họa)")
    row.locator("button[value=approve]").click()
    page.wait_for_selector("p.ok")
    assert "Đã phê duyệt và khóa" in page.locator("p.ok").inner_text()
    page.select_option("#a-state", "approved")
    page.click("#approvals-filter button[type=submit]")
    row = page.locator("#approvals-table tbody tr", has_text="Tháng 9/2025")
    assert "đã phê duyệt, khóa" in row.inner_text()
    row.locator("button[value=reopen]").click()  # no reason: refused, still locked
    page.wait_for_selector(".errors")
    assert "lý do" in page.locator(".errors").inner_text()
    row = page.locator("#approvals-table tbody tr", has_text="Tháng 9/2025")
    row.locator("input[name=comment]").fill("Xã gửi lại số trạm 5G tháng 9 (minh họa)")
    row.locator("button[value=reopen]").click()
    page.wait_for_selector("p.ok")
    assert "Đã mở lại" in page.locator("p.ok").inner_text()
    page.goto(f"{demo_server.url}/admin/approvals?state=all&lang=en")
    row = page.locator("#approvals-table tbody tr", has_text="September 2025")
    assert "open" in row.inner_text() and "Xã gửi lại" in row.inner_text()
    shoot(page, demo_server, "admin-approvals-en", full=True)


MERGER_PLAN = {
    "effective": "2026-07-01", "act": "Nghị quyết thử (minh họa)",
    "units": [{"code": "02683", "name_vi": "Xã Bát Xát", "name_en": "Bat Xat commune",
               "level": "commune", "parent_code": "15"}],
    "successions": [{"old_code": "02683", "new_code": "02683"},
                    {"old_code": "02686", "new_code": "02683"}],
}


def test_an_administrator_finds_adds_units_and_runs_a_reorganisation_dry(
        page: Any, demo_server: Server, admin: str) -> None:
    import json

    sign_in(page, demo_server, ADMIN, admin)
    page.click("nav.main-nav a[href='/admin/people']")
    page.click("nav.admin-nav a[href='/admin/units']")
    page.wait_for_selector("#units-table")
    assert page.locator("h1").inner_text() == "Đơn vị"
    page.fill("#f-q", "bat xat")
    page.click("#units-filter button[type=submit]")
    page.wait_for_url(re.compile(r"q=bat\+xat"))
    rows = page.locator("#units-table tbody")
    assert "Xã Bát Xát" in rows.inner_text() and "Huyện Bát Xát" in rows.inner_text()
    assert "đã kết thúc" in rows.inner_text() and "còn hiệu lực" in rows.inner_text()
    shoot(page, demo_server, "admin-units", full=True)
    page.click("#new-unit")
    page.select_option("#u-level", "agency")
    page.fill("#u-code", "bql-kkt-e2e")
    page.fill("#u-name", "Ban Quản lý Khu kinh tế (minh họa)")
    page.fill("#u-parent", "15")
    page.click("#new-unit-form button[type=submit]")
    page.wait_for_selector("p.ok")
    assert "Đã thêm đơn vị bql-kkt-e2e" in page.locator("p.ok").inner_text()
    page.locator("#units-table a", has_text="bql-kkt-e2e").click()
    page.fill("#e-name-en", "Economic Zone Authority (illustrative)")
    page.click("#edit-unit-form button[type=submit]")
    page.wait_for_selector("p.ok")
    assert "Economic Zone Authority" in page.locator("#unit-facts").inner_text()
    page.goto(f"{demo_server.url}/admin/units?level=district&lang=en")
    assert page.locator("h1").inner_text() == "Units"
    assert "ended" in page.locator("#units-table tbody").inner_text()
    shoot(page, demo_server, "admin-units-en", full=True)
    page.goto(f"{demo_server.url}/admin/units/reorganise")
    page.set_input_files("#r-file", files=[{"name": "sap-xep-minh-hoa.json",
                                            "mimeType": "application/json",
                                            "buffer": json.dumps(MERGER_PLAN).encode()}])
    page.click("#reorganise-upload button[type=submit]")
    page.wait_for_selector("#reorganise-report")
    assert "Chạy thử" in page.locator("#h-report").inner_text()
    assert page.locator("#n-created").inner_text().startswith("1")
    mapped = page.locator("#mapped-table tbody").inner_text()
    assert "Xã A Mú Sung" in mapped and "02683" in mapped
    assert page.locator("#reorganise-apply button").count() == 1
    shoot(page, demo_server, "admin-reorganise-dry-run", full=True)
    page.goto(f"{demo_server.url}/lang/en?next=/admin/units/reorganise")
    page.set_input_files("#r-file", files=[{"name": "reorganisation-illustrative.json",
                                            "mimeType": "application/json",
                                            "buffer": json.dumps(MERGER_PLAN).encode()}])
    page.click("#reorganise-upload button[type=submit]")
    page.wait_for_selector("#reorganise-report")
    assert "Dry run" in page.locator("#h-report").inner_text()
    shoot(page, demo_server, "admin-reorganise-dry-run-en", full=True)
    page.goto(f"{demo_server.url}/lang/vi?next=/admin/units")
    # Nothing changed: A Mú Sung is still in force, and nothing is loaded without Apply.
    page.goto(f"{demo_server.url}/admin/units?q=02686&status=current")
    assert "Xã A Mú Sung" in page.locator("#units-table tbody").inner_text()


def test_an_administrator_adds_a_derived_indicator_previews_and_changes_it(
        page: Any, demo_server: Server, admin: str) -> None:
    sign_in(page, demo_server, ADMIN, admin)
    page.goto(f"{demo_server.url}/admin/people")
    page.click("nav.admin-nav a[href='/admin/catalogue']")
    page.wait_for_selector("#catalogue-table")
    assert page.locator("h1").inner_text() == "Danh mục chỉ tiêu"
    page.fill("#f-q", "dan so")
    page.click("#catalogue-filter button[type=submit]")
    page.wait_for_url(re.compile(r"q=dan"))
    assert "CDS_DAN_SO" in page.locator("#catalogue-table tbody").inner_text()
    assert "Dân số" in page.locator("#catalogue-table tbody").inner_text()
    shoot(page, demo_server, "admin-catalogue", full=True)
    page.goto(f"{demo_server.url}/admin/catalogue?sector=telecom&lang=en")
    assert page.locator("h1").inner_text() == "Indicator catalogue"
    listed = page.locator("#catalogue-table tbody").inner_text()
    assert "derived" in listed and "Telecommunications" in listed
    shoot(page, demo_server, "admin-catalogue-en", full=True)

    page.goto(f"{demo_server.url}/admin/catalogue")
    page.click("#new-indicator")
    page.wait_for_selector("#indicator-form")
    page.fill("#i-code", "CDS_HO_CHUA_INTERNET")
    page.fill("#i-name_vi", "Số hộ gia đình chưa có kết nối Internet (minh họa)")
    page.fill("#i-name_en", "Households without an internet connection (illustrative)")
    page.fill("#i-unit_vi", "hộ")
    page.fill("#i-unit_en", "households")
    page.select_option("#i-sector", "it_dx")
    page.select_option("#i-value_type", "integer")
    page.select_option("#i-agg_units", "none")
    page.select_option("#i-agg_time", "none")
    page.select_option("#i-direction", "down")
    page.select_option("#i-periodicity", "year")
    page.check("#i-levels input[value=commune]")
    page.fill("#i-formula", "CDS_TONG_HO_GD - CDS_HO_CO_INTERNETT")
    page.click("#preview-button")
    page.wait_for_selector("#err-formula")
    said = page.locator("#err-formula").inner_text()
    assert "CDS_HO_CO_INTERNETT" in said and "CDS_HO_CO_INTERNET" in said
    page.fill("#i-formula", "CDS_TONG_HO_GD - CDS_HO_CO_INTERNET")
    page.fill("#i-preview_units", "15, 02647, 03006")
    page.fill("#i-preview_periods", "2024, 2025")
    page.click("#preview-button")
    page.wait_for_selector("#preview-table")
    cells = page.locator("#preview-table tbody").inner_text()
    assert "2024" in cells and "2025" in cells and re.search(r"\d\.\d{3}", cells)
    shoot(page, demo_server, "admin-indicator-edit", full=True)
    page.click("#save-button")
    page.wait_for_selector("#indicator-facts")
    assert "Đã thêm chỉ tiêu." in page.locator("p.ok").inner_text()
    assert "CDS_TONG_HO_GD - CDS_HO_CO_INTERNET" in page.locator("#indicator-formula").inner_text()

    page.click("#edit-indicator")
    page.wait_for_selector("#indicator-form")
    page.fill("#i-name_vi", "Số hộ chưa có Internet (minh họa)")
    page.fill("#i-decimals", "1")
    page.fill("#i-effective_from", "2025-01-01")
    page.fill("#i-note", "Tên ngắn gọn hơn cho báo cáo (minh họa)")
    page.click("#save-button")
    page.wait_for_selector("#versions-table")
    latest = page.locator("#versions-table tbody tr").first.inner_text()
    assert "01/01/2025" in latest and ADMIN in latest
    assert "Số hộ chưa có Internet (minh họa)" in latest and "→" in latest
    assert page.locator("#versions-table tbody tr").count() == 2
    shoot(page, demo_server, "admin-indicator-history", full=True)
    page.goto(f"{page.url.split('?')[0]}?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#versions-table tbody tr").count() == 2
    shoot(page, demo_server, "admin-indicator-history-en", full=True)
    # The same form in English, its preview on the stored values.
    page.goto(f"{demo_server.url}/lang/en?next=/admin/catalogue/CDS_HO_CHUA_INTERNET/edit")
    page.wait_for_selector("#indicator-form")
    assert page.locator("h1").inner_text() == "Change CDS_HO_CHUA_INTERNET"
    page.fill("#i-preview_units", "15, 02647, 03006")
    page.fill("#i-preview_periods", "2024, 2025")
    page.click("#preview-button")
    page.wait_for_selector("#preview-table")
    assert "Formula read as" in page.locator("#preview").inner_text()
    shoot(page, demo_server, "admin-indicator-edit-en", full=True)


def _call(server: Server, path: str, system: str, key: str) -> int:
    """One request of a connected system, signed in with its id and key (HTTP Basic)."""
    import httpx

    return httpx.get(f"{server.url}{path}", auth=(system, key), timeout=30).status_code


SYSTEM = "lgsp.so-yte"


def test_an_administrator_registers_a_system_gives_it_a_key_and_reads_its_log(
        page: Any, demo_server: Server, admin: str) -> None:
    from fansipan.domain.access import Principal
    from fansipan.services.exchange.outbound import DestinationCreate, allow_destination
    from fansipan.store.engine import make_engine, make_session_factory

    engine = make_engine(demo_server.store_url)
    with make_session_factory(engine)() as session:  # where the province's parent listens
        allow_destination(session=session, principal=Principal.system("e2e"),
                          data=DestinationCreate(entry="127.0.0.1", note="minh họa"))
    engine.dispose()
    sign_in(page, demo_server, ADMIN, admin)
    page.goto(f"{demo_server.url}/admin/people")
    page.click("nav.admin-nav a[href='/admin/systems']")
    page.wait_for_selector("#new-client")
    assert page.locator("h1").inner_text() == "Hệ thống kết nối"
    page.fill("#c-name", SYSTEM)
    page.select_option("#c-agency", "so-y-te")
    page.fill("#c-contact", "Phòng CNTT Sở Y tế, 0214 3840 123 (minh họa)")
    page.check("#c-access input[name=write]")
    page.fill("#c-units", "1")  # not a unit: refused beside the field, nothing made
    page.click("#new-client button[type=submit]")
    page.wait_for_selector("#err-c-units")
    assert "1" in page.locator("#err-c-units").inner_text()
    assert page.locator("#c-contact").input_value().startswith("Phòng CNTT Sở Y tế")
    page.fill("#c-units", "15")
    page.click("#new-client button[type=submit]")
    page.wait_for_selector("#secret")
    first = page.locator("#secret code").inner_text()
    assert first.startswith("fsp_") or len(first) > 20
    assert f"Đã đăng ký hệ thống kết nối {SYSTEM}." in page.locator("p.ok").inner_text()
    # The system calls: it reads a data set and posts a value it may write.
    dvs = "/dhis2/api/dataValueSets?dataElement=VT_TRAM_5G&orgUnit=15&period=2025&idScheme=CODE"
    assert _call(demo_server, dvs, SYSTEM, first) == 200
    assert _call(demo_server, "/api/v1/indicators", SYSTEM, first) == 200
    assert _call(demo_server, "/api/v1/users", SYSTEM, first) == 403  # not its business
    page.fill("#t-name", "LGSP 2026 (minh họa)")
    page.fill("#t-days", "180")
    page.click("#token-form button[type=submit]")
    page.wait_for_selector("#secret")
    second = page.locator("#secret code").inner_text()
    assert second != first and "Đã cấp khóa LGSP 2026" in page.locator("p.ok").inner_text()
    assert page.locator("#tokens-table tbody tr").count() == 2
    logged = page.locator("#log-table tbody").inner_text()
    assert "/dhis2/api/dataValueSets" in logged and "403" in logged
    shoot(page, demo_server, "admin-system", full=True)
    page.goto(f"{demo_server.url}/admin/systems/clients/{SYSTEM}?lang=en")
    assert second not in page.content() and first not in page.content()  # shown once only
    assert page.locator("#client-status").inner_text() == "Active"
    assert "refused" in page.locator("#log-table").inner_text()
    shoot(page, demo_server, "admin-system-en", full=True)
    assert page.locator("#full-log").get_attribute("href").startswith(
        f"/admin/systems?client={SYSTEM}")
    page.goto(f"{demo_server.url}/admin/systems?client={SYSTEM}&lang=en")
    assert page.locator("#log-table tbody tr").count() == 3
    assert "refused" in page.locator("#log-table").inner_text()
    shoot(page, demo_server, "admin-systems-en", full=True)

    # A connector that sends the province's 5G stations up to a parent instance.
    page.goto(f"{demo_server.url}/admin/systems")
    page.fill("#k-name", "gui.so-lieu.trung-uong")
    page.select_option("#k-kind", "push")
    page.select_option("#k-agency", "so-kh-cn")
    page.fill("#k-url", "http://127.0.0.1:9/dhis2/api")
    page.fill("#k-units", "15")
    page.fill("#k-indicators", "VT_TRAM_5G, VT_TRAM_BTS")
    page.fill("#k-periods", "LAST_12_MONTHS")
    page.fill("#k-schedule_minutes", "1440")
    page.click("#new-connector button[type=submit]")
    page.wait_for_selector("#connector-facts")
    assert "Đã thêm kết nối gui.so-lieu.trung-uong." in page.locator("p.ok").inner_text()
    page.fill("#e-schedule_minutes", "720")
    page.click("#connector-save")
    page.wait_for_selector("p.ok")
    assert "Đã lưu kết nối." in page.locator("p.ok").inner_text()
    assert "720" in page.locator("#connector-facts").inner_text()
    shoot(page, demo_server, "admin-connector", full=True)
    page.goto(f"{demo_server.url}/admin/systems?client={SYSTEM}")
    assert SYSTEM in page.locator("#clients-table").inner_text()
    assert "gui.so-lieu.trung-uong" in page.locator("#connectors-table").inner_text()
    shoot(page, demo_server, "admin-systems", full=True)
    page.goto(f"{demo_server.url}/admin/systems/connectors/gui.so-lieu.trung-uong?lang=en")
    assert page.locator("#h-conn").inner_text() == "Sends data out"
    shoot(page, demo_server, "admin-connector-en", full=True)
