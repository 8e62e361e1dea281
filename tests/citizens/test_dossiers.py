"""Dossiers from the one-stop shop: imported idempotently, corrected with history, counted
into the DVC indicators as Decision 766 counts them."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, PrincipalKind, Role
from fansipan.exchange.dossiers_io import read_records
from fansipan.services.citizens.dossier_import import DossierImportSummary, import_dossiers
from fansipan.services.trust.audit import AuditQuery, search_events
from tests.citizens.conftest import figures
from tests.support.accounts import Account

SYSTEM = Principal.system("tests")


def record(number: str, **changes: Any) -> dict[str, Any]:
    base = {"number": number, "procedure_code": "1.001234",
            "procedure_name": "Cấp phiếu lý lịch tư pháp", "agency": "so-tu-phap",
            "unit": "03006", "received_at": "2026-03-02T08:00:00+07:00",
            "due_at": "2026-03-06T17:00:00+07:00", "completed_at": None, "pauses": [],
            "submitted_online": True, "online_service": "full", "fee_payable": True,
            "paid_online": True, "electronic_result": False, "digitised": True}
    return {**base, **changes}


def load(session: Session, records: list[dict[str, Any]], principal: Principal = SYSTEM,
         **options: Any) -> DossierImportSummary:
    body = json.dumps({"dossiers": records}).encode()
    return import_dossiers(session=session, principal=principal,
                           records=read_records(io.BytesIO(body), "json"), **options)


MARCH = ["DVC_TIEP_NHAN", "DVC_DA_GIAI_QUYET", "DVC_TRUOC_HAN", "DVC_DUNG_HAN", "DVC_QUA_HAN",
         "DVC_TY_LE_DUNG_HAN", "DVC_NGAY_GIAI_QUYET_TB", "DVC_TY_LE_NOP_TRUC_TUYEN",
         "DVC_TY_LE_TT_TRUC_TUYEN", "DVC_TY_LE_KQ_DIEN_TU", "DVC_TY_LE_SO_HOA"]


def test_early_on_time_and_late_as_decision_766_counts_them(categories: Session) -> None:
    summary = load(categories, [
        record("HS-1", completed_at="2026-03-05T10:00:00+07:00", electronic_result=True),
        record("HS-2", completed_at="2026-03-06T16:00:00+07:00"),
        # Late by the receipt, but it waited two days for documents: on time.
        record("HS-3", completed_at="2026-03-08T09:00:00+07:00",
               pauses=[{"start": "2026-03-03T08:00:00+07:00", "end": "2026-03-05T12:00:00+07:00"}]),
        record("HS-4", completed_at="2026-03-10T09:00:00+07:00", submitted_online=False,
               paid_online=False, digitised=False),
        record("HS-5"),  # still open
    ])
    assert (summary.created, summary.refused, summary.committed) == (5, 0, True)
    counted = figures(categories, MARCH, "so-tu-phap", "2026-03")
    assert counted["DVC_TIEP_NHAN"] == 5
    assert (counted["DVC_TRUOC_HAN"], counted["DVC_DUNG_HAN"], counted["DVC_QUA_HAN"]) == (
        1, 2, 1)
    assert counted["DVC_TY_LE_DUNG_HAN"] == 75
    assert counted["DVC_TY_LE_NOP_TRUC_TUYEN"] == 80
    assert counted["DVC_TY_LE_TT_TRUC_TUYEN"] == 80
    assert counted["DVC_TY_LE_KQ_DIEN_TU"] == 25
    assert counted["DVC_TY_LE_SO_HOA"] == 80
    # 3d 2h, 4d 8h, 6d 1h less 2d 4h of waiting, 8d 1h: a mean of 4.8 days.
    assert counted["DVC_NGAY_GIAI_QUYET_TB"] == pytest.approx(
        (3 + 2 / 24 + 4 + 8 / 24 + 6 + 1 / 24 - 2 - 4 / 24 + 8 + 1 / 24) / 4, abs=0.05)
    assert figures(categories, ["DVC_TY_LE_DUNG_HAN"], "15", "2026-03") == {
        "DVC_TY_LE_DUNG_HAN": 75}


def test_the_same_file_twice_changes_nothing_and_a_correction_is_kept_with_history(
        categories: Session) -> None:
    first = [record("HS-1", completed_at="2026-03-10T09:00:00+07:00")]
    load(categories, first)
    again = load(categories, first)
    assert (again.created, again.corrected, again.unchanged) == (0, 0, 1)
    assert figures(categories, ["DVC_QUA_HAN"], "so-tu-phap", "2026-03") == {"DVC_QUA_HAN": 1}
    fixed = load(categories, [record("HS-1", completed_at="2026-03-04T09:00:00+07:00")])
    assert fixed.corrected == 1
    after = figures(categories, ["DVC_QUA_HAN", "DVC_TRUOC_HAN"], "so-tu-phap", "2026-03")
    assert after == {"DVC_QUA_HAN": 0, "DVC_TRUOC_HAN": 1}
    from fansipan.services.citizens.dossiers import get_dossier

    shown = get_dossier(session=categories, principal=SYSTEM, number="HS-1")
    assert shown.version == 2 and shown.status == "early"
    assert shown.history[0]["completed_at"] == "2026-03-10T02:00:00+00:00"
    events = search_events(session=categories, principal=SYSTEM,
                           query=AuditQuery(action="dossier.import"))
    assert events[0].detail["corrected_numbers"] == ["HS-1"]


def test_a_moved_completion_moves_the_count_between_months(categories: Session) -> None:
    load(categories, [record("HS-1", completed_at="2026-03-31T16:00:00+07:00")])
    load(categories, [record("HS-1", completed_at="2026-04-01T09:00:00+07:00")])
    assert figures(categories, ["DVC_DA_GIAI_QUYET"], "so-tu-phap", "2026-03") == {
        "DVC_DA_GIAI_QUYET": 0}
    assert figures(categories, ["DVC_DA_GIAI_QUYET"], "so-tu-phap", "2026-04") == {
        "DVC_DA_GIAI_QUYET": 1}


def test_bad_records_are_refused_by_row_and_field_and_nothing_is_saved(
        categories: Session) -> None:
    summary = load(categories, [
        record("HS-1"),
        record("HS-2", due_at="2026-03-01T08:00:00+07:00"),  # before the reception
        record("HS-3", agency="so-khong-co"),
        record("HS-4", received_at="hôm qua"),
        record("HS-5", paid_online=True, fee_payable=False),
        record("HS-1"),
    ])
    assert (summary.refused, summary.committed, summary.created) == (5, False, 0)
    fields = {(p["row"], p["field"]) for p in summary.problems}
    assert {(2, "due_at"), (3, "agency"), (4, "received_at"), (5, "paid_online"),
            (6, "number")} <= fields
    assert figures(categories, ["DVC_TIEP_NHAN"], "so-tu-phap", "2026-03") == {
        "DVC_TIEP_NHAN": None}
    partial = load(categories, [record("HS-1"), record("HS-3", agency="so-khong-co")],
                   atomic=False)
    assert (partial.created, partial.refused, partial.committed) == (1, 1, True)


def test_an_agency_imports_only_its_own_dossiers(categories: Session,
                                                 make_account: Callable[..., Account]) -> None:
    justice = make_account(Role.OFFICER, units=["so-tu-phap"], units_as_of="2026-01-01",
                           kind=PrincipalKind.CLIENT).principal
    summary = load(categories, [record("HS-1"), record("HS-2", agency="so-xay-dung")],
                   principal=justice)
    assert summary.refused == 1 and summary.problems[0]["field"] == "agency"
    assert "outside" in summary.problems[0]["message"]


def test_csv_and_xlsx_read_the_same_dossiers(categories: Session) -> None:
    csv_text = ("Số hồ sơ;Mã thủ tục;Tên thủ tục;Cơ quan giải quyết;Địa bàn;Ngày tiếp nhận;"
                "Ngày hẹn trả;Ngày hoàn thành;Chờ bổ sung;Nộp trực tuyến;Mức độ DVC\n"
                "HS-9;1.0001;Đăng ký kết hôn;03006;03006;02/03/2026 08:00;04/03/2026;"
                "04/03/2026 15:00;02/03/2026 10:00 - 03/03/2026 10:00;có;toàn trình\n")
    rows = list(read_records(io.BytesIO(csv_text.encode()), "csv"))
    summary = import_dossiers(session=categories, principal=SYSTEM, records=rows)
    assert summary.created == 1, summary.problems
    book = Workbook()
    sheet = book.active
    sheet.append(["Xuất từ hệ thống một cửa"])
    sheet.append(["number", "procedure_code", "agency", "unit", "received_at", "due_at",
                  "completed_at"])
    sheet.append(["HS-10", "1.0001", "03006", "03006", "2026-03-02T08:00:00+07:00",
                  "2026-03-03", "2026-03-05T08:00:00+07:00"])
    out = io.BytesIO()
    book.save(out)
    summary = import_dossiers(session=categories, principal=SYSTEM,
                              records=read_records(io.BytesIO(out.getvalue()), "xlsx"))
    assert summary.created == 1, summary.problems
    counted = figures(categories, ["DVC_TRUOC_HAN", "DVC_QUA_HAN"], "03006", "2026-03")
    # HS-9 waited a day for documents, so its day moved to 5 March: done on the 4th, early.
    assert counted == {"DVC_TRUOC_HAN": 1, "DVC_QUA_HAN": 1}
