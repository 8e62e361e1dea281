"""The specimen report the writers are tested on: a year's results of targets and tasks.

The figures are illustrative, shaped like the 2021 review of Lào Cai's Department of
Information and Communications ("10 chỉ tiêu đều đạt, trong đó có 5 chỉ tiêu vượt").
"""

from __future__ import annotations

from datetime import date

from fansipan.domain.documents import Authority
from fansipan.domain.targets import Direction, evaluate_target, summarize_statuses
from fansipan.reports.model import (
    Column,
    Heading,
    Number,
    Paragraph,
    Report,
    Signature,
    Table,
)

# name, unit of measure, planned, actual, decimals
INDICATORS: tuple[tuple[str, str, float, float, int], ...] = (
    ("Doanh thu dịch vụ bưu chính, viễn thông", "tỷ đồng", 1650.0, 1712.5, 1),
    ("Tỷ lệ xã có điểm phục vụ bưu chính có người phục vụ", "%", 100.0, 100.0, 1),
    ("Tỷ lệ thôn, bản có sóng thông tin di động", "%", 98.0, 98.6, 1),
    ("Số thuê bao băng rộng cố định trên 100 dân", "thuê bao", 15.0, 16.2, 1),
    ("Tỷ lệ dân số sử dụng điện thoại thông minh", "%", 75.0, 75.0, 1),
    ("Tỷ lệ thủ tục hành chính cung cấp trực tuyến mức độ 3, 4", "%", 90.0, 93.5, 1),
    ("Tỷ lệ văn bản trao đổi dưới dạng điện tử giữa các cơ quan", "%", 95.0, 95.0, 1),
    ("Tỷ lệ xã có điểm cầu hội nghị truyền hình trực tuyến", "%", 100.0, 100.0, 1),
    ("Số hộ sản xuất nông nghiệp bán hàng trên sàn thương mại điện tử", "hộ", 2000, 2640, 0),
    ("Tỷ lệ hồ sơ thủ tục hành chính của Sở giải quyết đúng hạn", "%", 100.0, 100.0, 1),
)


def indicator_table() -> Table:
    rows = []
    statuses = []
    for i, (name, uom, planned, actual, decimals) in enumerate(INDICATORS, start=1):
        status = evaluate_target(actual=actual, planned=planned, direction=Direction.UP)
        statuses.append(status)
        rows.append((
            f"{i}",
            name,
            uom,
            Number(planned, decimals),
            Number(actual, decimals),
            Number(round(100 * actual / planned, 1), 1),
            status.label("vi"),
        ))
    return Table(
        columns=(
            Column("STT", width=0.8, align="center"),
            Column("Chỉ tiêu", width=4.0),
            Column("Đơn vị tính", width=1.3, align="center"),
            Column("Kế hoạch", numeric=True, width=1.3),
            Column("Thực hiện", numeric=True, width=1.3),
            Column("TH/KH (%)", numeric=True, width=1.1),
            Column("Đánh giá", width=1.3),
        ),
        header_rows=(("STT", "Chỉ tiêu", "Đơn vị tính", "Năm 2021", "Năm 2021", "Năm 2021",
                      "Đánh giá"),),
        rows=tuple(rows),
        caption="Bảng 1. Kết quả thực hiện các chỉ tiêu kinh tế - xã hội năm 2021",
        unit_note="",
        notes="Ghi chú: số liệu minh họa.",
    )


def summary_sentence() -> str:
    statuses = [evaluate_target(actual=a, planned=p, direction=Direction.UP)
                for _, _, p, a, _ in INDICATORS]
    s = summarize_statuses(statuses)
    return (f"Năm 2021, {s.met_or_better}/{s.total} chỉ tiêu đạt và vượt kế hoạch, trong đó "
            f"{s.exceeded} chỉ tiêu vượt kế hoạch.")


