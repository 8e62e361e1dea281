"""The text rules of Decree 30/2020/NĐ-CP (Appendix I) for official documents.

- the number line "Số: 05/BC-UBND": numbers below 10 get a leading 0, "/" between the
  number and the symbol, "-" between the groups of the symbol, no spaces;
- the place-and-date line "Lào Cai, ngày 05 tháng 01 năm 2020": days below 10 and only
  the months 1 and 2 get a leading 0, so "ngày 29 tháng 6 năm 2019";
- parts numbered with Roman numerals, items with Arabic numerals and "." after them,
  points with the letters of the Vietnamese alphabet and ")": a) b) c) d) đ) e) g)…;
- the signer's authority: TM. (on behalf of a collective), Q. (acting head), KT. (signing
  for the head), TL. (by order), TUQ. (by delegated authority), in capitals;
- the recipients under "Nơi nhận:", one "- " line each ending ";", the last one
  "- Lưu: VT, <drafting unit and copies>.".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Final

from fansipan.domain.bilingual import invalid

__all__ = [
    "NATIONAL_MOTTO",
    "NATIONAL_NAME",
    "POINT_LETTERS",
    "Authority",
    "document_date",
    "number_line",
    "parse_date_line",
    "parse_number_line",
    "place_date_line",
    "point_label",
    "recipient_lines",
    "roman",
    "signature_lines",
]

NATIONAL_NAME: Final = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO: Final = "Độc lập - Tự do - Hạnh phúc"
# The Vietnamese alphabet without the letters that carry a diacritic of their own (ă â ê
# ô ơ ư) but with đ, as legal texts letter their points.
POINT_LETTERS: Final = (
    "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m",
    "n", "o", "p", "q", "r", "s", "t", "u", "v", "x", "y",
)  # fmt: skip

_UPPER: Final = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
_GROUP: Final = rf"[{_UPPER}0-9][{_UPPER}a-z0-9]*"
# A symbol such as BC-UBND, QĐ-BNV, UBND-VX, CTr-UBND, QyĐ-BTC: groups joined by "-".
_SYMBOL: Final = re.compile(rf"{_GROUP}(?:-{_GROUP})*")
_NUMBER_LINE: Final = re.compile(rf"Số: (\d+)/({_GROUP}(?:-{_GROUP})*)")
_DATE_LINE: Final = re.compile(r"(.+), ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")
_ACADEMIC: Final = re.compile(
    r"^(GS|PGS|TS|ThS|TSKH|KS|BS|CN|Th\.S|NGƯT|NGND)\.?(\s|\.)", re.IGNORECASE
)
_ROMAN: Final = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


# -- the number line (ô số 3) ------------------------------------------------------------------


def number_line(number: int, symbol: str) -> str:
    """"Số: 05/BC-UBND" for number 5 and symbol "BC-UBND"; "Số: 125/BC-UBND" for 125."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise invalid("number", f"Số văn bản phải là số nguyên từ 1 trở lên, không phải "
                      f"{number!r}", f"A document number must be a whole number from 1 up, "
                      f"not {number!r}", value=number)
    if not _SYMBOL.fullmatch(symbol):
        raise invalid(
            "symbol",
            f"Ký hiệu '{symbol}' không đúng: viết hoa chữ viết tắt, nối các nhóm bằng dấu "
            "gạch nối (-), không cách chữ, ví dụ BC-UBND",
            f"The symbol '{symbol}' is malformed: capital abbreviations joined by '-' with "
            "no spaces, e.g. BC-UBND",
            value=symbol,
        )
    return f"Số: {number:02d}/{symbol}"


def parse_number_line(text: str) -> tuple[int, str]:
    """The number and symbol of a number line, refusing one that breaks the rules."""
    m = _NUMBER_LINE.fullmatch(text.strip())
    if m is None:
        raise invalid(
            "number_line",
            f"Dòng số, ký hiệu '{text}' không đúng mẫu 'Số: 05/BC-UBND'",
            f"The number line '{text}' does not follow the form 'Số: 05/BC-UBND'",
            value=text,
        )
    digits, symbol = m.group(1), m.group(2)
    number = int(digits)
    if digits != f"{number:02d}":
        raise invalid(
            "number_line",
            f"Số '{digits}' sai cách ghi: số nhỏ hơn 10 thêm số 0 phía trước, các số khác "
            f"không thêm; ghi {number:02d}",
            f"The number '{digits}' is written wrongly: numbers below 10 take a leading 0, "
            f"others none; write {number:02d}",
            value=text,
        )
    return number, symbol


# -- the place and date line (ô số 4) ----------------------------------------------------------


