from __future__ import annotations

import pytest

from fansipan.reports.docx_writer import write_docx
from fansipan.reports.model import Report
from fansipan.reports.pdf_writer import write_pdf
from fansipan.reports.xlsx_writer import write_xlsx
from tests.reports.samples import sample_report


@pytest.fixture(scope="session")
def report() -> Report:
    return sample_report()


@pytest.fixture(scope="session")
def docx_bytes(report: Report) -> bytes:
    return write_docx(report)


@pytest.fixture(scope="session")
def pdf_bytes(report: Report) -> bytes:
    return write_pdf(report)


@pytest.fixture(scope="session")
def xlsx_bytes(report: Report) -> bytes:
    return write_xlsx(report)