def sample_report(*, number: int | None = 5, issued_on: date = date(2022, 1, 5)) -> Report:
    return Report(
        parent_body="UBND tỉnh Lào Cai",
        issuing_body="Sở Thông tin và Truyền thông",
        number=number,
        symbol="BC-STTTT",
        place="Lào Cai",
        issued_on=issued_on,
        subject="Kết quả thực hiện chỉ tiêu, nhiệm vụ năm 2021",
        blocks=(
            Paragraph("Thực hiện Quyết định số 4653/QĐ-UBND ngày 28/12/2020 của UBND tỉnh về "
                      "giao chỉ tiêu kế hoạch phát triển kinh tế - xã hội năm 2021, Sở Thông "
                      "tin và Truyền thông báo cáo kết quả thực hiện như sau:"),
            Heading("Kết quả thực hiện các chỉ tiêu", 1),
            Paragraph(summary_sentence()),
            indicator_table(),
            Heading("Kết quả thực hiện nhiệm vụ trọng tâm", 1),
            Heading("Kết quả chung", 2),
            Paragraph("Sở hoàn thành 100% các nội dung chỉ tiêu, nhiệm vụ trọng tâm đã đăng ký "
                      "với tỉnh; tham mưu cho Tỉnh ủy, HĐND, UBND tỉnh ban hành nhiều cơ chế, "
                      "chính sách quan trọng, có tính xuyên suốt đến năm 2025, tầm nhìn đến "
                      "năm 2030."),
            Heading("Kết quả theo lĩnh vực", 2),
            Heading("Lĩnh vực bưu chính", 3),
            Paragraph("Duy trì mạng điểm phục vụ bưu chính bảo đảm 100% số xã có điểm phục vụ "
                      "có người phục vụ; triển khai Chương trình hỗ trợ hộ sản xuất nông nghiệp "
                      "đưa sản phẩm lên sàn thương mại điện tử."),
            Heading("Lĩnh vực viễn thông", 3),
            Paragraph("Thúc đẩy chia sẻ, sử dụng chung hạ tầng kỹ thuật viễn thông thụ động; "
                      "phát triển thuê bao băng rộng cố định tới hộ gia đình; xóa các vùng lõm "
                      "sóng thông tin di động."),
            Heading("Lĩnh vực ứng dụng công nghệ thông tin", 3),
            Paragraph("Triển khai nền tảng kết nối, chia sẻ dữ liệu (LGSP), kết nối các cơ sở "
                      "dữ liệu quốc gia; vận hành Trung tâm giám sát, điều hành thông minh "
                      "(IOC) phục vụ chỉ đạo, điều hành."),
            Heading("Phương hướng, nhiệm vụ năm 2022", 1),
            Paragraph("Thí điểm mạng 5G trên địa bàn thị xã Sa Pa; thúc đẩy thanh toán số, "
                      "thanh toán không dùng tiền mặt, tập trung tuyên truyền dịch vụ Mobile "
                      "Money; triển khai dịch vụ công trực tuyến mức độ 4."),
            Paragraph("Triển khai kế hoạch chuyển đổi số toàn diện cho các chợ Cốc Lếu, Sa Pa, "
                      "Bắc Hà; hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi sản xuất, cung cấp "
                      "dịch vụ trên các nền tảng số; đưa chương trình phổ biến kiến thức về "
                      "chuyển đổi số vào các trường học."),
            Paragraph("Trên đây là báo cáo kết quả thực hiện chỉ tiêu, nhiệm vụ năm 2021 của Sở "
                      "Thông tin và Truyền thông."),
        ),
        signature=Signature(
            name="Nguyễn Văn An",
            title="Phó Giám đốc",
            chain=((Authority.FOR_THE_HEAD, "Giám đốc"),),
        ),
        recipients=("UBND tỉnh (b/c)", "Sở Kế hoạch và Đầu tư", "Lãnh đạo Sở",
                    "Các phòng, đơn vị thuộc Sở"),
        archive="VP",
    )
