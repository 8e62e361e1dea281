"""The PDF, read back with poppler: its text, fonts, pages, and where things are drawn."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from fansipan.domain.documents import NATIONAL_MOTTO
from fansipan.reports.layout import lay_out
from fansipan.reports.metrics import text_width
from fansipan.reports.model import Report
from fansipan.reports.pdf_writer import render_html

MM = 72 / 25.4  # points per millimetre


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory: pytest.TempPathFactory, pdf_bytes: bytes) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "bao-cao.pdf"
    path.write_bytes(pdf_bytes)
    return path


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _pages(pdf: Path) -> int:
    return int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", str(pdf))).group(1))  # type: ignore[union-attr]


def test_a4_pages_with_the_metric_twin_of_times_new_roman(pdf_path: Path) -> None:
    info = _run("pdfinfo", str(pdf_path))
    assert "595.276 x 841.89 pts (A4)" in info
    assert _pages(pdf_path) >= 2
    fonts = _run("pdffonts", str(pdf_path))
    assert "Liberation-Serif" in fonts
    assert "DejaVu" not in fonts


def test_the_text_is_the_report_in_correct_vietnamese(pdf_path: Path, report: Report) -> None:
    text = " ".join(_run("pdftotext", "-layout", str(pdf_path), "-").split())
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "UBND TỈNH LÀO CAI", "Số: 05/BC-STTTT", "Lào Cai, ngày 05 tháng 01 năm 2022",
                 "BÁO CÁO", "Kết quả thực hiện chỉ tiêu, nhiệm vụ năm 2021",
                 "10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 5 chỉ tiêu vượt kế hoạch",
                 "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", "a) Lĩnh vực bưu chính",
                 "Nơi nhận:", "- Lưu: VT, VP.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An",
                 "Truyền thông./."):
        assert line in text, line
    for row in lay_out(report).tables[0].rows:
        for cell in row[3:6]:
            assert cell.text in text  # 1.650,0 1.712,5 103,8 … 2.640


def test_page_numbers_from_page_2_in_the_top_margin(pdf_path: Path, tmp_path: Path) -> None:
    pages = _pages(pdf_path)
    for page in range(1, pages + 1):
        # The text inside the top 20 mm of the page, the margin.
        top = _run("pdftotext", "-f", str(page), "-l", str(page), "-x", "0", "-y", "0",
                   "-W", "596", "-H", str(int(20 * MM)), str(pdf_path), "-").split()
        assert top == ([] if page == 1 else [str(page)])
    # And as a picture: ink in the top margin of page 2 only, centred on the text block.
    _run("pdftoppm", "-r", "50", "-f", "1", "-l", "2", "-png", str(pdf_path),
         str(tmp_path / "p"))
    first, second = sorted(tmp_path.glob("p-*.png"))
    band = (0, 0, int(210 / 25.4 * 50), int(19 / 25.4 * 50))
    assert _dark(Image.open(first).crop(band)) == []
    columns = _dark(Image.open(second).crop(band))
    assert columns, "no page number drawn on page 2"
    centre_mm = (min(columns) + max(columns)) / 2 / 50 * 25.4
    assert abs(centre_mm - (30 + 165 / 2)) < 3


def _dark(image: Image.Image) -> list[int]:
    """The x positions of columns holding a dark pixel."""
    grey = image.convert("L")
    width, height = grey.size
    pixels = grey.load()
    return [x for x in range(width) if any(pixels[x, y] < 128 for y in range(height))]


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[tuple[str, float, int]] = []
        self._page = 0
        self._x: float | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "page":
            self._page += 1
        if tag == "word":
            self._x = float(dict(attrs)["xmin"] or 0)

    def handle_data(self, data: str) -> None:
        if self._x is not None and data.strip():
            self.words.append((data.strip(), self._x, self._page))
            self._x = None


def test_the_header_has_two_columns_and_the_signature_sits_right(pdf_path: Path) -> None:
    parser = _Words()
    parser.feed(_run("pdftotext", "-bbox", str(pdf_path), "-"))
    where = {}
    for word, x, page in parser.words:
        where.setdefault(word, (x / MM, page))
    split = 30 + 65  # the header's column line, in mm from the left edge
    assert where["UBND"][0] < split and where["Số:"][0] < split
    assert where["CỘNG"][0] > split and where["Độc"][0] > split and where["Lào"][0] > split
    last = max(page for _, _, page in parser.words)
    signer = [x / MM for w, x, p in parser.words if w == "Nguyễn" and p == last]
    label = [x / MM for w, x, p in parser.words if w == "Nơi" and p == last]
    assert signer and signer[0] > 105  # right half of the page
    assert label and label[0] < 40  # against the left margin


class _Rules(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.widths: list[float] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "div" and found.get("class") == "rule":
            self.widths.append(float(re.search(r"([\d.]+)mm", found["style"] or "")[1]))  # type: ignore[index]


def test_rule_lengths_follow_the_text(report: Report) -> None:
    html = render_html(report)
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", html)
    rules = _Rules()
    rules.feed(html)
    issuer, motto, subject = rules.widths
    assert motto == pytest.approx(text_width(NATIONAL_MOTTO, 13, bold=True) / MM, abs=0.05)
    assert issuer == pytest.approx(0.4 * text_width("SỞ THÔNG TIN VÀ", 12, bold=True) / MM,
                                   abs=0.05)
    words = "Kết quả thực hiện chỉ tiêu, nhiệm vụ năm 2021"
    assert subject == pytest.approx(0.4 * text_width(words, 14, bold=True) / MM, abs=0.05)
