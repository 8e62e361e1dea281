from __future__ import annotations

from datetime import date

import pytest

from fansipan.domain.documents import (
    NATIONAL_MOTTO,
    NATIONAL_NAME,
    Authority,
    document_date,
    number_line,
    parse_date_line,
    parse_number_line,
    place_date_line,
    point_label,
    recipient_lines,
    roman,
    signature_lines,
)
from fansipan.errors import ValidationError


@pytest.mark.parametrize(
    ("number", "symbol", "line"),
    [
        (5, "BC-UBND", "Số: 05/BC-UBND"),
        (15, "QĐ-BNV", "Số: 15/QĐ-BNV"),
        (5, "BNV-VP", "Số: 05/BNV-VP"),
        (12, "UBND-VX", "Số: 12/UBND-VX"),
        (1, "CTr-UBND", "Số: 01/CTr-UBND"),
        (9, "BC-STTTT", "Số: 09/BC-STTTT"),
        (10, "BC-STTTT", "Số: 10/BC-STTTT"),
        (1234, "BC-UBND", "Số: 1234/BC-UBND"),
    ],
)
def test_the_number_line(number: int, symbol: str, line: str) -> None:
    assert number_line(number, symbol) == line
    assert parse_number_line(line) == (number, symbol)


@pytest.mark.parametrize("symbol", ["bc-ubnd", "BC - UBND", "BC/UBND", "", "BC-", "-BC"])
def test_a_malformed_symbol_is_refused(symbol: str) -> None:
    with pytest.raises(ValidationError) as caught:
        number_line(5, symbol)
    assert caught.value.errors[0].field == "symbol"


@pytest.mark.parametrize("line", ["Số: 5/BC-UBND", "Số: 012/BC-UBND", "Số 05/BC-UBND",
                                  "Số: 05/BC UBND", "số: 05/BC-UBND"])
def test_a_wrong_number_line_is_refused(line: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_number_line(line)
    assert caught.value.errors[0].field == "number_line"


def test_padding_is_named_in_the_error() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_number_line("Số: 5/BC-UBND")
    assert "ghi 05" in str(caught.value) and "write 05" in str(caught.value)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2020, 1, 5), "ngày 05 tháng 01 năm 2020"),
        (date(2019, 6, 29), "ngày 29 tháng 6 năm 2019"),
        (date(2022, 2, 10), "ngày 10 tháng 02 năm 2022"),
        (date(2022, 3, 1), "ngày 01 tháng 3 năm 2022"),
        (date(2021, 12, 31), "ngày 31 tháng 12 năm 2021"),
        (date(2021, 10, 9), "ngày 09 tháng 10 năm 2021"),
    ],
)
def test_the_date_pads_days_below_10_and_only_months_1_and_2(day: date, text: str) -> None:
    assert document_date(day) == text


def test_the_place_and_date_line() -> None:
    assert place_date_line("Lào Cai", date(2020, 1, 5)) == "Lào Cai, ngày 05 tháng 01 năm 2020"
    line = "Thành phố Hồ Chí Minh, ngày 29 tháng 6 năm 2019"
    assert place_date_line("Thành phố Hồ Chí Minh", date(2019, 6, 29)) == line
    assert parse_date_line(line) == ("Thành phố Hồ Chí Minh", date(2019, 6, 29))
    with pytest.raises(ValidationError) as caught:
        place_date_line("lào cai", date(2020, 1, 5))
    assert caught.value.errors[0].field == "place"


@pytest.mark.parametrize(
    ("line", "fix"),
    [
        ("Lào Cai, ngày 5 tháng 01 năm 2020", "ngày 05 tháng 01"),
        ("Lào Cai, ngày 05 tháng 1 năm 2020", "tháng 01"),
        ("Lào Cai, ngày 29 tháng 06 năm 2019", "ngày 29 tháng 6 năm 2019"),
    ],
)
def test_wrong_padding_in_a_date_line_is_refused_with_the_fix(line: str, fix: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date_line(line)
    assert fix in str(caught.value)
    assert caught.value.errors[0].field == "date_line"


def test_impossible_or_shapeless_date_lines_are_refused() -> None:
    with pytest.raises(ValidationError, match="not a real date"):
        parse_date_line("Lào Cai, ngày 30 tháng 02 năm 2020")
    with pytest.raises(ValidationError, match="does not follow the form"):
        parse_date_line("Lào Cai, 05/01/2020")


def test_roman_numerals() -> None:
    assert [roman(n) for n in (1, 2, 3, 4, 5, 9, 10, 14, 40, 90, 400, 1999)] == [
        "I", "II", "III", "IV", "V", "IX", "X", "XIV", "XL", "XC", "CD", "MCMXCIX"]
    with pytest.raises(ValidationError):
        roman(0)


def test_points_use_the_vietnamese_alphabet() -> None:
    assert [point_label(n) for n in range(1, 12)] == [
        "a)", "b)", "c)", "d)", "đ)", "e)", "g)", "h)", "i)", "k)", "l)"]
    assert point_label(23) == "y)"
    with pytest.raises(ValidationError) as caught:
        point_label(24)
    assert "split it into several clauses" in str(caught.value)


def test_signature_blocks() -> None:
    assert signature_lines([(Authority.ON_BEHALF_OF, "Ủy ban nhân dân")], "Chủ tịch",
                           "Nguyễn Văn A") == (["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], "Nguyễn Văn A")
    assert signature_lines([(Authority.FOR_THE_HEAD, "Giám đốc")], "Phó Giám đốc",
                           "Trần  Thị   Bình")[0] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    chain = [(Authority.ON_BEHALF_OF, "Ủy ban nhân dân"), (Authority.FOR_THE_HEAD, "Chủ tịch")]
    assert signature_lines(chain, "Phó Chủ tịch", "Lê Văn C")[0] == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert signature_lines([(Authority.ACTING, "Giám đốc")], None, "X Y")[0] == ["Q. GIÁM ĐỐC"]
    assert signature_lines([(Authority.BY_ORDER, "Giám đốc")], "Chánh Văn phòng", "X Y")[0] == [
        "TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]
    assert signature_lines([(Authority.BY_DELEGATION, "Giám đốc")], "Trưởng phòng",
                           "X Y")[0] == ["TUQ. GIÁM ĐỐC", "TRƯỞNG PHÒNG"]
    assert signature_lines([], "Giám đốc", "X Y")[0] == ["GIÁM ĐỐC"]
    assert [a.prefix for a in Authority] == ["TM.", "Q.", "KT.", "TL.", "TUQ."]


@pytest.mark.parametrize("name", ["TS. Nguyễn Văn A", "ThS. Trần B", "PGS.TS. Lê C", "  "])
def test_no_academic_title_before_the_signer(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        signature_lines([], "Giám đốc", name)
    assert caught.value.errors[0].field == "signer"


def test_recipients_end_with_the_filing_line() -> None:
    assert recipient_lines(["UBND tỉnh (b/c)", "- Sở Kế hoạch và Đầu tư;", "Các phòng."],
                           "KHTC") == [
        "- UBND tỉnh (b/c);",
        "- Sở Kế hoạch và Đầu tư;",
        "- Các phòng;",
        "- Lưu: VT, KHTC.",
    ]
    with pytest.raises(ValidationError) as caught:
        recipient_lines(["A", " - "], "KHTC")
    assert caught.value.errors[0].row == 2
    with pytest.raises(ValidationError):
        recipient_lines(["A"], " ")


def test_the_national_header() -> None:
    assert NATIONAL_NAME == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert NATIONAL_MOTTO == "Độc lập - Tự do - Hạnh phúc"
