"""A small Lào Cai catalogue of field-report services, shared by the Open311 tests."""

from __future__ import annotations

from datetime import datetime

from fansipan.domain.local_time import VIETNAM
from fansipan.exchange.open311.model import (
    AttributeValue,
    Datatype,
    Discovery,
    Endpoint,
    Service,
    ServiceAttribute,
    ServiceDefinition,
    ServiceRequestDoc,
    ServiceType,
)

LANDSLIDE = Service(
    service_code="SAT_LO", service_name="Sạt lở đất đá trên đường",
    description="Đất đá sạt lở xuống mặt đường, taluy có nguy cơ sạt",
    metadata=True, keywords=("sạt lở", "đất đá", "taluy"), group="Giao thông")
POWER_LINE = Service(
    service_code="DIEN_DUT", service_name="Đường dây điện bị đứt, đổ cột",
    description="Dây điện đứt, cột điện đổ hoặc nghiêng", group="Điện")
WATER = Service(
    service_code="001", service_name="Mất nước sinh hoạt", type=ServiceType.BATCH,
    group="Cấp nước")
SERVICES = (LANDSLIDE, POWER_LINE, WATER)

LANDSLIDE_DEFINITION = ServiceDefinition("SAT_LO", (
    ServiceAttribute("TUYEN", Datatype.STRING, "Tên tuyến đường, ví dụ QL4D", order=1,
                     required=True),
    ServiceAttribute("MUC_DO", Datatype.SINGLEVALUELIST, "Mức độ", order=2, required=True,
                     values=(AttributeValue("nhe", "Nhẹ, xe vẫn qua được"),
                             AttributeValue("nghiem_trong", "Nghiêm trọng, chắn đường"))),
    ServiceAttribute("PHUONG_TIEN", Datatype.MULTIVALUELIST, "Phương tiện không qua được",
                     order=3, values=(AttributeValue("xe_may", "Xe máy"),
                                      AttributeValue("o_to", "Ô tô"),
                                      AttributeValue("xe_tai", "Xe tải"))),
    ServiceAttribute("SO_HO", Datatype.NUMBER, "Số hộ bị ảnh hưởng", order=4,
                     datatype_description="Một số, ví dụ 12"),
    ServiceAttribute("THOI_DIEM", Datatype.DATETIME, "Thời điểm xảy ra", order=5),
    ServiceAttribute("MO_TA", Datatype.TEXT, "Mô tả thêm", order=6),
    ServiceAttribute("LUU_Y", Datatype.STRING, "Có người bị nạn, gọi ngay 114 hoặc 115",
                     order=7, variable=False),
))
DEFINITIONS = {
    "SAT_LO": LANDSLIDE_DEFINITION,
    "DIEN_DUT": ServiceDefinition("DIEN_DUT"),
    "001": ServiceDefinition("001"),
}

REQUESTED = datetime(2025, 8, 4, 7, 15, 30, tzinfo=VIETNAM)

LANDSLIDE_REQUEST = ServiceRequestDoc(
    service_request_id="PA-2025-000123", status="open", service_code="SAT_LO",
    service_name=LANDSLIDE.service_name, requested_datetime=REQUESTED,
    updated_datetime=datetime.fromisoformat("2025-08-04T03:00:00+00:00"),
    status_notes="Đã chuyển Sở Xây dựng", description="Đất đá tràn mặt đường QL4D, km 12",
    agency_responsible="Sở Xây dựng", service_notice="Xử lý trong 2 ngày làm việc",
    expected_datetime=datetime(2025, 8, 6, 23, 59, 59, tzinfo=VIETNAM),
    address="Km 12 QL4D, phường Sa Pa, tỉnh Lào Cai", address_id="LC-SP-0012",
    zipcode="31000", lat=22.3364, long=103.8438,
    media_url="https://ioc.laocai.gov.vn/media/3f2a.jpg")
CLOSED_REQUEST = ServiceRequestDoc(
    service_request_id="PA-2025-000100", status="closed", service_code="DIEN_DUT",
    service_name=POWER_LINE.service_name,
    requested_datetime=datetime(2025, 8, 1, 20, 0, tzinfo=VIETNAM),
    updated_datetime=datetime(2025, 8, 2, 9, 0, tzinfo=VIETNAM),
    status_notes="Điện lực đã khắc phục", address="Thôn Tả Van", lat=22.31, long=103.89)

DISCOVERY = Discovery(
    changeset=datetime(2025, 8, 1, 0, 0, tzinfo=VIETNAM),
    contact="Trung tâm Giám sát, điều hành thông minh tỉnh Lào Cai, ioc@laocai.gov.vn",
    key_service="Đăng ký khoá API tại Trung tâm IOC",
    endpoints=(Endpoint(url="https://ioc.laocai.gov.vn/open311/v2",
                        changeset=datetime(2025, 8, 1, 0, 0, tzinfo=VIETNAM)),
               Endpoint(url="https://thu-nghiem.ioc.laocai.gov.vn/open311/v2",
                        changeset=datetime(2025, 7, 1, 0, 0, tzinfo=VIETNAM), type="test",
                        formats=("text/xml",))))
