"""Whatever number a write path accepts, `fansipan audit verify` still finds the chain whole.

A written -0 used to break the audit chain for good: the change row's digest was taken
over -0.0, SQLite gives back 0.0, and every later verify reported tampering. Numbers
are now made canonical once, where they enter the write path; this property test sends
any number, written any way people and systems write it, through every write path
(the API, DHIS2 JSON, CSV and single values, CSV/XLSX/JSON imports, a file large enough
to be staged, `fansipan import`, a connector's pull from a loopback source, the entry
form, targets through the API and the form) and verifies the whole chain after each
write; negative numbers too, for an indicator that allows them.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fansipan.cli import app as cli
from fansipan.domain.access import Role
from fansipan.domain.numbers import format_number
from fansipan.services.trust.audit import verify_chain
from fansipan.services.warehouse import staging, writes
from fansipan.settings import Settings
from tests.exchange.sources import Remote, serve
from tests.support.accounts import PASSWORD, Account

IND, UNIT = "BC_DOANH_THU", "10"  # decimals, no upper bound, the old province
NEGATIVE = "KTXH_TANG_TRUONG_GRDP"  # a yearly growth rate: from -100, no upper bound
SECTORS = {IND: "postal", NEGATIVE: "ktxh"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

numbers = st.one_of(
    st.just(-0.0), st.just(0.0), st.just(5e-324), st.just(1e300),
    st.floats(min_value=0, max_value=1e300, allow_nan=False, allow_subnormal=True),
    st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda x: round(x, 3)),
    st.integers(0, 10**18))
negatives = st.one_of(
    st.just(-5e-324), st.just(-1e-300), st.just(-0.004), st.just(-100.0),
    st.floats(min_value=-100, max_value=0, allow_nan=False, allow_subnormal=True),
    st.floats(min_value=-100, max_value=0, allow_nan=False).map(lambda x: round(x, 3)),
    st.integers(-100, 0))


@st.composite
def written(draw: st.DrawFn, negative: bool = False) -> tuple[Any, str]:
    """(the number as a JSON value or text, how the text was written)"""
    value = draw(negatives if negative else numbers)
    form = draw(st.sampled_from(["json", "repr", "vi", "minus_zero"]))
    if form == "json":
        return value, "json"
    if form == "minus_zero":
        return draw(st.sampled_from(["-0", "-0,0", "-0.000", "-0e-3", "-0.0"])), "text"
    if form == "vi" and abs(value) < 1e15:
        return format_number(float(value), draw(st.integers(0, 3)), "vi"), "vi"
    return repr(float(value)), "text"


def _csv(value: Any, ind: str, period: str, sep: str = ",", more: tuple[str, ...] = ()
         ) -> bytes:
    """A file of the value for `period`, and the same value for the `more` periods."""
    head = "indicator,unit,period,value" if sep == "," else "Mã chỉ tiêu;Mã đơn vị;Kỳ;Giá trị"
    cell = json.dumps(str(value)) if sep == "," else str(value)
    return "".join([f"{head}\n"] + [f"{ind}{sep}{UNIT}{sep}{p}{sep}{cell}\n"
                                    for p in (period, *more)]).encode()


def _xlsx(value: Any, ind: str, period: str) -> bytes:
    book = Workbook()
    book.active.append(["indicator", "unit", "period", "value"])
    book.active.append([ind, UNIT, period, value])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Paths:
    """Every write path, each sending one value of an indicator for one period."""

    def __init__(self, client: TestClient, officer: Account, csrf: str, folder: Path,
                 store_url: str, remote: Remote, integrator: Account) -> None:
        self.c, self.h, self.csrf = client, officer.headers, csrf
        self.folder, self.store_url, self.remote = folder, store_url, remote
        self.integrator = integrator.headers
        self.staged: list[int] = []

    def api_put(self, value: Any, ind: str, period: str) -> int:
        return self.c.put(f"/api/v1/datavalues/{ind}/{UNIT}/{period}", json={"value": value},
                          headers=self.h).status_code

    def api_post(self, value: Any, ind: str, period: str) -> int:
        return self.c.post("/api/v1/datavalues", headers=self.h, json={"values": [
            {"indicator": ind, "unit": UNIT, "period": period, "value": value}]}).status_code

    def dhis2_json(self, value: Any, ind: str, period: str) -> int:
        return self.c.post("/dhis2/api/dataValueSets", params={"idScheme": "CODE"},
                           headers=self.h, json={"dataValues": [{
                               "dataElement": ind, "orgUnit": UNIT,
                               "period": period.replace("-", ""), "value": str(value)}]}
                           ).status_code

    def dhis2_csv(self, value: Any, ind: str, period: str) -> int:
        body = (f"dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n"
                f"{ind},{period.replace('-', '')},{UNIT},,,{json.dumps(str(value))}\n")
        return self.c.post("/dhis2/api/dataValueSets", params={"idScheme": "CODE"},
                           content=body.encode(), headers={**self.h, "content-type":
                                                           "application/csv"}).status_code

    def dhis2_single(self, value: Any, ind: str, period: str) -> int:
        return self.c.post("/dhis2/api/dataValues", headers=self.h, params={
            "de": ind, "ou": UNIT, "pe": period.replace("-", ""), "value": str(value)}
            ).status_code

    def _import(self, body: bytes, kind: str) -> int:
        return self.c.post("/api/v1/imports", content=body,
                           headers={**self.h, "content-type": kind}).status_code

    def import_csv(self, value: Any, ind: str, period: str) -> int:
        return self._import(_csv(value, ind, period), "text/csv")

    def import_vi_csv(self, value: Any, ind: str, period: str) -> int:
        return self._import(_csv(value, ind, period, ";"), "text/csv")

    def import_xlsx(self, value: Any, ind: str, period: str) -> int:
        return self._import(_xlsx(value, ind, period), XLSX)

    def import_json(self, value: Any, ind: str, period: str) -> int:
        return self._import(json.dumps({"values": [{"indicator": ind, "unit": UNIT,
                                                    "period": period, "value": value}]}
                                       ).encode(), "application/json")

    def import_staged(self, value: Any, ind: str, period: str) -> int:
        """A file of three rows with chunks of one row: checked on a stage, then applied."""
        earlier = tuple(f"{int(period[:4]) - n}{period[4:]}" for n in (1, 2))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(writes, "CHUNK", 1)
            begin = staging.StagedWrite.__init__

            def noted(stage: staging.StagedWrite, writer: writes.ValueWriter) -> None:
                self.staged.append(1)
                begin(stage, writer)

            patch.setattr(staging.StagedWrite, "__init__", noted)
            return self._import(_csv(value, ind, period, more=earlier), "text/csv")

    def cli_import(self, value: Any, ind: str, period: str) -> int:
        """`fansipan import FILE` on the same store, as an administrator types it."""
        path = self.folder / "import.csv"
        path.write_bytes(_csv(value, ind, period))
        done = CliRunner().invoke(cli, ["import", str(path), "--data-dir", str(self.folder)],
                                  env={"FANSIPAN_DATABASE_URL": self.store_url,
                                       "COLUMNS": "120"})
        if done.exception is not None and not isinstance(done.exception, SystemExit):
            return 500  # a traceback, not a refusal
        return 200 if done.exit_code == 0 else 422

    def connector_pull(self, value: Any, ind: str, period: str) -> int:
        """A connector pulls a CSV with the value from a loopback source, run by hand."""
        self.remote.csv("/so-lieu.csv", _csv(value, ind, period).decode())
        r = self.c.post("/api/v1/connectors/keo-so-lieu/run", headers=self.integrator)
        if r.status_code == 200 and r.json()["status"] != "done":
            return 422  # refused rows: the run saved nothing
        return r.status_code

    def entry_form(self, value: Any, ind: str, period: str) -> int:
        return self.c.post("/entry", data={"unit": UNIT, "period": period,
                                           "sector": SECTORS[ind], f"v:{ind}": str(value),
                                           "csrf_token": self.csrf}).status_code

    def target_api(self, value: Any, ind: str, period: str) -> int:
        return self.c.put("/api/v1/targets", headers=self.h, json={
            "indicator": ind, "unit": UNIT, "period": "2024", "planned": value}).status_code

    def target_form(self, value: Any, ind: str, period: str) -> int:
        return self.c.post("/targets", data={"indicator": ind, "unit": UNIT, "period": "2024",
                                             "planned": str(value), "csrf_token": self.csrf}
                           ).status_code


PATHS = [name for name in vars(Paths) if not name.startswith("_")]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """With a server secret (connectors keep their credentials under its key)."""
    return settings.with_overrides(secret="the chain property test's own long random secret")


@pytest.fixture
def source() -> Iterator[Remote]:
    yield from serve(Remote())


def _period(ind: str, month: int) -> str:
    """A month of 2024 for the monthly indicator, a year for the yearly one."""
    return f"2024-{month:02d}" if ind == IND else str(2012 + month)


def test_every_accepted_number_on_every_path_leaves_the_chain_whole(
        client: TestClient, make_account: Callable[..., Account], session: Session,
        store_url: str, source: Remote, tmp_path: Path) -> None:
    from fansipan.domain.access import Principal
    from fansipan.services.exchange.outbound import DestinationCreate, allow_destination

    officer = make_account(Role.OFFICER, Role.LEADER, username="so.lieu")
    integrator = make_account(Role.INTEGRATOR, Role.OFFICER, username="tich.hop")
    allow_destination(session=session, principal=Principal.system("tests"),
                      data=DestinationCreate(entry="127.0.0.1", note="the loopback source"))
    made = client.post("/api/v1/connectors", headers=integrator.headers, json={
        "name": "keo-so-lieu", "kind": "pull", "agency": "so-tttt", "format": "csv",
        "url": source.csv("/so-lieu.csv", ""), "retries": 0})
    assert made.status_code == 201, made.text
    r = client.post("/login", data={"username": "so.lieu", "password": PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 303
    paths = Paths(client, officer, str(client.cookies.get("fansipan_csrf")), tmp_path,
                  store_url, source, integrator)
    accepted: set[str] = set()

    @examples(max_examples=60, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(data=st.data(), path=st.sampled_from(PATHS), month=st.integers(1, 12),
           ind=st.sampled_from([IND, IND, NEGATIVE]))
    def write_and_verify(data: st.DataObject, path: str, month: int, ind: str) -> None:
        value, _form = data.draw(written(negative=ind == NEGATIVE))
        period = _period(ind, month)
        status = getattr(paths, path)(value, ind, period)
        assert status < 500, (path, value, status)
        if status in (200, 201, 303):
            accepted.add(path)
            stored = client.get(f"/api/v1/datavalues/{ind}/{UNIT}/{period}",
                                headers=officer.headers).json().get("value")
            if stored is not None:
                assert math.copysign(1.0, stored) == 1.0 or stored != 0, (path, value)
        report = verify_chain(session=session)
        assert report.ok, (path, value, report.problems)

    write_and_verify()
    for path in PATHS:  # and once each with -0, the number that broke the chain
        status = getattr(paths, path)("-0" if path != "api_put" else -0.0, IND, "2024-12")
        assert status in (200, 201, 303), (path, status)
        assert verify_chain(session=session).ok, path
    assert len(accepted) >= 10, accepted  # the draws reached most paths with accepted values
    assert paths.staged  # the staged way was taken
