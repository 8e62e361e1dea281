"""`fansipan indicators add|edit|retire|history|delete` on a store with the reference data."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from fansipan.cli import app

runner = CliRunner()


def run(store_url: str, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"FANSIPAN_DATABASE_URL": store_url,
                                                 "COLUMNS": "160", "FANSIPAN_LANG": "en"})
    return result.exit_code, result.output


def test_an_administrator_changes_the_catalogue_from_the_command_line(
        store_url: str, tmp_path: Path) -> None:
    code, out = run(store_url, "indicators", "add", "CNTT_TY_LE_MOI",
                    "--set", "name_vi=Tỷ lệ mới", "--set", "name_en=A new rate",
                    "--set", "sector=it_dx", "--set", "levels=commune|district",
                    "--set", "formula=100 * CNTT_HO_SO_TRUC_TUYEN / CNTT_HO_SO_TIEP_NHAN")
    assert code == 0, out
    assert "CNTT_TY_LE_MOI added" in out
    code, out = run(store_url, "indicators", "edit", "CNTT_TY_LE_MOI",
                    "--set", "formula=100 * CNTT_HO_SO_TRUC_TUYEN / CNTT_HO_SO_TIEP_NHA",
                    "--effective-from", "2025-01-01")
    assert code == 1
    assert "CNTT_HO_SO_TIEP_NHA" in out and "CNTT_HO_SO_TIEP_NHAN" in out  # did you mean
    definition = tmp_path / "edit.json"
    definition.write_text(json.dumps({"decimals": 2, "name_en": "Online share"}), "utf-8")
    code, out = run(store_url, "indicators", "edit", "CNTT_TY_LE_MOI", "--file", str(definition),
                    "--effective-from", "2025-01-01", "--note", "two decimals")
    assert code == 0, out
    code, out = run(store_url, "indicators", "history", "CNTT_TY_LE_MOI")
    assert code == 0, out
    assert "01/01/2025" in out and "decimals: 0 → 2" in out and "two decimals" in out
    code, out = run(store_url, "indicators", "retire", "CNTT_TY_LE_MOI", "--from", "2026-01-01")
    assert code == 0, out
    assert "retired from 01/01/2026" in out
    code, out = run(store_url, "indicators", "show", "CNTT_TY_LE_MOI")
    assert "retired_from: 2026-01-01" in out and "decimals: 2" in out
    code, out = run(store_url, "indicators", "edit", "CNTT_TY_LE_MOI", "--set", "decimals=x")
    assert code == 1 and "decimals" in out and "Traceback" not in out
    code, out = run(store_url, "indicators", "delete", "CNTT_TY_LE_MOI")
    assert code == 0, out
    code, out = run(store_url, "indicators", "show", "CNTT_TY_LE_MOI")
    assert code == 1


def test_units_are_added_and_reorganised_from_the_command_line(
        store_url: str, tmp_path: Path) -> None:
    code, out = run(store_url, "units", "add", "bql-kkt", "--name-vi", "Ban Quản lý Khu kinh tế",
                    "--level", "agency", "--parent", "15", "--from", "2025-07-01")
    assert code == 0, out
    assert "bql-kkt" in out and "01/07/2025" in out
    plan = tmp_path / "merger.json"
    plan.write_text(json.dumps({
        "effective": "2026-07-01", "act": "minh họa",
        "units": [{"code": "02683", "name_vi": "Xã Bát Xát", "level": "commune",
                   "parent_code": "15"}],
        "successions": [{"old_code": "02683", "new_code": "02683"},
                        {"old_code": "02686", "new_code": "02683"}]}), "utf-8")
    code, out = run(store_url, "units", "reorganise", str(plan), "--dry-run")
    assert code == 0, out
    assert "Dry run" in out and "2 units end" in out and "1 are created" in out
    assert "02686 Xã A Mú Sung" in out
    code, out = run(store_url, "units", "list", "--as-of", "2026-08-01")
    assert "A Mú Sung" in out  # the dry run changed nothing
    code, out = run(store_url, "units", "reorganise", str(plan))
    assert code == 0, out
    code, out = run(store_url, "units", "list", "--as-of", "2026-08-01")
    assert "A Mú Sung" not in out
    plan.write_text("{not json", "utf-8")
    code, out = run(store_url, "units", "reorganise", str(plan))
    assert code == 1 and "JSON" in out


def test_metadata_goes_from_one_instance_to_another(store_url: str, tmp_path: Path) -> None:
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert run(other, "db", "upgrade")[0] == 0
    exported = tmp_path / "metadata.json"
    code, out = run(store_url, "metadata", "export", str(exported))
    assert code == 0, out
    count = len(json.loads(exported.read_text("utf-8"))["indicators"])
    code, out = run(other, "metadata", "import", str(exported), "--dry-run")
    assert code == 0, out
    assert "Dry run" in out and f"Indicators: {count} created" in out
    code, out = run(other, "metadata", "import", str(exported))
    assert code == 0 and f"Indicators: {count} created" in out
    code, out = run(other, "metadata", "import", str(exported))
    assert f"Indicators: 0 created, 0 updated, {count} unchanged" in out
    dhis2 = tmp_path / "dhis2.json"
    assert run(other, "metadata", "export", str(dhis2), "--dhis2")[0] == 0
    assert "organisationUnits" in json.loads(dhis2.read_text("utf-8"))
