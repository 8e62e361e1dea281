from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from fansipan.domain.documents import Authority
from fansipan.errors import ValidationError
from fansipan.reports.layout import HeaderCell, lay_out, merge_header
from fansipan.reports.model import Column, Heading, Number, Paragraph, Report, Signature, Table
from tests.reports.samples import INDICATORS


def test_headings_are_numbered_roman_arabic_and_lettered(report: Report) -> None:
    layout = lay_out(report)
    headings = [b.text for b in layout.blocks if b.kind.startswith("heading")]
    assert headings == [
        "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ TRỌNG TÂM",
        "1. Kết quả chung",
        "2. Kết quả theo lĩnh vực",
        "a) Lĩnh vực bưu chính",
        "b) Lĩnh vực viễn thông",
        "c) Lĩnh vực ứng dụng công nghệ thông tin",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2022",
    ]


def test_the_header_lines(report: Report) -> None:
    layout = lay_out(report)
    assert layout.parent_body == "UBND TỈNH LÀO CAI"
    assert layout.issuing_body == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    assert layout.number_line == "Số: 05/BC-STTTT"
    assert layout.place_date_line == "Lào Cai, ngày 05 tháng 01 năm 2022"
    assert layout.document_type == "BÁO CÁO"
    assert layout.authority_lines == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
    assert layout.signer == "Nguyễn Văn An"
    assert layout.recipients[-1] == "- Lưu: VT, VP."
    draft = lay_out(replace(report, number=None, issued_on=date(2019, 6, 29)))
    assert draft.number_line == "Số:      /BC-STTTT"
    assert draft.place_date_line == "Lào Cai, ngày 29 tháng 6 năm 2019"


def test_the_content_ends_with_the_closing_mark(report: Report) -> None:
    last = lay_out(report).blocks[-1]
    assert last.text.endswith("Sở Thông tin và Truyền thông./.")
    assert last.keep_with_next
    ends_with_table = replace(report, blocks=(Paragraph("Số liệu:"), report.blocks[3]))
    assert lay_out(ends_with_table).blocks[-1].text == "./."


def test_table_cells_keep_numbers_and_their_vietnamese_text(report: Report) -> None:
    table = lay_out(report).tables[0]
    first = table.rows[0]
    assert [c.text for c in first[3:6]] == ["1.650,0", "1.712,5", "103,8"]
    assert [c.value for c in first[3:6]] == [1650.0, 1712.5, 103.8]
    assert table.rows[8][4].text == "2.640" and table.rows[8][4].excel_format == "#,##0"
    assert first[3].excel_format == "#,##0.0"
    assert len(table.rows) == len(INDICATORS) == 10
    assert lay_out(report, "en").tables[0].rows[0][4].text == "1,712.5"


def test_header_rows_merge_across_and_down() -> None:
    grid = [["STT", "Chỉ tiêu", "Năm 2021", "Năm 2021"],
            ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện"]]
    assert merge_header(grid) == (
        (HeaderCell("STT", 0, 1, 2), HeaderCell("Chỉ tiêu", 1, 1, 2),
         HeaderCell("Năm 2021", 2, 2, 1)),
        (HeaderCell("Kế hoạch", 2), HeaderCell("Thực hiện", 3)),
    )


def test_addressees_follow_the_decree() -> None:
    one = _report(addressees=("Ủy ban nhân dân tỉnh",))
    assert lay_out(one).addressees == ("Kính gửi: Ủy ban nhân dân tỉnh.",)
    many = _report(addressees=("Bộ Nội vụ", "Bộ Tài chính"))
    assert lay_out(many).addressees == ("Kính gửi:", "- Bộ Nội vụ;", "- Bộ Tài chính.")


def _report(**changes: object) -> Report:
    base = Report(
        issuing_body="Sở Thông tin và Truyền thông", symbol="BC-STTTT", place="Lào Cai",
        issued_on=date(2022, 1, 5), subject="Thử", blocks=(Paragraph("Nội dung."),),
        signature=Signature("Nguyễn Văn An", "Giám đốc"), recipients=("Như trên",),
        archive="VP",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_malformed_report_is_refused_before_any_writer_sees_it() -> None:
    with pytest.raises(ValidationError) as caught:
        _report(symbol="bc stttt")
    assert caught.value.errors[0].field == "symbol"
    with pytest.raises(ValidationError) as caught:
        _report(blocks=())
    assert caught.value.errors[0].field == "blocks"
    with pytest.raises(ValidationError):
        _report(signature=Signature("TS. Nguyễn Văn An", "Giám đốc",
                                    ((Authority.FOR_THE_HEAD, "Giám đốc"),)))
    with pytest.raises(ValidationError) as caught:
        Table(columns=(Column("A"), Column("B")), rows=(("x",),))
    assert caught.value.errors[0].row == 1
    with pytest.raises(ValidationError) as caught:
        Table(columns=(Column("A"),), rows=((12.5,),))  # type: ignore[arg-type]
    assert "Number(value, decimals)" in str(caught.value)
    with pytest.raises(ValidationError):
        Number(float("inf"))
    with pytest.raises(ValidationError):
        Heading("x", level=4)
