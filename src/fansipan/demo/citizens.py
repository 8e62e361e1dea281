"""The demo's field reports and dossiers: ILLUSTRATIVE (minh họa), NOT real cases.

A year of citizens' reports across the new province's 99 communes and wards, and a year
of public-service dossiers of its agencies and communes, made up by code so that the
report pages, the inbox, the dossier page and the counted indicators have something to
show; in the province's first year, only from 1 July 2025, when it and its communes came
into being. Every description ends with "(minh họa)"; no name, phone or address is a real
person's. Deterministic: the same `today` gives the same records.

Reports follow the seasons a reader of Lào Cai would expect: landslides and damaged
roads in the rainy months (June to September), tourists' complaints in Sa Pa and Bắc Hà
around Tết, the summer and the autumn, power lines down in storms. Each is routed as the
routing table says, and handled the way bodies really do: most on time, the communes a
little slower, a few rejected with a reason, duplicates of a report already made, some
another body's business, some reassigned; the newest still open, some of them overdue.
Points are drawn inside the district the commune came from (the shipped boundaries have
no communes), or inside old Yên Bái for its communes, and kept only where the report
intake places them in the province.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy.orm import Session

from fansipan.data.reference import read_geojson, read_successions
from fansipan.domain.access import Principal
from fansipan.domain.calendar import vietnam_calendar
from fansipan.domain.geo import Shape, contains, shape_from_geojson
from fansipan.domain.local_time import VIETNAM
from fansipan.domain.report_categories import COMMUNE, Category, responsible_body
from fansipan.domain.service_request_deadlines import expected_datetime
from fansipan.domain.service_request_states import Action
from fansipan.domain.service_requests import (
    Answer,
    Location,
    Reporter,
    ServiceRequest,
    Step,
    apply_step,
    progress_at,
    receive_request,
)
from fansipan.domain.units import Unit
from fansipan.services.catalog import load_catalog
from fansipan.services.citizens.categories import list_categories, load_categories
from fansipan.services.citizens.dossier_import import import_dossiers
from fansipan.services.citizens.places import communes_on, unit_finder
from fansipan.services.citizens.report_import import Historic, load_reports
from fansipan.services.citizens.working_days import add_working_days
from fansipan.services.warehouse.reference import REFORM_DATE

SEED = 2026
ILLUSTRATIVE = "(minh họa)"
ACTOR = "demo"
REPORTS_PER_DAY = 7.5
DOSSIERS_PER_DAY = 45


def first_day(today: date) -> date:
    """The first day of the demo's records: a year before `today`, and never before the
    new province and its communes came into being (1 July 2025)."""
    return max(today - timedelta(days=365), REFORM_DATE)


def rng_for(*key: object) -> random.Random:
    return random.Random(":".join(str(k) for k in (SEED, *key)))  # noqa: S311 - demo data


@dataclass(frozen=True)
class CitizensDemo:
    reports: int
    dossiers: int
    skipped: bool


def load_citizens_demo(*, session: Session, today: date) -> CitizensDemo:
    """Load the year's illustrative reports and dossiers, unless there are reports already."""
    from sqlalchemy import func, select

    from fansipan.store.citizens_tables import ServiceRequestRow

    load_categories(session=session)
    with session.begin():
        had = session.scalar(select(func.count()).select_from(ServiceRequestRow)) or 0
        catalog = load_catalog(session)
        communes = communes_on(catalog, today)
    if had:
        return CitizensDemo(reports=0, dossiers=0, skipped=True)
    categories = {c.code: c for c in list_categories(session=session)}
    reports = demo_reports(categories, communes, today)
    load_reports(session=session, principal=Principal.system(ACTOR), reports=reports)
    records = list(enumerate(demo_dossiers(communes, today), start=1))
    summary = import_dossiers(session=session, principal=Principal.system(ACTOR),
                              records=records, source="demo")
    if summary.refused:
        raise RuntimeError(f"the demo's dossiers were refused: {summary.problems[:3]}")
    return CitizensDemo(reports=len(reports), dossiers=summary.created, skipped=False)


# --------------------------------------------------------------------------- places


@cache
def _district_shapes() -> dict[str, Shape]:
    layer = read_geojson("laocai_districts_2024")
    return {f["properties"]["code"]: shape_from_geojson(f["geometry"]) for f in layer["features"]}


@cache
def _yen_bai() -> Shape:
    layer = read_geojson("vn_provinces_2024")
    feature = next(f for f in layer["features"] if f["properties"]["code"] == "15")
    return shape_from_geojson(feature["geometry"])


