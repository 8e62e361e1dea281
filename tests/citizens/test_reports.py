"""A field report's life through the services: placed, routed, counted, handled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, PrincipalKind, Role
from fansipan.domain.local_time import VIETNAM
from fansipan.domain.service_request_states import Action
from fansipan.errors import Conflict, PermissionDenied, ValidationError
from fansipan.services.citizens.reports import (
    InboxQuery,
    StateFilter,
    get_public_report,
    get_staff_report,
    list_reports,
)
from fansipan.services.citizens.workflow import StepWrite, rate_report, take_step
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from tests.citizens.conftest import HANOI, MONDAY, figures, landslide, submit
from tests.support.accounts import Account

COUNTS = ["PAKN_TIEP_NHAN", "PAKN_THUOC_THAM_QUYEN", "PAKN_DA_XU_LY", "PAKN_DUNG_HAN",
          "PAKN_QUA_HAN", "PAKN_NGAY_XU_LY"]


def test_a_landslide_goes_to_construction_with_a_deadline_of_one_working_day(
        categories: Session) -> None:
    receipt = submit(categories, landslide())
    assert receipt.request_id == "PA-2026-000001"
    assert receipt.agency == "so-xay-dung"
    assert receipt.agency_name == "Sở Xây dựng tỉnh Lào Cai"
    assert receipt.expected_at == datetime(2026, 3, 3, 23, 59, 59, tzinfo=VIETNAM)
    assert "Sở Xây dựng" in receipt.service_notice and "03/03/2026" in receipt.service_notice
    second = submit(categories, landslide(), at=MONDAY + timedelta(minutes=5))
    assert second.request_id == "PA-2026-000002"
    counted = figures(categories, COUNTS, "so-xay-dung", "2026-03")
    assert counted["PAKN_TIEP_NHAN"] == 2 and counted["PAKN_DA_XU_LY"] == 0


def test_a_friday_report_is_due_on_monday(categories: Session) -> None:
    friday = datetime(2026, 3, 6, 16, 0, tzinfo=VIETNAM)
    receipt = submit(categories, landslide(), at=friday)
    assert receipt.expected_at == datetime(2026, 3, 9, 23, 59, 59, tzinfo=VIETNAM)


def test_a_point_outside_the_province_is_refused_and_nothing_is_stored(
        categories: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(categories, landslide(point=HANOI))
    assert {e.field for e in caught.value.errors} == {"lat", "long"}
    assert "Hà Nội" in caught.value.errors[0].message
    assert figures(categories, ["PAKN_TIEP_NHAN"], "15", "2026-03")["PAKN_TIEP_NHAN"] is None


def test_a_commune_of_another_day_is_refused(categories: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        submit(categories, landslide(commune="02635"))  # merged into Phường Lào Cai in 2025
    assert caught.value.errors[0].field == "commune"


def test_the_commune_is_found_in_the_address_and_routes_the_water_report(
        categories: Session) -> None:
    from fansipan.domain.service_requests import Answer

    found = submit(categories, landslide(point=None, commune=None, service_code="MAT_NUOC",
                                         answers=(Answer("LOAI", ("mat_nuoc",)),)))
    assert found.commune == "03037" and found.commune_found  # Xã Tả Van
    assert found.agency == "03037"  # communes deal with water outside the wards
    ward = submit(categories, landslide(service_code="MAT_NUOC",
                                        answers=(Answer("LOAI", ("vo_ong",)),)),
                  at=MONDAY + timedelta(hours=1))
    assert ward.agency == "cap-nuoc-lao-cai"  # the routing table's exception for Sa Pa


def test_without_a_commune_a_communes_category_waits_for_triage(categories: Session) -> None:
    receipt = submit(categories, landslide(commune=None, service_code="RAC_THAI", answers=()))
    assert receipt.agency is None
    assert "phân loại" in receipt.service_notice
    counted = figures(categories, ["PAKN_TIEP_NHAN"], "ioc-lao-cai", "2026-03")
    assert counted["PAKN_TIEP_NHAN"] == 1


def test_resolved_by_its_body_on_time_counts_in_the_on_time_rates(
        categories: Session, staff: dict[str, Account]) -> None:
    first = submit(categories, landslide())
    late = submit(categories, landslide(), at=MONDAY + timedelta(minutes=1))
    officer = staff["xay_dung"].principal
    take_step(session=categories, principal=officer, request_id=first.request_id,
              data=StepWrite(action=Action.START), at=MONDAY + timedelta(hours=2))
    take_step(session=categories, principal=officer, request_id=first.request_id,
              data=StepWrite(action=Action.RESOLVE, public_note="Đã dọn đất đá, thông xe"),
              at=MONDAY + timedelta(hours=6))
    take_step(session=categories, principal=officer, request_id=late.request_id,
              data=StepWrite(action=Action.RESOLVE), at=MONDAY + timedelta(days=3))
    counted = figures(categories, [*COUNTS, "PAKN_TY_LE_DUNG_HAN", "PAKN_NGAY_XU_LY_TB"],
                      "15", "2026-03")
    assert counted["PAKN_DA_XU_LY"] == 2
    assert counted["PAKN_DUNG_HAN"] == 1 and counted["PAKN_QUA_HAN"] == 1
    assert counted["PAKN_TY_LE_DUNG_HAN"] == 50
    assert counted["PAKN_NGAY_XU_LY_TB"] == pytest.approx((0.25 + 3 - 1 / 1440) / 2, abs=1e-3)
    view = get_public_report(session=categories, request_id=first.request_id,
                             at=MONDAY + timedelta(days=1))
    assert view.state == "resolved" and view.status == "closed"
    assert view.status_notes == "Đã dọn đất đá, thông xe"
    assert [s.action for s in view.history] == ["receive", "assign", "start", "resolve"]


def test_another_body_can_neither_see_nor_handle_the_report(
        categories: Session, staff: dict[str, Account]) -> None:
    receipt = submit(categories, landslide())
    power = staff["dien_luc"].principal
    with pytest.raises(PermissionDenied):
        get_staff_report(session=categories, principal=power, request_id=receipt.request_id)
    with pytest.raises(PermissionDenied):
        take_step(session=categories, principal=power, request_id=receipt.request_id,
                  data=StepWrite(action=Action.RESOLVE))
    inbox = list_reports(session=categories, principal=power, query=InboxQuery())
    assert inbox.items == [] and inbox.open == 0
    mine = list_reports(session=categories, principal=staff["xay_dung"].principal,
                        query=InboxQuery())
    assert [i.report.request_id for i in mine.items] == [receipt.request_id]
    everyone = list_reports(session=categories, principal=staff["ioc"].principal,
                            query=InboxQuery())
    assert [i.report.request_id for i in everyone.items] == [receipt.request_id]


def test_reassignment_moves_the_report_and_its_count(
        categories: Session, staff: dict[str, Account]) -> None:
    receipt = submit(categories, landslide())
    take_step(session=categories, principal=staff["xay_dung"].principal,
              request_id=receipt.request_id,
              data=StepWrite(action=Action.ASSIGN, agency="dien-luc-lao-cai",
                             internal_note="Cột điện đổ theo đất"), at=MONDAY + timedelta(hours=1))
    assert figures(categories, ["PAKN_TIEP_NHAN"], "so-xay-dung", "2026-03") == {
        "PAKN_TIEP_NHAN": 0}
    assert figures(categories, ["PAKN_TIEP_NHAN"], "dien-luc-lao-cai", "2026-03") == {
        "PAKN_TIEP_NHAN": 1}
    with pytest.raises(PermissionDenied):
        take_step(session=categories, principal=staff["xay_dung"].principal,
                  request_id=receipt.request_id, data=StepWrite(action=Action.START))
    done = take_step(session=categories, principal=staff["dien_luc"].principal,
                     request_id=receipt.request_id, data=StepWrite(action=Action.START),
                     at=MONDAY + timedelta(hours=2))
    assert done.state == "in_progress"


def test_an_unknown_body_and_an_illegal_step_change_nothing(
        categories: Session, staff: dict[str, Account]) -> None:
    receipt = submit(categories, landslide())
    officer = staff["xay_dung"].principal
    with pytest.raises(ValidationError) as bad_body:
        take_step(session=categories, principal=officer, request_id=receipt.request_id,
                  data=StepWrite(action=Action.ASSIGN, agency="so-khong-co"))
    assert bad_body.value.errors[0].field == "agency"
    with pytest.raises(Conflict) as illegal:
        take_step(session=categories, principal=officer, request_id=receipt.request_id,
                  data=StepWrite(action=Action.CLOSE))
    assert "allowed now" in illegal.value.errors[0].message
    view = get_staff_report(session=categories, principal=officer,
                            request_id=receipt.request_id)
    assert [s.action for s in view.steps] == ["receive", "assign"]


def test_the_public_never_sees_personal_data(categories: Session,
                                             staff: dict[str, Account]) -> None:
    receipt = submit(categories, landslide(description="Gọi tôi 0987 654 321 hoặc an@x.vn"))
    take_step(session=categories, principal=staff["xay_dung"].principal,
              request_id=receipt.request_id,
              data=StepWrite(action=Action.COMMENT, internal_note="Ông An, nhà số 5",
                             public_note="Đang cử người"), at=MONDAY + timedelta(hours=1))
    public = get_public_report(session=categories, request_id=receipt.request_id)
    text = public.model_dump_json()
    for secret in ("Nguyễn", "an@example.vn", "0912 345 678", "0987 654 321", "an@x.vn",
                   "Ông An", "QL4D", staff["xay_dung"].username):
        assert secret not in text, secret
    assert "Đang cử người" in text
    handler = get_staff_report(session=categories, principal=staff["xay_dung"].principal,
                               request_id=receipt.request_id)
    assert handler.reporter is not None and handler.reporter.phone == "0912 345 678"
    assert handler.steps[-1].internal_note == "Ông An, nhà số 5"
    leader = get_staff_report(session=categories, principal=staff["leader"].principal,
                              request_id=receipt.request_id)
    assert leader.reporter is None and not leader.may_handle


def test_the_inbox_puts_overdue_reports_first(categories: Session,
                                              staff: dict[str, Account]) -> None:
    old = submit(categories, landslide())  # due Tuesday 3 March
    newer = submit(categories, landslide(), at=MONDAY + timedelta(days=7))  # due 10 March
    inbox = list_reports(session=categories, principal=staff["xay_dung"].principal,
                         query=InboxQuery(), at=MONDAY + timedelta(days=8))
    assert [i.report.request_id for i in inbox.items] == [old.request_id, newer.request_id]
    assert [i.report.overdue for i in inbox.items] == [True, False]
    assert inbox.overdue == 1 and inbox.open == 2
    only = list_reports(session=categories, principal=staff["xay_dung"].principal,
                        query=InboxQuery(states=StateFilter.OVERDUE),
                        at=MONDAY + timedelta(days=8))
    assert [i.report.request_id for i in only.items] == [old.request_id]


def test_the_citizen_rates_with_the_key_and_the_satisfaction_rate_follows(
        categories: Session, staff: dict[str, Account]) -> None:
    receipt = submit(categories, landslide())
    take_step(session=categories, principal=staff["xay_dung"].principal,
              request_id=receipt.request_id, data=StepWrite(action=Action.RESOLVE),
              at=MONDAY + timedelta(hours=3))
    with pytest.raises(PermissionDenied):
        rate_report(session=categories, principal=Principal.anonymous(),
                    request_id=receipt.request_id, key="wrong", satisfied=False)
    rate_report(session=categories, principal=Principal.anonymous(),
                request_id=receipt.request_id, key=receipt.rating_key, satisfied=False,
                at=MONDAY + timedelta(hours=4))
    counted = figures(categories, ["PAKN_KHONG_HAI_LONG", "PAKN_TY_LE_HAI_LONG"], "15",
                      "2026-03")
    assert counted == {"PAKN_KHONG_HAI_LONG": 1, "PAKN_TY_LE_HAI_LONG": 0}


def test_counted_indicators_cannot_be_entered_by_hand(categories: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        write_values(session=categories, actor="tests", source="records", items=[
            DataValueWrite(indicator="PAKN_TIEP_NHAN", unit="so-xay-dung", period="2026-03",
                           value=5)])
    assert "counted from" in caught.value.errors[0].message


def test_the_deadline_skips_the_tet_holiday(categories: Session) -> None:
    # Friday 13 February 2026, three working days to fix a road: Tết closes 16-20 February.
    receipt = submit(categories, landslide(service_code="HU_HONG_DUONG", answers=()),
                     at=datetime(2026, 2, 13, 10, 0, tzinfo=VIETNAM))
    assert receipt.expected_at == datetime(2026, 2, 27, 23, 59, 59, tzinfo=VIETNAM)


def test_a_past_figure_is_had_again_as_of_any_change_and_day(
        categories: Session, staff: dict[str, Account]) -> None:
    from fansipan.services.citizens.snapshots import figure_history

    officer = staff["xay_dung"].principal
    first = submit(categories, landslide())
    take_step(session=categories, principal=officer, request_id=first.request_id,
              data=StepWrite(action=Action.RESOLVE), at=MONDAY + timedelta(hours=3))
    second = submit(categories, landslide(), at=MONDAY + timedelta(days=1))
    take_step(session=categories, principal=officer, request_id=second.request_id,
              data=StepWrite(action=Action.RESOLVE), at=MONDAY + timedelta(days=5))
    now = figure_history(session=categories, principal=staff["leader"].principal,
                         indicator="PAKN_TY_LE_DUNG_HAN", unit="15", period="2026-03")
    assert now.value == 50
    assert figures(categories, ["PAKN_TY_LE_DUNG_HAN"], "15", "2026-03") == {
        "PAKN_TY_LE_DUNG_HAN": 50}
    # Every step moved the counts: the figure after the first resolution was 100 %.
    values = [p.value for p in now.changes]
    assert 100 in values and values[-1] == 50
    after_first = next(p.change for p in now.changes if p.value == 100)
    then = figure_history(session=categories, principal=staff["leader"].principal,
                          indicator="PAKN_TY_LE_DUNG_HAN", unit="15", period="2026-03",
                          change=after_first)
    assert then.value == 100 and then.as_of_change == after_first
    assert [d.value for d in now.days][-1] == 50  # the snapshot of the last day


def test_a_code_reused_after_the_reform_does_not_widen_an_old_scope(
        categories: Session, make_account: Callable[..., Account]) -> None:
    from fansipan.domain.service_requests import Answer

    # 02683 was Xã Bát Xát of the old district 082, and is the new Xã Bát Xát since July
    # 2025: an officer of the old district does not reach the new commune's reports.
    old_district = make_account(Role.OFFICER, units=["082"], units_as_of="2025-01-01",
                                kind=PrincipalKind.CLIENT).principal
    receipt = submit(categories, landslide(service_code="MAT_NUOC", commune="02683",
                                           point=None, answers=(Answer("LOAI", ("mat_nuoc",)),)))
    assert receipt.agency == "02683"
    assert list_reports(session=categories, principal=old_district,
                        query=InboxQuery()).items == []
    with pytest.raises(PermissionDenied):
        get_staff_report(session=categories, principal=old_district,
                         request_id=receipt.request_id)
    new_commune = make_account(Role.OFFICER, units=["02683"], units_as_of="2026-01-01",
                               kind=PrincipalKind.CLIENT).principal
    assert [i.report.request_id for i in list_reports(
        session=categories, principal=new_commune, query=InboxQuery()).items] == [
        receipt.request_id]
