"""The `fansipan` command as a user types it, on a real demo store."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from fansipan.cli import app

runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    # A terminal of 120 columns, as an administrator's usually is, so tables do not wrap
    # the names the tests look for.
    result = runner.invoke(app, list(args), env={"FANSIPAN_DATABASE_URL": "", "COLUMNS": "120",
                                                 **(env or {})})
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    code, out = run("demo", "--no-serve", "--data-dir", str(folder))
    assert code == 0, out
    assert "minh họa" in out  # the CLI speaks FANSIPAN_LANG, Vietnamese by default
    return folder


def test_demo_twice_reuses_the_store(demo_dir: Path) -> None:
    code, out = run("demo", "--no-serve", "--data-dir", str(demo_dir))
    assert code == 0, out
    assert "đã được nạp trước đó" in out
    code, out = run("demo", "--no-serve", "--data-dir", str(demo_dir),
                    env={"FANSIPAN_LANG": "en"})
    assert "already loaded" in out and "đã được nạp" not in out


def test_the_2021_targets_read_as_the_plan_reports(demo_dir: Path) -> None:
    code, out = run("targets", "evaluate", "--year", "2021", "--data-dir", str(demo_dir),
                    "--as-of", "2026-11-26")
    assert code == 0, out
    assert out.strip().splitlines()[-1] == (
        "10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 5 chỉ tiêu vượt kế hoạch")
    code, out = run("targets", "evaluate", "--year", "2021", "--lang", "en",
                    "--data-dir", str(demo_dir), "--as-of", "2026-11-26")
    assert out.strip().splitlines()[-1] == "10/10 targets met or exceeded, of which 5 exceeded"


def test_figures_of_the_demo_say_they_are_illustrative(demo_dir: Path, tmp_path: Path) -> None:
    code, out = run("targets", "evaluate", "--year", "2021", "--data-dir", str(demo_dir),
                    "--as-of", "2026-11-26")
    assert out.splitlines()[0].startswith("⚠ Số liệu minh họa, không phải số liệu chính thức")
    exported = tmp_path / "values.csv"
    code, out = run("export", "--indicator", "CDS_DAN_SO", "--period", "2024", "--output",
                    str(exported), "--data-dir", str(demo_dir))
    assert code == 0, out
    assert "minh họa" in out
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(",nguon_so_lieu")
    assert len(lines) > 300 and all(line.endswith(",minh họa / illustrative") for line in lines[1:])
    template = tmp_path / "mau.xlsx"
    code, out = run("template", "--sector", "telecom", "--unit", "080", "--period", "2024-03",
                    "--output", str(template), "--data-dir", str(demo_dir))
    assert code == 0, out
    assert "minh họa" in out


def test_a_store_without_demo_data_is_not_marked(tmp_path: Path) -> None:
    code, out = run("db", "upgrade", "--data-dir", str(tmp_path))
    assert code == 0, out
    exported = tmp_path / "values.csv"
    code, out = run("export", "--output", str(exported), "--data-dir", str(tmp_path))
    assert code == 0, out
    assert "minh họa" not in out and "illustrative" not in out
    assert "nguon_so_lieu" not in exported.read_text(encoding="utf-8")


def test_units_across_the_reform(demo_dir: Path) -> None:
    code, out = run("units", "list", "--as-of", "2025-06-30", "--tree",
                    "--data-dir", str(demo_dir))
    assert code == 0, out
    assert "Huyện Bát Xát" in out
    assert "Phường Kim Tân" in out
    assert "(huyện)" in out and "(district)" not in out  # levels said in Vietnamese
    code, out = run("units", "list", "--as-of", "2025-07-01", "--data-dir", str(demo_dir))
    assert "Phường Lào Cai" in out
    assert "Huyện Bát Xát" not in out
    assert "Từ ngày" in out and "đơn vị có hiệu lực ngày 01/07/2025" in out
    code, out = run("units", "list", "--as-of", "2025-07-01", "--data-dir", str(demo_dir),
                    env={"FANSIPAN_LANG": "en"})
    assert "Valid from" in out and "units in force on 01/07/2025" in out


def test_indicators(demo_dir: Path) -> None:
    code, out = run("indicators", "list", "--sector", "postal", "--data-dir", str(demo_dir))
    assert code == 0, out
    assert "BC_DOANH_THU" in out
    code, out = run("indicators", "show", "BC_TY_LE_XA_CO_DIEM", "--data-dir", str(demo_dir))
    assert "100 * BC_XA_CO_DIEM / BC_TONG_XA" in out


def test_errors_are_one_line_and_a_non_zero_exit(demo_dir: Path, tmp_path: Path) -> None:
    code, out = run("indicators", "show", "BC_DOANH_THUU", "--data-dir", str(demo_dir))
    assert code == 1
    assert out.strip().startswith("lỗi:")
    assert "có phải 'BC_DOANH_THU'" in out and "mã chỉ tiêu" in out
    assert "Traceback" not in out
    code, out = run("indicators", "show", "BC_DOANH_THUU", "--data-dir", str(demo_dir),
                    env={"FANSIPAN_LANG": "en"})
    assert code == 1 and out.strip().startswith("error:")
    assert "did you mean 'BC_DOANH_THU'" in out
    code, out = run("units", "list", "--as-of", "30/06/2025", "--data-dir", str(demo_dir))
    assert code == 2
    assert "YYYY-MM-DD" in out and "không phải" in out
    code, out = run("units", "list", "--data-dir", str(tmp_path / "missing"))
    assert code == 1
    assert "không tồn tại" in out
    code, out = run("units", "list", "--data-dir", str(tmp_path / "missing"),
                    env={"FANSIPAN_LANG": "en"})
    assert "does not exist" in out


def test_db_upgrade_is_idempotent(tmp_path: Path) -> None:
    code, out = run("db", "upgrade", "--data-dir", str(tmp_path))
    assert code == 0, out
    assert "Đã nâng cấp cơ sở dữ liệu từ trống" in out
    code, out = run("db", "upgrade", "--data-dir", str(tmp_path), env={"FANSIPAN_LANG": "en"})
    assert "up to date" in out


def test_serve_refuses_production_without_a_secret(tmp_path: Path) -> None:
    code, out = run("serve", "--data-dir", str(tmp_path),
                    env={"FANSIPAN_ENVIRONMENT": "production", "FANSIPAN_SECRET": ""})
    assert code == 1
    assert "FANSIPAN_SECRET" in out and "ít nhất 32 ký tự" in out


def test_report_writes_into_the_current_folder_and_prints_the_path(
        demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fansipan.reports.decree30 import lint_docx

    monkeypatch.chdir(tmp_path)
    code, out = run("report", "--year", "2021", "--format", "docx", "--date", "2022-01-05",
                    "--data-dir", str(demo_dir))
    assert code == 0, out
    path = Path(out.strip().splitlines()[-1])
    assert path == tmp_path / "bao-cao-ket-qua-2021-nam-10.docx" and path.exists()
    assert list(lint_docx(path)) == []
    code, out = run("report", "--year", "2022", "--period", "9m", "--unit", "082", "--format",
                    "pdf", "--output", str(tmp_path / "chin-thang.pdf"), "--data-dir",
                    str(demo_dir))
    assert code == 0, out
    assert (tmp_path / "chin-thang.pdf").read_bytes()[:5] == b"%PDF-"
    code, out = run("report", "--year", "2021", "--format", "odt", "--data-dir",
                    str(demo_dir))
    assert code == 2 and "docx, xlsx or pdf" in out
    code, out = run("report", "--year", "2021", "--period", "autumn", "--data-dir",
                    str(demo_dir))
    assert code == 1 and out.count("\n") <= 3 and "year, 6m" in out


def test_tasks_and_their_completion_from_the_command_line(demo_dir: Path) -> None:
    code, out = run("tasks", "rates", "--year", "2021", "--data-dir", str(demo_dir))
    assert code == 0, out
    assert "Hoàn thành 6/6 nhiệm vụ đến hạn (100,00%)" in " ".join(out.split())
    code, out = run("tasks", "list", "--year", "2022", "--data-dir", str(demo_dir))
    assert code == 0 and "Thí điểm mạng 5G" in " ".join(out.split())
    code, out = run("report-issuer", "list", "--data-dir", str(demo_dir))
    assert code == 0 and "so-tttt: Sở Thông tin và Truyền thông (BC-STTTT)" in out


def test_a_wrong_language_setting_is_refused_in_both_languages(tmp_path: Path) -> None:
    code, out = run("db", "upgrade", "--data-dir", str(tmp_path), env={"FANSIPAN_LANG": "fr"})
    assert code == 1 and "FANSIPAN_LANG" in out