@cache
def _origins() -> dict[str, str]:
    """Each new commune's old district: the one most of its predecessors came from."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for s in read_successions():
        if s.effective == REFORM_DATE:
            found[s.new_code][s.old_district_code] += 1
    return {code: c.most_common(1)[0][0] for code, c in found.items()}


# Town centres, for the wards and the tourist places (approximate, illustrative).
_CENTRES = {"03006": (22.3364, 103.8438), "02647": (22.4856, 103.9707),
            "02671": (22.4197, 103.9864), "04252": (21.7229, 104.9113),
            "02839": (22.5393, 104.2905), "03037": (22.3107, 103.8897),
            "04288": (21.6006, 104.5131)}


# The shipped layers change on the merger day and not after: a point placed right on the
# day before and on the day itself is placed right on every day.
_LAYER_DAYS = (REFORM_DATE - timedelta(days=1), REFORM_DATE)
_OLD_LAO_CAI, _OLD_YEN_BAI, _PROVINCE = "10", "15", "15"


def point_in(commune: Unit, rng: random.Random) -> tuple[float, float]:
    """A point near the town centre or inside the old district (old Yên Bái for its
    communes), kept only where the report intake places it in the province: the shipped
    province layer is drawn apart from the district layer, and along the borders a district
    reaches a little into its neighbour (Sa Pa into Lai Châu)."""
    shape = _district_shapes().get(_origins().get(commune.code, ""))
    old_province = _OLD_LAO_CAI if shape is not None else _OLD_YEN_BAI
    shape = shape or _yen_bai()
    centre = _CENTRES.get(commune.code)
    box = shape.bbox
    for _ in range(200):
        if centre is not None:
            lat, long = centre[0] + rng.uniform(-0.012, 0.012), centre[1] + rng.uniform(
                -0.012, 0.012)
        else:
            long, lat = rng.uniform(box.min_x, box.max_x), rng.uniform(box.min_y, box.max_y)
        point = round(lat, 6), round(long, 6)
        if (centre is not None or contains(shape, point[1], point[0])) and _placed_right(
                *point, old_province):
            return point
    raise RuntimeError(f"no point found for {commune.code}")


def _placed_right(lat: float, long: float, old_province: str) -> bool:
    """Whether the intake places the point in the commune's old province before the
    merger, and in the province after it."""
    before, after = (unit_finder().place(lat=lat, long=long, on=day) for day in _LAYER_DAYS)
    return (before is not None and before.province_code == old_province
            and after is not None and after.province_code == _PROVINCE)


# --------------------------------------------------------------------------- reports

# (category, share of reports, months it is three times as frequent, description templates)
_MIX: tuple[tuple[str, float, tuple[int, ...], tuple[str, ...]], ...] = (
    ("SAT_LO", 0.10, (6, 7, 8, 9), (
        "Đất đá sạt xuống đường sau mưa lớn, xe máy đi lại rất nguy hiểm",
        "Taluy dương có vết nứt, nguy cơ sạt lở xuống đường liên xã",
        "Sạt lở lấp một nửa mặt đường, cần dọn để thông xe")),
    ("HU_HONG_DUONG", 0.13, (6, 7, 8, 9), (
        "Mặt đường có nhiều ổ gà lớn, nước đọng sau mưa",
        "Cống qua đường bị vỡ, mặt đường lún sâu",
        "Đoạn đường bê tông bị bong tróc, xe tải đi qua rất khó")),
    ("DIEN_DUT", 0.06, (5, 6, 7, 8), (
        "Dây điện bị đứt sau giông, rơi xuống sát đường đi",
        "Cột điện bị nghiêng sau mưa bão, dây võng thấp",
        "Tủ điện ven đường bị hở, trẻ em hay chơi gần đó")),
    ("MAT_DIEN", 0.09, (5, 6, 7), (
        "Cả thôn mất điện từ chiều hôm qua đến nay chưa có lại",
        "Điện chập chờn, điện áp yếu, không dùng được máy bơm nước")),
    ("MAT_NUOC", 0.10, (3, 4, 5), (
        "Mất nước sinh hoạt hai ngày nay, không có thông báo",
        "Nước máy đục, có mùi lạ từ sáng nay",
        "Đường ống nước bị vỡ, nước chảy tràn ra đường")),
    ("RAC_THAI", 0.15, (1, 2), (
        "Rác thải tồn đọng nhiều ngày chưa được thu gom",
        "Bãi rác tự phát ven suối, bốc mùi hôi",
        "Có người đổ trộm phế thải xây dựng ra lề đường")),
    ("O_NHIEM", 0.05, (), (
        "Khói bụi từ cơ sở sản xuất gạch ảnh hưởng khu dân cư",
        "Nước thải từ khu khai thác chảy xuống suối, nước đục ngầu")),
    ("TRAT_TU_DO_THI", 0.13, (), (
        "Hàng quán lấn chiếm vỉa hè, người đi bộ phải xuống lòng đường",
        "Xe ô tô đỗ chắn lối đi chung của khu dân cư",
        "Biển quảng cáo dựng sai quy định che khuất tầm nhìn")),
    ("DEN_DUONG", 0.08, (11, 12, 1), (
        "Đèn đường cả dãy không sáng mấy tối nay",
        "Đèn chiếu sáng sáng cả ban ngày, lãng phí điện")),
    ("DU_LICH", 0.11, (1, 2, 6, 7, 10, 11, 12), (
        "Cơ sở lưu trú thu tiền phòng cao hơn giá niêm yết",
        "Nhiều người đeo bám, chèo kéo du khách mua hàng ở khu trung tâm",
        "Xe đưa đón không đúng giờ và giá như đã thỏa thuận")),
)
_TOURIST = ("03006", "03037", "03013", "02839", "02701", "04630", "04456")  # Sa Pa, Tả Van…
_ANSWERS: dict[str, tuple[Answer, ...]] = {
    "SAT_LO": (Answer("TUYEN", "ĐT.152"), Answer("MUC_DO", "mot_phan")),
    "DIEN_DUT": (Answer("NGUY_HIEM", "co"),),
    "MAT_NUOC": (Answer("LOAI", ("mat_nuoc",)),),
    "O_NHIEM": (Answer("LOAI", ("khoi_bui",)),),
    "DU_LICH": (Answer("DICH_VU", "luu_tru"),),
}
# How long a body takes, in hours: (median, spread); communes are a little slower.
_PACE = {"dien-luc-lao-cai": (6, 0.8), "cap-nuoc-lao-cai": (18, 0.8), "so-xay-dung": (40, 0.9),
         "so-nn-mt": (70, 0.7), "so-vhttdl": (30, 0.8)}
_COMMUNE_PACE = (50, 0.9)
_REASONS = ("Nội dung phản ánh đã được xử lý trước đó, hiện trạng bình thường",
            "Không xác định được vị trí sự việc, đề nghị người dân cung cấp thêm thông tin")


def demo_reports(categories: dict[str, Category], communes: list[Unit],
                 today: date) -> list[Historic]:
    """The year before `today` of illustrative reports, oldest first, numbered by year."""
    first = first_day(today)
    weights = [3.0 if c.name.startswith("Phường") else 1.0 for c in communes]
    made: list[ServiceRequest] = []
    counters: Counter[int] = Counter()
    open_by_kind: dict[tuple[str, str], list[ServiceRequest]] = defaultdict(list)
    now = datetime.combine(today, time(7, 0), tzinfo=VIETNAM)
    day = first
    while day < today:
        rng = rng_for("day", day.isoformat())
        count = _poisson(rng, REPORTS_PER_DAY * (1.25 if day.weekday() < 5 else 0.8))
        moments = sorted(datetime.combine(day, time(6, 0), tzinfo=VIETNAM) + timedelta(
            minutes=rng.randint(0, 16 * 60)) for _ in range(count))
        for at in moments:
            if at >= now:
                continue
            code, templates = _kind(rng, day.month)
            commune = (rng.choice([c for c in communes if c.code in _TOURIST])
                       if code == "DU_LICH" and rng.random() < 0.75
                       else rng.choices(communes, weights)[0])
            counters[at.year] += 1
            request_id = f"PA-{at.year}-{counters[at.year]:06d}"
            report = _report(request_id, categories[code], commune, at, rng, templates)
            earlier = open_by_kind[(code, commune.code)]
            report = _history(report, categories[code], earlier, now, rng_for("r", request_id))
            earlier.append(report)
            made.append(report)
        day += timedelta(days=1)
    made.sort(key=lambda r: (r.requested_at, r.request_id))
    return [Historic(r, channel="web", submitted_by=ACTOR) for r in made]


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the handful a day the demo draws.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _kind(rng: random.Random, month: int) -> tuple[str, tuple[str, ...]]:
    weights = [share * (3.0 if month in peak else 1.0) for _, share, peak, _ in _MIX]
    code, _, _, templates = rng.choices(_MIX, weights)[0]
    return code, templates


def _report(request_id: str, category: Category, commune: Unit, at: datetime,
            rng: random.Random, templates: tuple[str, ...]) -> ServiceRequest:
    point = point_in(commune, rng) if rng.random() < 0.8 else None
    location = Location(lat=point[0] if point else None, long=point[1] if point else None,
                        address=f"Thôn {rng.randint(1, 12)}, {commune.name} {ILLUSTRATIVE}",
                        unit_code=commune.code)
    expected = (expected_datetime(requested_at=at, working_days=category.deadline_days,
                                  add_working_days=add_working_days)
                if category.deadline_days is not None else None)
    return receive_request(
        request_id=request_id, service_code=category.code, requested_at=at,
        location=location, description=f"{rng.choice(templates)} {ILLUSTRATIVE}",
        reporter=Reporter(first_name="Người dân", last_name=ILLUSTRATIVE),
        answers=_ANSWERS.get(category.code, ()), expected_at=expected, received_by="citizen")


def _history(report: ServiceRequest, category: Category, earlier: list[ServiceRequest],
             now: datetime, rng: random.Random) -> ServiceRequest:
    """Route, then handle the report the way its body would, up to `now`."""
    at = report.requested_at
    commune = report.location.unit_code
    body = responsible_body(category, areas=[commune] if commune else [], commune=commune)
    if body is None or body == COMMUNE:
        return report

    def step(action: Action, hours: float, **fields: object) -> bool:
        nonlocal at, report
        moment = at + timedelta(hours=hours)
        if moment >= now:
            return False
        report = apply_step(report, Step(action, at=moment, actor=_officer(body),
                                         **fields))  # type: ignore[arg-type]
        at = moment
        return True

    # Routing by category and place at reception (the system's step).
    report = apply_step(report, Step(Action.ASSIGN, at=at, actor="system", agency=body))
    fate = rng.random()
    duplicates = [e for e in earlier if e.location.has_point
                  and timedelta(0) <= report.requested_at - e.requested_at < timedelta(hours=48)
                  and progress_at(e, report.requested_at).state.is_open]
    if fate < 0.04 and duplicates:
        step(Action.MARK_DUPLICATE, rng.uniform(1, 6), duplicate_of=duplicates[-1].request_id,
             public_note="Sự việc đã được phản ánh và đang xử lý")
        return report
    if fate < 0.07:
        step(Action.REJECT, rng.uniform(2, 30), reason=rng.choice(_REASONS))
        return report
    if fate < 0.09 and category.code in ("TRAT_TU_DO_THI", "O_NHIEM"):
        step(Action.REFER_OUT, rng.uniform(2, 20),
             referred_to="Công an xã / Police of the commune",
             public_note="Đã chuyển thông tin cho cơ quan có thẩm quyền")
        return report
    median, spread = _PACE.get(body, _COMMUNE_PACE)
    if not step(Action.START, rng.uniform(0.5, 8), public_note="Đã tiếp nhận, đang xử lý"):
        return report
    if fate > 0.97:
        return report  # stalled: still open, soon overdue (the inbox puts these first)
    hours = median * rng.lognormvariate(0, spread)
    if not step(Action.RESOLVE, hours, public_note="Đã xử lý xong " + ILLUSTRATIVE):
        return report
    if rng.random() < 0.4:
        step(Action.RATE, rng.uniform(2, 72), satisfied=rng.random() < 0.86)
    if rng.random() < 0.5:
        step(Action.CLOSE, rng.uniform(24, 120))
    return report


def _officer(body: str) -> str:
    return f"canbo.{body}"[:100]


# --------------------------------------------------------------------------- dossiers

# (agency or "@commune", procedure code, name, working days, fee, online level, share)
_PROCEDURES: tuple[tuple[str, str, str, int, bool, str, float], ...] = (
    ("so-tu-phap", "1.001756", "Cấp phiếu lý lịch tư pháp", 10, True, "full", 0.10),
    ("so-tai-chinh", "2.001610", "Đăng ký thành lập doanh nghiệp", 3, False, "full", 0.07),
    ("so-xay-dung", "1.009972", "Cấp giấy phép xây dựng", 15, True, "partial", 0.04),
    ("so-nn-mt", "1.004227", "Đăng ký biến động đất đai", 10, True, "partial", 0.08),
    ("so-y-te", "1.001907", "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", 20, True,
     "partial", 0.02),
    ("so-gd-dt", "1.005094", "Cấp bản sao văn bằng, chứng chỉ", 3, True, "full", 0.03),
    ("so-noi-vu", "1.012345", "Giải quyết chế độ chính sách người có công", 20, False,
     "partial", 0.02),
    ("so-cong-thuong", "2.000003", "Cấp giấy phép kinh doanh bán lẻ rượu", 10, True, "full",
     0.02),
    ("so-vhttdl", "1.004623", "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", 10,
     True, "full", 0.01),
    (COMMUNE, "1.001193", "Đăng ký khai sinh", 1, False, "full", 0.28),
    (COMMUNE, "1.000894", "Đăng ký kết hôn", 3, False, "full", 0.08),
    (COMMUNE, "2.000908", "Chứng thực bản sao từ bản chính", 1, True, "partial", 0.20),
    (COMMUNE, "1.004746", "Xác nhận tình trạng hôn nhân", 3, False, "full", 0.05),
)
# How often a body completes after the due moment (land and building permits run late).
_LATE = {"so-nn-mt": 0.18, "so-xay-dung": 0.12, "so-noi-vu": 0.08}


def demo_dossiers(communes: list[Unit], today: date) -> list[dict[str, object]]:
    """The year before `today` of illustrative dossiers, as the one-stop shop sends them."""
    calendar = vietnam_calendar()
    first = first_day(today)
    now = datetime.combine(today, time(7, 0), tzinfo=VIETNAM)
    out: list[dict[str, object]] = []
    weights = [p[6] for p in _PROCEDURES]
    ward_weights = [3.0 if c.name.startswith("Phường") else 1.0 for c in communes]
    day = first
    serial = 0
    while day < today:
        if not calendar.is_working_day(day):
            day += timedelta(days=1)
            continue
        rng = rng_for("dossier-day", day.isoformat())
        for _ in range(_poisson(rng, DOSSIERS_PER_DAY)):
            agency, code, name, days, fee, level, _share = rng.choices(_PROCEDURES, weights)[0]
            commune = rng.choices(communes, ward_weights)[0]
            body = commune.code if agency == COMMUNE else agency
            received = datetime.combine(day, time(7, 30), tzinfo=VIETNAM) + timedelta(
                minutes=rng.randint(0, 8 * 60))
            if received >= now:
                continue
            serial += 1
            due = datetime.combine(calendar.add_working_days(day, days), time(17, 0),
                                   tzinfo=VIETNAM)
            pauses: list[dict[str, str | None]] = []
            waited = timedelta(0)
            if rng.random() < 0.1:
                start = received + timedelta(hours=rng.uniform(2, 30))
                waited = timedelta(days=rng.uniform(1, 5))
                end = start + waited
                if end < now:
                    pauses.append({"start": start.isoformat(), "end": end.isoformat()})
                elif start < now:
                    pauses.append({"start": start.isoformat(), "end": None})
            late = rng.random() < _LATE.get(agency, 0.03 if agency != COMMUNE else 0.05)
            span = (due + waited) - received
            done = received + (span * rng.uniform(1.05, 1.6) if late
                               else span * rng.uniform(0.2, 0.98))
            running = bool(pauses) and pauses[-1]["end"] is None
            if pauses and not running:
                # Completed after the documents came: never while still waiting.
                ended = datetime.fromisoformat(str(pauses[-1]["end"]))
                done = max(done, ended + timedelta(hours=rng.uniform(1, 8)))
            completed = None if running or done >= now else done
            online = level != "none" and rng.random() < (0.82 if level == "full" else 0.55)
            out.append({
                "number": f"000.00.15.H39-{day:%y%m%d}-{serial:06d}",
                "procedure_code": code, "procedure_name": f"{name} {ILLUSTRATIVE}",
                "agency": body, "unit": commune.code, "received_at": received.isoformat(),
                "due_at": due.isoformat(),
                "completed_at": completed.isoformat() if completed else None,
                "pauses": pauses, "submitted_online": online, "online_service": level,
                "fee_payable": fee, "paid_online": fee and online and rng.random() < 0.6,
                "electronic_result": completed is not None and online and rng.random() < 0.55,
                "digitised": rng.random() < 0.72,
            })
        day += timedelta(days=1)
    return out

