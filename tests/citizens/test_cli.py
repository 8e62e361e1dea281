"""`fansipan feedback` and `fansipan dossiers` as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fansipan.cli import app
from tests.citizens.conftest import landslide, submit
from tests.citizens.test_dossiers import record

runner = CliRunner()


def run(store_url: str, *args: str) -> tuple[int, str]:
    env = {"FANSIPAN_DATABASE_URL": store_url, "COLUMNS": "240"}
    result = runner.invoke(app, list(args), env=env)
    return result.exit_code, result.output


def test_feedback_setup_list_and_show(store_url: str, session: Session) -> None:
    code, out = run(store_url, "feedback", "setup")
    assert code == 0 and "10 categories added" in out
    code, out = run(store_url, "feedback", "setup")
    assert "0 categories added" in out
    receipt = submit(session, landslide())
    code, out = run(store_url, "feedback", "list", "--state", "all")
    assert code == 0 and receipt.request_id in out and "quá hạn" in out
    code, out = run(store_url, "feedback", "show", receipt.request_id)
    assert code == 0 and "0912 345 678" in out and "Giao đơn vị xử lý" in out
    code, out = run(store_url, "feedback", "show", "PA-1999-000001")
    assert code == 1 and out.startswith("lỗi:") and "PA-1999-000001" in out


def test_dossiers_import_and_summary(store_url: str, session: Session, tmp_path: Path) -> None:
    good = tmp_path / "ho-so.json"
    good.write_text(json.dumps({"dossiers": [
        record("HS-1", completed_at="2026-03-04T10:00:00+07:00"),
        record("HS-2", completed_at="2026-03-12T10:00:00+07:00")]}), encoding="utf-8")
    code, out = run(store_url, "dossiers", "import", str(good))
    assert code == 0 and "2 new" in out
    code, out = run(store_url, "dossiers", "import", str(good))
    assert code == 0 and "2 unchanged" in out
    bad = tmp_path / "sai.json"
    bad.write_text(json.dumps({"dossiers": [record("HS-3", agency="khong-co")]}),
                   encoding="utf-8")
    code, out = run(store_url, "dossiers", "import", str(bad))
    assert code == 1 and "nothing was saved" in out and "agency" in out
    code, out = run(store_url, "dossiers", "summary", "--period", "2026-03")
    assert code == 0 and "Sở Tư pháp" in out and "50,0 %" in out