def document_date(day: date) -> str:
    """"ngày 05 tháng 01 năm 2020", "ngày 29 tháng 6 năm 2019", "ngày 10 tháng 12 năm 2021"."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date_line(place: str, day: date) -> str:
    """"Lào Cai, ngày 05 tháng 01 năm 2020": the place in title case, then a comma."""
    name = " ".join(place.split())
    # Only the first letter is checked: "Thành phố Hồ Chí Minh" is the decree's own example.
    if not name or not (name[0].isupper() or name[0].isdigit()) or "," in name:
        raise invalid(
            "place",
            f"Địa danh '{place}' phải bắt đầu bằng chữ hoa và không có dấu phẩy, ví dụ "
            "'Lào Cai'",
            f"The place '{place}' must start with a capital letter and have no comma, e.g. "
            "'Lào Cai'",
            value=place,
        )
    return f"{name}, {document_date(day)}"


def parse_date_line(text: str) -> tuple[str, date]:
    """The place and date of a place-and-date line, refusing wrong padding or dates."""
    m = _DATE_LINE.fullmatch(text.strip())
    if m is None:
        raise invalid(
            "date_line",
            f"Dòng địa danh, ngày tháng '{text}' không đúng mẫu "
            "'Lào Cai, ngày 05 tháng 01 năm 2020'",
            f"The place-and-date line '{text}' does not follow the form "
            "'Lào Cai, ngày 05 tháng 01 năm 2020'",
            value=text,
        )
    place, d, mo, y = m.group(1), m.group(2), m.group(3), m.group(4)
    try:
        day = date(int(y), int(mo), int(d))
    except ValueError:
        raise invalid("date_line", f"Ngày {d}/{mo}/{y} không có thật",
                      f"{d}/{mo}/{y} is not a real date", value=text) from None
    expected = place_date_line(place, day)
    if " ".join(text.split()) != expected:
        raise invalid(
            "date_line",
            f"Ngày tháng sai cách ghi: ngày nhỏ hơn 10 và tháng 1, 2 thêm số 0 phía trước, "
            f"các tháng khác không thêm; ghi '{expected}'",
            f"The date is padded wrongly: days below 10 and months 1 and 2 take a leading 0, "
            f"other months none; write '{expected}'",
            value=text,
        )
    return place, day


# -- numbering of parts, items and points ------------------------------------------------------


def roman(n: int) -> str:
    """Roman numerals for parts and sections: 1 → I, 4 → IV, 14 → XIV."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 3999:
        raise invalid("number", f"Số La Mã chỉ có cho 1 đến 3999, không cho {n!r}",
                      f"Roman numerals exist for 1 to 3999 only, not {n!r}", value=n)
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def point_label(n: int) -> str:
    """The label of the n-th point of a clause: 1 → "a)", 5 → "đ)", 7 → "g)"."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= len(POINT_LETTERS):
        raise invalid(
            "point",
            f"Một khoản có tối đa {len(POINT_LETTERS)} điểm (a đến y); tách thành nhiều khoản",
            f"A clause has at most {len(POINT_LETTERS)} points (a to y); split it into "
            "several clauses",
            value=n,
        )
    return POINT_LETTERS[n - 1] + ")"


# -- the signature block (ô số 7) --------------------------------------------------------------


class Authority(StrEnum):
    """How the signer holds the power to sign (quyền hạn của người ký)."""

    ON_BEHALF_OF = "TM."  # thay mặt a collective: TM. ỦY BAN NHÂN DÂN
    ACTING = "Q."  # quyền, an acting head: Q. GIÁM ĐỐC
    FOR_THE_HEAD = "KT."  # ký thay, a deputy for the head: KT. GIÁM ĐỐC
    BY_ORDER = "TL."  # thừa lệnh: TL. GIÁM ĐỐC
    BY_DELEGATION = "TUQ."  # thừa ủy quyền: TUQ. GIÁM ĐỐC

    @property
    def prefix(self) -> str:
        return self.value


def signature_lines(
    chain: Sequence[tuple[Authority, str]], title: str | None, name: str
) -> tuple[list[str], str]:
    """The capitalised authority and title lines, and the signer's name.

    `chain` gives each authority with whom it acts for, outermost first:
    ((TM, "Ủy ban nhân dân"), (KT, "Chủ tịch")) with title "Phó Chủ tịch" gives
    ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]. An acting head has no title
    line of its own: ((Q, "Giám đốc"),) and None. A head who signs in their own right has
    an empty chain and their title.
    """
    lines = [f"{authority.prefix} {whom.strip().upper()}" for authority, whom in chain]
    if title is not None and title.strip():
        lines.append(title.strip().upper())
    if not lines:
        raise invalid("title", "Khối chữ ký cần quyền hạn hoặc chức vụ của người ký",
                      "A signature block needs the signer's authority or title")
    clean = " ".join(name.split())
    if not clean:
        raise invalid("signer", "Khối chữ ký cần họ và tên người ký",
                      "A signature block needs the signer's full name")
    if _ACADEMIC.match(clean):
        raise invalid(
            "signer",
            f"Không ghi học hàm, học vị trước họ tên người ký ('{clean}'); chỉ ghi họ và tên",
            f"No academic title goes before the signer's name ('{clean}'); give the name only",
            value=clean,
        )
    return lines, clean


# -- recipients (ô số 9b) ------------------------------------------------------------------------


def recipient_lines(recipients: Sequence[str], archive: str) -> list[str]:
    """The list under "Nơi nhận:": "- X;" per recipient, then "- Lưu: VT, <archive>."."""
    unit = archive.strip().rstrip(".")
    if not unit:
        raise invalid(
            "archive",
            "Dòng lưu cần chữ viết tắt tên đơn vị soạn thảo, ví dụ 'KHTC' trong "
            "'- Lưu: VT, KHTC.'",
            "The filing line needs the drafting unit's abbreviation, e.g. 'KHTC' in "
            "'- Lưu: VT, KHTC.'",
        )
    lines = []
    for row, recipient in enumerate(recipients, start=1):
        text = recipient.strip().removeprefix("-").strip().rstrip(";.").strip()
        if not text:
            raise invalid("recipients", f"Nơi nhận thứ {row} để trống; ghi tên hoặc bỏ dòng",
                          f"Recipient {row} is empty; name it or drop the line", row=row)
        lines.append(f"- {text};")
    lines.append(f"- Lưu: VT, {unit}.")
    return lines

