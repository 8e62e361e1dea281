"""The demo's key tasks and reports (minh họa): ILLUSTRATIVE directives, tasks, their
history, and the issuing bodies that sign reports.

- 2021: the Department of Information and Communications' key tasks, all completed
  before the year's data cut-off, as the 2022 plan reports ("hoàn thành 100% các nội dung
  chỉ tiêu, nhiệm vụ trọng tâm đã đăng ký với tỉnh");
- 2022: each sector's "Nhiệm vụ trọng tâm năm 2022" item of that plan, assigned to the
  bodies that carry it out, with an illustrative history (most completed on time, some
  late, one extended, the postal points completed by their target being met);
- the running year: a few tasks carried on from the 2022 priorities, so that the board
  shows work in progress and overdue tasks;
- the sign-off details of the Department (before March 2025) and of the Department of
  Science and Technology that took it over.

Every directive's excerpt says "(minh họa)"; the people named are placeholders. All of
it goes through the direction services, as an administrator's office would enter it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.domain.calendar import vietnam_calendar
from fansipan.services.direction.directives import create_directive
from fansipan.services.direction.reports.issuers import IssuerWrite, save_issuer
from fansipan.services.direction.shapes import (
    DirectiveCreate,
    EventKind,
    TargetRef,
    TaskCreate,
    TaskEventCreate,
)
from fansipan.services.direction.task_events import record_event
from fansipan.services.direction.tasks import create_tasks
from fansipan.store.direction_tables import DirectiveRow

ILLUSTRATIVE = "(minh họa)"
_DEMO = Principal.system("demo")
_CAL = vietnam_calendar()


@dataclass(frozen=True)
class DemoTask:
    title: str
    lead: str
    deadline: date
    co: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    target: tuple[str, str, str] | None = None
    # (kind, day, percent or new deadline, document or reason)
    history: tuple[tuple[EventKind, date, object, str], ...] = ()


P, X, D = EventKind.PROGRESS, EventKind.EXTENSION, EventKind.COMPLETION

TASKS_2021 = (
    DemoTask("Tham mưu ban hành cơ chế, chính sách về chuyển đổi số có tính xuyên suốt đến "
             "năm 2025, tầm nhìn đến năm 2030", "so-tttt", date(2021, 9, 30),
             co=("so-kh-dt", "so-tai-chinh"),
             history=((P, date(2021, 5, 10), 60, ""), (D, date(2021, 9, 20), None,
                                                        "Nghị quyết 22-NQ/TU (minh họa)"))),
    DemoTask("Triển khai Chương trình Chuyển đổi số, xây dựng Chính quyền điện tử, Đô thị "
             "thông minh", "so-tttt", date(2021, 11, 30), co=("so-kh-dt",),
             indicators=("CNTT_TY_LE_DVC_MUC_4",),
             history=((P, date(2021, 6, 30), 50, ""), (D, date(2021, 11, 25), None, ""))),
    DemoTask("Ứng dụng công nghệ số hỗ trợ phòng, chống dịch Covid-19 từ tỉnh đến cơ sở",
             "so-tttt", date(2021, 6, 30), co=("so-y-te",),
             history=((D, date(2021, 6, 15), None, ""),)),
    DemoTask("Thông tin, tuyên truyền về phòng, chống dịch Covid-19 và phát triển kinh tế - "
             "xã hội", "bao-lao-cai", date(2021, 11, 30), co=("dai-ptth",),
             history=((P, date(2021, 7, 1), 55, ""), (D, date(2021, 11, 20), None, ""))),
    DemoTask("Mở rộng vùng phủ sóng, xóa các vùng lõm dịch vụ viễn thông", "viettel-lao-cai",
             date(2021, 10, 31), co=("vnpt-lao-cai",), indicators=("VT_TY_LE_THON_CO_SONG",),
             history=((P, date(2021, 6, 1), 45, ""), (D, date(2021, 10, 28), None, ""))),
    DemoTask("Bảo đảm thông tin liên lạc phục vụ chính quyền và nhân dân; hoàn thành kế "
             "hoạch doanh thu, nộp ngân sách", "buu-dien-tinh", date(2021, 12, 10),
             co=("vnpt-lao-cai", "viettel-lao-cai"), indicators=("BC_DOANH_THU",),
             history=((D, date(2021, 12, 8), None, ""),)),
)

TASKS_2022 = (
    DemoTask("Tiếp tục triển khai Chương trình hỗ trợ hộ sản xuất nông nghiệp lên sàn thương "
             "mại điện tử, thúc đẩy kinh tế số trong nông nghiệp, nông thôn", "buu-dien-tinh",
             date(2022, 12, 15), co=("so-tttt", "so-cong-thuong"),
             indicators=("BC_HO_SX_TMDT",),
             history=((P, date(2022, 6, 30), 45, ""), (D, date(2022, 12, 10), None, ""))),
    DemoTask("Phát triển và duy trì mạng điểm phục vụ bưu chính, bảo đảm 100% số xã có điểm "
             "phục vụ bưu chính có người phục vụ", "buu-dien-tinh", date(2022, 12, 31),
             target=("BC_TY_LE_XA_CO_DIEM", "10", "2022"),
             history=((P, date(2022, 9, 30), 90, "Còn 2 xã chưa có người phục vụ"),)),
    DemoTask("Tăng cường chia sẻ, sử dụng chung hạ tầng kỹ thuật viễn thông thụ động; phát "
             "triển thuê bao băng rộng cố định tới hộ gia đình", "vnpt-lao-cai",
             date(2022, 12, 15), co=("viettel-lao-cai",),
             indicators=("VT_TY_LE_BTS_DUNG_CHUNG", "VT_TY_LE_HO_BRCD"),
             history=((P, date(2022, 7, 15), 50, ""), (D, date(2022, 12, 20), None, ""))),
    DemoTask("Xây dựng và triển khai kế hoạch hạ ngầm, gọn hóa hạ tầng viễn thông", "so-tttt",
             date(2022, 9, 30), co=("vnpt-lao-cai", "viettel-lao-cai"),
             indicators=("VT_CAP_NGAM_HOA",),
             history=((P, date(2022, 6, 1), 40, ""), (D, date(2022, 9, 26), None,
                                                      "Kế hoạch 320/KH-UBND (minh họa)"))),
    DemoTask("Thí điểm mạng 5G trên địa bàn thị xã Sa Pa", "viettel-lao-cai", date(2022, 9, 30),
             co=("088",), indicators=("VT_TRAM_5G",),
             history=((P, date(2022, 8, 15), 70, ""),
                      (X, date(2022, 9, 20), date(2022, 12, 31), "1250/UBND-TH (minh họa)"),
                      (D, date(2022, 11, 30), None, ""))),
    DemoTask("Thúc đẩy thanh toán số, thanh toán không dùng tiền mặt, tập trung tuyên truyền "
             "dịch vụ Mobile Money", "so-tttt", date(2022, 12, 31),
             co=("viettel-lao-cai", "vnpt-lao-cai", "buu-dien-tinh"),
             indicators=("VT_TK_MOBILE_MONEY", "VT_TY_LE_TT_KHONG_TIEN_MAT"),
             history=((P, date(2022, 6, 30), 50, ""), (D, date(2022, 12, 28), None, ""))),
    DemoTask("Triển khai nền tảng kết nối, chia sẻ dữ liệu (LGSP), kết nối nền tảng định danh "
             "và xác thực điện tử, các cơ sở dữ liệu quốc gia; chuyển đổi IPv6, mạng truyền "
             "số liệu chuyên dùng", "so-tttt", date(2022, 10, 31), co=("so-kh-dt",),
             indicators=("CNTT_TY_LE_CQ_TSLCD",),
             history=((P, date(2022, 8, 1), 80, ""), (D, date(2022, 10, 25), None, ""))),
    DemoTask("Triển khai trung tâm dữ liệu tỉnh, kho dữ liệu số và Trung tâm giám sát, điều "
             "hành thông minh (IOC); phát triển IOC tại các địa phương, sở, ngành",
             "so-tttt", date(2022, 11, 30), co=("so-kh-dt", "so-tai-chinh"),
             history=((P, date(2022, 9, 1), 60, ""), (D, date(2022, 12, 26), None, ""))),
    DemoTask("Triển khai dịch vụ công trực tuyến mức độ 4, hoàn thiện Hệ thống dịch vụ hành "
             "chính công của tỉnh kết nối các cơ sở dữ liệu quốc gia", "so-tttt",
             date(2022, 12, 31), co=("so-noi-vu",), indicators=("CNTT_TY_LE_DVC_MUC_4",),
             history=((P, date(2022, 6, 30), 55, ""), (D, date(2022, 12, 20), None, ""))),
    DemoTask("Chuyển đổi số toàn diện cho các chợ Cốc Lếu, Sa Pa, Bắc Hà", "so-cong-thuong",
             date(2022, 12, 31), co=("080", "088", "085", "so-tttt"),
             history=((P, date(2022, 10, 1), 70, ""), (D, date(2022, 12, 22), None, ""))),
    DemoTask("Hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi sản xuất, cung cấp dịch vụ trên các "
             "nền tảng số; thúc đẩy chuyển đổi số tại doanh nghiệp sản xuất công nghiệp",
             "so-cong-thuong", date(2022, 12, 31), co=("so-tttt", "so-kh-dt"),
             history=((P, date(2022, 9, 30), 60, ""), (D, date(2022, 12, 29), None, ""))),
    DemoTask("Bảo đảm cơ bản các hộ gia đình có kết nối Internet", "vnpt-lao-cai",
             date(2022, 12, 31), co=("viettel-lao-cai",), indicators=("CDS_TY_LE_HO_INTERNET",),
             history=((P, date(2022, 9, 30), 75, ""), (D, date(2022, 12, 27), None, ""))),
    DemoTask("Đưa Chương trình phổ biến kiến thức về chuyển đổi số vào các trường học; nhân "
             "rộng mô hình điểm về chuyển đổi số", "so-gd-dt", date(2022, 8, 31),
             co=("so-tttt",),
             history=((P, date(2022, 5, 15), 40, ""), (D, date(2022, 9, 12), None, ""))),
    DemoTask("Hướng dẫn các cơ quan báo chí tuyên truyền chủ đề năm 2022 \"Đoàn kết - Kỷ cương "
             "- Thích ứng linh hoạt - Phát triển toàn diện\" và kế hoạch phục hồi kinh tế - "
             "xã hội", "bao-lao-cai", date(2022, 12, 31), co=("dai-ptth", "so-tttt"),
             history=((P, date(2022, 6, 30), 50, ""), (D, date(2022, 12, 15), None, ""))),
)


def _running(year: int) -> tuple[DemoTask, ...]:
    """A few tasks of the running year carried on from the 2022 priorities."""
    return (
        DemoTask("Phủ sóng di động các thôn còn vùng lõm sau sắp xếp đơn vị hành chính",
                 "so-kh-cn", date(year, 6, 30), indicators=("VT_THON_VUNG_LOM",),
                 history=((P, date(year, 4, 15), 60, "Còn 9 thôn chưa có sóng"),)),
        DemoTask("Cung cấp dịch vụ công trực tuyến toàn trình trên Cổng dịch vụ công của tỉnh "
                 "sau hợp nhất", "so-kh-cn", date(year, 9, 30), co=("so-noi-vu",),
                 indicators=("CNTT_TY_LE_DVC_MUC_4",),
                 history=((P, date(year, 7, 1), 70, ""),)),
        DemoTask("Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính của các xã, phường mới",
                 "so-noi-vu", date(year, 11, 30), co=("so-kh-cn",)),
        DemoTask("Chuyển đổi số trong trường học: sổ điểm, học bạ điện tử", "so-gd-dt",
                 date(year, 12, 31), co=("so-kh-cn",),
                 history=((P, date(year, 10, 1), 50, ""),)),
        DemoTask("Thanh toán không dùng tiền mặt tại các chợ, điểm du lịch", "so-cong-thuong",
                 date(year, 8, 31), co=("so-kh-cn",),
                 history=((P, date(year, 5, 1), 30, ""),
                          (X, date(year, 8, 20), date(year, 11, 30),
                           f"215/UBND-KT năm {year} (minh họa)"),
                          (D, date(year, 11, 20), None, ""))),
    )


ISSUERS = {
    "so-tttt": IssuerWrite(
        name="Sở Thông tin và Truyền thông", parent_body="UBND tỉnh Lào Cai",
        symbol="BC-STTTT", place="Lào Cai", signer_name="Nguyễn Văn A",
        signer_title="Phó Giám đốc", authority=[("KT.", "Giám đốc")],
        recipients=["UBND tỉnh (b/c)", "Sở Kế hoạch và Đầu tư", "Lãnh đạo Sở",
                    "Các phòng, đơn vị thuộc Sở"], archive="VP", valid_to=date(2025, 2, 28)),
    "so-kh-cn": IssuerWrite(
        name="Sở Khoa học và Công nghệ", parent_body="UBND tỉnh Lào Cai", symbol="BC-SKHCN",
        place="Lào Cai", signer_name="Trần Thị B", signer_title="Phó Giám đốc",
        authority=[("KT.", "Giám đốc")],
        recipients=["UBND tỉnh (b/c)", "Sở Tài chính", "Lãnh đạo Sở",
                    "Các phòng, đơn vị thuộc Sở"], archive="VP", valid_from=date(2025, 3, 1)),
}


@dataclass(frozen=True)
class DirectionDemo:
    directives: int
    tasks: int
    events: int
    skipped: bool


def has_direction_demo(session: Session) -> bool:
    with session.begin():
        return session.scalar(select(DirectiveRow.id).where(
            DirectiveRow.created_by == _DEMO.actor).limit(1)) is not None


def load_direction_demo(*, session: Session, today: date) -> DirectionDemo:
    """Load the demo's directives, tasks and issuers; nothing when they are there."""
    if has_direction_demo(session):
        return DirectionDemo(0, 0, 0, skipped=True)
    for code, profile in ISSUERS.items():
        save_issuer(session=session, actor=_DEMO.actor, code=code, data=profile)
    plans = [
        ("16/KH-STTTT", date(2021, 1, 25), "Sở Thông tin và Truyền thông", "so-tttt",
         "Kế hoạch thực hiện nhiệm vụ trọng tâm năm 2021", TASKS_2021),
        ("15/KH-UBND", date(2022, 1, 20), "UBND tỉnh Lào Cai", "ubnd-tinh",
         "Kế hoạch thực hiện nhiệm vụ trọng tâm năm 2022 của ngành Thông tin và Truyền thông",
         TASKS_2022),
    ]
    running = today.year
    if running >= 2026 and today >= date(running, 1, 31):
        plans.append(("12/KH-UBND", date(running, 1, 15), "UBND tỉnh Lào Cai",
                      "ubnd-tinh", f"Kế hoạch chuyển đổi số năm {running}", _running(running)))
    tasks = events = 0
    for number, issued_on, issuer, unit, excerpt, items in plans:
        directive = create_directive(session=session, principal=_DEMO, data=DirectiveCreate(
            number=number, issued_on=issued_on, issuer=issuer, issuer_unit=unit,
            excerpt=f"{excerpt} {ILLUSTRATIVE}"))
        ids = create_tasks(session=session, principal=_DEMO, calendar=_CAL, source="demo",
                           items=[_create(directive.id, issued_on, t) for t in items])
        tasks += len(ids)
        for task_id, item in zip(ids, items, strict=True):
            for kind, day, value, text in item.history:
                if day > today:
                    continue  # the demo never writes what has not happened yet
                record_event(session=session, principal=_DEMO, task_id=task_id,
                             calendar=_CAL, data=_event(kind, day, value, text))
                events += 1
    return DirectionDemo(directives=len(plans), tasks=tasks, events=events, skipped=False)


def _create(directive: int, issued_on: date, t: DemoTask) -> TaskCreate:
    target = TargetRef(indicator=t.target[0], unit=t.target[1], period=t.target[2]) if (
        t.target) else None
    return TaskCreate(directive=directive, title=t.title, lead_unit=t.lead,
                      co_units=list(t.co), assigned_on=issued_on + timedelta(days=2),
                      deadline=t.deadline, indicators=list(t.indicators), target=target)


def _event(kind: EventKind, day: date, value: object, text: str) -> TaskEventCreate:
    if kind is EventKind.PROGRESS:
        return TaskEventCreate(kind=kind, on=day, percent=float(str(value)), note=text)
    if kind is EventKind.EXTENSION:
        if not isinstance(value, date):
            raise TypeError(value)
        return TaskEventCreate(kind=kind, on=day, new_deadline=value, document=text,
                               reason="Chờ bố trí kinh phí, thiết bị")
    if kind is EventKind.COMPLETION:
        return TaskEventCreate(kind=kind, on=day, document=text)
    return TaskEventCreate(kind=kind, on=day, note=text)
