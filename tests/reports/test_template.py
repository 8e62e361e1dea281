"""The shipped Word template is what the script builds, and it is valid Word."""

from __future__ import annotations

import io
import zipfile
from importlib import resources

from docx import Document
from scripts.make_report_template import build_template

# docProps/core.xml is compared through python-docx: docxcompose (docxtpl's sub-documents)
# rebinds python-docx's "cp" prefix when imported, which changes how the file is written.
PARTS = ("word/document.xml", "word/styles.xml", "word/header1.xml", "word/header2.xml",
         "word/settings.xml", "[Content_Types].xml")


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in PARTS if n in z.namelist()}


def test_the_committed_template_is_the_script_output() -> None:
    shipped = (resources.files("fansipan.reports") / "templates" / "bao-cao.docx").read_bytes()
    built = io.BytesIO()
    build_template().save(built)
    assert _parts(shipped) == _parts(built.getvalue())
    assert len(_parts(shipped)) == len(PARTS)
    a = Document(io.BytesIO(shipped)).core_properties
    b = Document(built).core_properties
    assert (a.title, a.author, a.created) == (b.title, b.author, b.created)


def test_the_template_opens_and_names_its_styles_in_vietnamese() -> None:
    shipped = (resources.files("fansipan.reports") / "templates" / "bao-cao.docx").read_bytes()
    doc = Document(io.BytesIO(shipped))
    names = {s.name for s in doc.styles}
    for name in ("Quốc hiệu", "Tiêu ngữ", "Cơ quan ban hành", "Nội dung", "Nơi nhận",
                 "Danh sách nơi nhận", "Họ tên người ký", "Bảng số liệu"):
        assert name in names
    tags = "\n".join(p.text for p in doc.paragraphs)
    assert "{%p for b in blocks %}" in tags
    assert "{{ subject }}" in tags
