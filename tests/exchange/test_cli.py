"""The exchange commands: register a client, import with a progress bar, export, template."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from fansipan.cli import app


def run(store_url: str, *args: str) -> str:
    # In English: these tests read what the exchange commands report, not the language.
    result = CliRunner().invoke(app, list(args), env={"FANSIPAN_DATABASE_URL": store_url,
                                                      "FANSIPAN_LANG": "en"})
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_clients_import_export_and_template(store_url: str, tmp_path: Path) -> None:
    shown = run(store_url, "clients", "add", "lgsp-cli", "--agency", "so-tttt", "--units",
                "080,082", "--as-of", "2025-01-01", "--write")
    assert "Client id: lgsp-cli" in shown and re.search(r"Key:\s+fsp_", shown)
    data = tmp_path / "values.csv"
    data.write_text("indicator;unit;period;value\nVT_TRAM_5G;02647;2024-03;3\n",
                    encoding="utf-8-sig")
    assert "imported 1" in run(store_url, "import", str(data))
    assert "ignored 1" in run(store_url, "import", str(data))
    target = tmp_path / "out.json"
    run(store_url, "export", "--format", "dhis2", "--unit", "02647", "-o", str(target))
    [value] = json.loads(target.read_text())["dataValues"]
    assert value["dataElement"] == "VT_TRAM_5G" and value["period"] == "202403"
    book = tmp_path / "t.xlsx"
    run(store_url, "template", "--sector", "telecom", "--unit", "080", "--period", "2024-03",
        "-o", str(book))
    assert book.stat().st_size > 1000
    assert "lgsp-cli" in run(store_url, "clients", "list")


def test_import_reports_in_vietnamese_with_vietnamese_figures(store_url: str,
                                                              tmp_path: Path) -> None:
    data = tmp_path / "values.csv"
    rows = "".join(f"KHONG_CO;02647;2024-03;{i}\n" for i in range(1234))
    data.write_text("indicator;unit;period;value\n" + rows, encoding="utf-8-sig")
    result = CliRunner().invoke(app, ["import", str(data)],
                                env={"FANSIPAN_DATABASE_URL": store_url, "COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    shown = result.output
    assert "\nLỗi (không dòng nào được lưu): " in shown
    assert "1.234 dòng 0:" in shown  # the progress bar counts in Vietnamese too
    assert "1.234 dòng; thêm mới 0" in shown
    assert "… và 1.184" in shown
    assert "ERROR" not in shown and "1,234" not in shown
