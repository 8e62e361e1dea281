"""The authorisation matrix: every route, with every role and a foreign-scope officer.

The officer, approver and integrator work for Bát Xát district (082, before the 2025
reform); `foreign` is an officer of Sa Pa (088). Every case asks about Bát Xát data,
so `foreign` must be refused wherever data is named. A route that is not listed here
fails the test: adding a route means deciding who may use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from starlette.routing import Route

from fansipan.api.app import create_app
from fansipan.domain.access import Principal, PrincipalKind, Role
from fansipan.domain.calendar import vietnam_calendar
from fansipan.services.direction.attachments import attach_file
from fansipan.services.direction.directives import create_directive
from fansipan.services.direction.shapes import DirectiveCreate, TaskCreate
from fansipan.services.direction.tasks import create_tasks
from fansipan.services.exchange.connectors import ConnectorCreate, create_connector
from fansipan.services.exchange.outbound import DestinationCreate, allow_destination
from fansipan.services.trust.accounts import UserCreate, create_user
from fansipan.services.trust.audit import AuditQuery, search_events
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.settings import Settings
from tests.support.accounts import Account

ALL = frozenset({"anonymous", "admin", "leader", "officer", "approver", "integrator",
                 "foreign"})
SIGNED_IN = ALL - {"anonymous"}
READERS = frozenset({"admin", "leader", "officer", "approver", "integrator"})  # of Bát Xát
FEED = frozenset({"admin", "leader", "officer", "approver", "foreign"})
ADMIN = frozenset({"admin"})
OFFICER = frozenset({"officer"})
APPROVER = frozenset({"approver"})
CLIENTS = frozenset({"admin", "integrator"})
NOBODY: frozenset[str] = frozenset()
# Field reports and dossiers: read by leaders, officers and approvers within their scope
# (not administrators nor integrators); a named record of Bát Xát is refused to `foreign`,
# whose lists are simply its own.
RECORDS = frozenset({"leader", "officer", "approver"})
RECORD_LISTS = RECORDS | {"foreign"}
REPORT = "/api/v1/service-requests/PA-2025-000001"
CATEGORY = {"name_vi": "Loại thử", "name_en": "A test kind", "agency": "so-xay-dung",
            "deadline_days": 3}
REPORT_FORM = {"service_code": "SAT_LO", "commune": "03006", "lat": "22.3364",
               "long": "103.8438", "attribute[TUYEN]": "QL4D", "attribute[MUC_DO]": "mot_phan"}
DOSSIER = {"number": "MATRIX-1", "procedure_code": "1.0001", "agency": "02683",
           "unit": "02683", "received_at": "2025-03-03T08:00:00+07:00",
           "due_at": "2025-03-05T17:00:00+07:00"}
LEADER = frozenset({"leader"})
# Key tasks of Bát Xát: another district's officer is answered 404 (the task is as missing
# as one that does not exist), which the matrix counts as not refused; that it is 404
# and says nothing is checked in test_a_foreign_officer_finds_no_task_of_bat_xat.
TASK_READERS = SIGNED_IN
TASK_REPORTERS = frozenset({"officer", "foreign"})
TASK_FILERS = frozenset({"officer", "leader", "foreign"})
TASK = "/api/v1/tasks/1"
NEW_TASK = {"directive": 1, "title": "Nhiệm vụ thử", "lead_unit": "082",
            "deadline": "2024-12-31"}
PROGRESS = {"kind": "progress", "on": "2024-02-01", "percent": 10}
RESULTS_REPORT = {"unit": "082", "date": "2025-01-10"}

VALUE = "/api/v1/datavalues/VT_TRAM_5G/02683/2024-03"
DVS = {"dataElement": "VT_TRAM_5G", "orgUnit": "082", "period": "202403", "idScheme": "CODE"}
DV = {"de": "VT_TRAM_5G", "ou": "02683", "pe": "202403"}
NEW_USER = {"username": "matrix.new", "roles": ["leader"], "all_units": True}
PUSH = {"name": "matrix.push", "kind": "push", "agency": "so-tttt", "units": ["082"],
        "units_as_of": "2024-12-31", "indicators": ["VT_TRAM_5G"], "periods": ["2024"],
        "url": "http://127.0.0.1:9/api", "retries": 0}
# Integrators give connected systems only what they hold (posting reports is anyone's).
NEW_CLIENT = {"username": "matrix.client2", "roles": ["reporter"], "units": ["082"],
              "units_as_of": "2025-01-01"}


INFERENCE: list[dict[str, Any]] = [{"share_of_parent": True}, {"rank": True},
                                   {"hierarchy": "mapped", "compare": True}]


@dataclass(frozen=True)
class Case:
    path: str
    allowed: frozenset[str]
    json: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    data: dict[str, str] | None = None  # a web form


MATRIX: dict[tuple[str, str], list[Case]] = {
    ("GET", "/healthz"): [Case("/healthz", ALL)],
    ("GET", "/readyz"): [Case("/readyz", ALL)],
    # Served by network, not by role, and to no network until FANSIPAN_METRICS_NETWORKS
    # names one (tests/security/test_http_hardening.py opens it).
    ("GET", "/metrics"): [Case("/metrics", NOBODY)],
    ("GET", "/api/openapi.json"): [Case("/api/openapi.json", ALL)],
    ("GET", "/api/docs"): [Case("/api/docs", ALL)],
    ("GET", "/api/v1/units"): [Case("/api/v1/units", ALL)],
    ("GET", "/api/v1/units/{ref}"): [Case("/api/v1/units/082", ALL,
                                          params={"as_of": "2025-01-01"})],
    ("GET", "/api/v1/periods/{spec}"): [Case("/api/v1/periods/2024Q1", ALL)],
    ("POST", "/api/v1/units"): [Case("/api/v1/units", ADMIN, json={
        "code": "matrix-agency", "name_vi": "Cơ quan thử", "level": "agency", "parent": "15"})],
    ("PATCH", "/api/v1/units/{ref}"): [Case("/api/v1/units/ubnd-tinh", ADMIN, json={})],
    ("POST", "/api/v1/units/reorganisations"): [Case("/api/v1/units/reorganisations", ADMIN, json={
        "effective": "2030-01-01", "successions": [{"old_code": "02686", "new_code": "02683"}]})],
    ("GET", "/api/v1/indicators"): [Case("/api/v1/indicators", ALL)],
    ("GET", "/api/v1/indicators/{code}"): [Case("/api/v1/indicators/VT_TRAM_5G", SIGNED_IN)],
    ("PUT", "/api/v1/indicators/{code}/visibility"): [
        Case("/api/v1/indicators/VT_TRAM_5G/visibility", ADMIN, json={"public": False}),
        # Publishing a rate over private parts needs the administrator's confirmation.
        Case("/api/v1/indicators/VT_TY_LE_BTS_DUNG_CHUNG/visibility", ADMIN,
             json={"public": True, "discloses_parts": True})],
    # The catalogue as the administrator owns it.
    ("POST", "/api/v1/indicators"): [Case("/api/v1/indicators", ADMIN, json={
        "code": "MATRIX_NEW", "name_vi": "Chỉ tiêu thử", "name_en": "A trial",
        "sector": "telecom", "formula": "VT_TRAM_5G * 2"})],
    ("PATCH", "/api/v1/indicators/{code}"): [Case("/api/v1/indicators/VT_TRAM_5G", ADMIN, json={
        "name_en": "5G base stations", "effective_from": "2025-01-01"})],
    ("POST", "/api/v1/indicators/{code}/retire"): [
        Case("/api/v1/indicators/VT_TRAM_5G/retire", ADMIN, json={"retired_from": None})],
    ("DELETE", "/api/v1/indicators/{code}"): [Case("/api/v1/indicators/MATRIX_NONE", ADMIN)],
    ("GET", "/api/v1/indicators/{code}/versions"): [
        Case("/api/v1/indicators/VT_TRAM_5G/versions", ADMIN)],
    ("POST", "/api/v1/indicators/preview"): [Case("/api/v1/indicators/preview", ADMIN, json={
        "formula": "VT_TRAM_5G * 2", "units": ["082"], "periods": ["2024"]})],
    ("GET", "/api/v1/metadata"): [Case("/api/v1/metadata", ADMIN, params={"shape": "dhis2"})],
    ("POST", "/api/v1/metadata/import"): [Case("/api/v1/metadata/import", ADMIN, json={
        "format": "fansipan-metadata", "version": 1, "groups": [
            {"code": "matrix_group", "name_vi": "Nhóm", "name_en": "Group"}]})],
    ("GET", "/api/v1/sectors"): [Case("/api/v1/sectors", ALL)],
    ("PUT", "/api/v1/sectors/{code}"): [Case("/api/v1/sectors/matrix", ADMIN, json={
        "name_vi": "Lĩnh vực thử", "name_en": "A trial sector"})],
    ("GET", "/api/v1/indicator-groups"): [Case("/api/v1/indicator-groups", ALL)],
    ("PUT", "/api/v1/indicator-groups/{code}"): [Case("/api/v1/indicator-groups/matrix", ADMIN,
                                                      json={"name_vi": "Nhóm thử",
                                                            "name_en": "A trial group"})],
    ("GET", "/api/v1/datavalues"): [
        Case("/api/v1/datavalues", READERS,
             params={"unit": "02683", "indicator": "VT_TRAM_5G"})],
    ("POST", "/api/v1/datavalues"): [
        Case("/api/v1/datavalues", OFFICER, json={"values": [
            {"indicator": "VT_TRAM_5G", "unit": "02683", "period": "2024-04", "value": 2}]})],
    ("GET", "/api/v1/datavalues/{indicator}/{unit}/{period}"): [Case(VALUE, READERS)],
    ("PUT", "/api/v1/datavalues/{indicator}/{unit}/{period}"): [
        Case(VALUE, OFFICER, json={"value": 4})],
    ("DELETE", "/api/v1/datavalues/{indicator}/{unit}/{period}"): [
        Case("/api/v1/datavalues/VT_TRAM_5G/02683/2024-05", OFFICER)],
    ("GET", "/api/v1/targets"): [Case("/api/v1/targets", ALL)],
    ("PUT", "/api/v1/targets"): [
        Case("/api/v1/targets", OFFICER, json={"indicator": "VT_TRAM_5G", "unit": "082",
                                               "period": "2024", "planned": 10})],
    ("GET", "/api/v1/targets/evaluation"): [
        Case("/api/v1/targets/evaluation", ALL, params={"year": 2024})],
    ("GET", "/api/v1/changes"): [Case("/api/v1/changes", FEED)],
    ("POST", "/api/v1/analytics"): [
        Case("/api/v1/analytics", READERS, json={"indicators": ["VT_TRAM_5G"],
                                                 "units": ["082"], "periods": ["2024"],
                                                 "as_of": "2024-12-31"}),
        # Inference: a share, a rank and mapped history are asked of the same unit; what
        # they would reveal beyond the asker's units is checked in test_inference_paths.
        *(Case("/api/v1/analytics", READERS, json={
            "indicators": ["VT_TRAM_5G"], "units": ["082"], "periods": ["2024-03"],
            "as_of": "2024-12-31", **option}) for option in INFERENCE)],
    ("GET", "/api/v1/analytics"): [
        Case("/api/v1/analytics", READERS, params={
            "indicator": "VT_TRAM_5G", "unit": "082", "period": "2024", "as_of": "2024-12-31"}),
        *(Case("/api/v1/analytics", READERS, params={
            "indicator": "VT_TRAM_5G", "unit": "082", "period": "2024-03",
            "as_of": "2024-12-31", **option}) for option in INFERENCE)],
    ("GET", "/api/v1/analytics.{fmt}"): [
        Case("/api/v1/analytics.csv", READERS, params={
            "indicator": "VT_TRAM_5G", "unit": "082", "period": "2024", "as_of": "2024-12-31"}),
        Case("/api/v1/analytics.xlsx", READERS, params={
            "indicator": "VT_TRAM_5G", "unit": "082", "period": "2024-03",
            "as_of": "2024-12-31", "share_of_parent": True, "rank": True})],
    ("POST", "/api/v1/auth/login"): [
        Case("/api/v1/auth/login", ALL, json={"username": "matrix.target",
                                              "password": "a long enough test passphrase"})],
    # Ends a cookie session; token holders have none to end.
    ("POST", "/api/v1/auth/logout"): [Case("/api/v1/auth/logout", NOBODY)],
    ("GET", "/api/v1/auth/me"): [Case("/api/v1/auth/me", ALL)],
    ("POST", "/api/v1/auth/password"): [
        Case("/api/v1/auth/password", SIGNED_IN,
             json={"current_password": "wrong", "new_password": "another long passphrase"})],
    ("POST", "/api/v1/auth/totp/setup"): [
        Case("/api/v1/auth/totp/setup", SIGNED_IN, json={"password": "wrong"})],
    ("POST", "/api/v1/auth/totp/enable"): [
        Case("/api/v1/auth/totp/enable", SIGNED_IN, json={"code": "123456"})],
    ("POST", "/api/v1/auth/totp/disable"): [
        Case("/api/v1/auth/totp/disable", SIGNED_IN, json={"password": "x", "code": "123456"})],
    ("GET", "/api/v1/auth/tokens"): [Case("/api/v1/auth/tokens", SIGNED_IN)],
    ("POST", "/api/v1/auth/tokens"): [
        Case("/api/v1/auth/tokens", SIGNED_IN, json={"name": "matrix"})],
    ("DELETE", "/api/v1/auth/tokens/{token_id}"): [
        Case("/api/v1/auth/tokens/999999", SIGNED_IN)],
    ("GET", "/api/v1/users"): [Case("/api/v1/users", ADMIN)],
    ("POST", "/api/v1/users"): [Case("/api/v1/users", ADMIN, json=NEW_USER)],
    ("GET", "/api/v1/users/{username}"): [Case("/api/v1/users/matrix.target", ADMIN)],
    ("PATCH", "/api/v1/users/{username}"): [
        Case("/api/v1/users/matrix.target", ADMIN, json={"display_name": "Người thử"})],
    ("POST", "/api/v1/users/{username}/password-reset"): [
        Case("/api/v1/users/matrix.other/password-reset", ADMIN)],
    ("POST", "/api/v1/users/{username}/unlock"): [
        Case("/api/v1/users/matrix.target/unlock", ADMIN)],
    ("DELETE", "/api/v1/users/{username}/sessions"): [
        Case("/api/v1/users/matrix.other/sessions", ADMIN)],
    ("GET", "/api/v1/clients"): [Case("/api/v1/clients", CLIENTS)],
    ("POST", "/api/v1/clients"): [Case("/api/v1/clients", CLIENTS, json=NEW_CLIENT)],
    ("GET", "/api/v1/clients/{name}/tokens"): [
        Case("/api/v1/clients/matrix.client/tokens", CLIENTS)],
    ("POST", "/api/v1/clients/{name}/tokens"): [
        Case("/api/v1/clients/matrix.client/tokens", CLIENTS, json={"name": "lgsp"})],
    ("DELETE", "/api/v1/clients/{name}/tokens/{token_id}"): [
        Case("/api/v1/clients/matrix.client/tokens/999999", CLIENTS)],
    ("GET", "/api/v1/approvals"): [Case("/api/v1/approvals", FEED)],
    ("POST", "/api/v1/approvals/{unit}/{period}/{action}"): [
        Case("/api/v1/approvals/082/2024-06/submit", OFFICER),
        Case("/api/v1/approvals/082/2024-06/approve", APPROVER),
        Case("/api/v1/approvals/082/2024-06/reopen", APPROVER),
    ],
    ("GET", "/api/v1/audit"): [Case("/api/v1/audit", ADMIN)],
    # Exchange hub. An officer of another district may import, but its rows for Bát Xát
    # are refused in the import summary (409), not by role.
    ("POST", "/api/v1/imports"): [
        Case("/api/v1/imports", frozenset({"officer", "foreign"}), json={"values": [
            {"indicator": "VT_TRAM_5G", "unit": "02683", "period": "2024-07", "value": 2}]})],
    ("GET", "/api/v1/jobs"): [Case("/api/v1/jobs", SIGNED_IN)],
    ("GET", "/api/v1/jobs/{job_id}"): [Case("/api/v1/jobs/0123456789abcdef", SIGNED_IN)],
    ("GET", "/api/v1/exports"): [
        Case("/api/v1/exports", READERS, params={"unit": "082", "indicator": "VT_TRAM_5G"})],
    ("POST", "/dhis2/api/dataValueSets"): [
        Case("/dhis2/api/dataValueSets", frozenset({"officer", "foreign"}),
             params={"idScheme": "CODE"}, json={"dataValues": [
                 {"dataElement": "VT_TRAM_5G", "orgUnit": "02683", "period": "202408",
                  "value": "2"}]})],
    ("GET", "/dhis2/api/dataValueSets"): [Case("/dhis2/api/dataValueSets", READERS, params=DVS)],
    ("GET", "/dhis2/api/dataValueSets.{fmt}"): [
        Case("/dhis2/api/dataValueSets.csv", READERS, params=DVS)],
    ("GET", "/dhis2/api/system/info"): [Case("/dhis2/api/system/info", SIGNED_IN)],
    ("GET", "/dhis2/api/system/info.json"): [Case("/dhis2/api/system/info.json", SIGNED_IN)],
    ("GET", "/dhis2/api/system/tasks/DATAVALUE_IMPORT/{job_id}"): [
        Case("/dhis2/api/system/tasks/DATAVALUE_IMPORT/0123456789abcdef", SIGNED_IN)],
    ("GET", "/dhis2/api/system/taskSummaries/DATAVALUE_IMPORT/{job_id}"): [
        Case("/dhis2/api/system/taskSummaries/DATAVALUE_IMPORT/0123456789abcdef", SIGNED_IN)],
    ("GET", "/dhis2/api/dataValues"): [Case("/dhis2/api/dataValues", READERS, params=DV)],
    ("GET", "/dhis2/api/dataValues.json"): [
        Case("/dhis2/api/dataValues.json", READERS, params=DV)],
    ("POST", "/dhis2/api/dataValues"): [
        Case("/dhis2/api/dataValues", OFFICER, params={**DV, "pe": "202409", "value": "3"})],
    ("GET", "/api/v1/templates"): [Case("/api/v1/templates", OFFICER, params={
        "sector": "telecom", "unit": "082", "period": "2024-03"})],
    ("GET", "/api/v1/exchange/clients"): [Case("/api/v1/exchange/clients", CLIENTS)],
    ("POST", "/api/v1/exchange/clients"): [Case("/api/v1/exchange/clients", CLIENTS, json={
        "name": "matrix.lgsp", "agency": "so-tttt", "units": ["082"],
        "units_as_of": "2025-01-01", "read": False, "report": True})],
    ("GET", "/api/v1/exchange/log"): [Case("/api/v1/exchange/log", ADMIN)],
    # A connector runs as its owner: pulling needs a role that writes (none of these
    # accounts holds both that and integrator), pushing reads only the owner's units.
    ("GET", "/api/v1/connectors"): [Case("/api/v1/connectors", CLIENTS)],
    ("POST", "/api/v1/connectors"): [
        Case("/api/v1/connectors", NOBODY, json={
            "name": "matrix.pull", "kind": "pull", "agency": "so-tttt", "units": ["082"],
            "units_as_of": "2025-01-01", "url": "http://127.0.0.1:9/none.json"}),
        Case("/api/v1/connectors", CLIENTS, json=PUSH),
        Case("/api/v1/connectors", ADMIN, json={**PUSH, "name": "matrix.push-sapa",
                                                "units": ["088"]}),
    ],
    ("GET", "/api/v1/connectors/{name}"): [
        Case("/api/v1/connectors/matrix.owned", CLIENTS)],
    ("PATCH", "/api/v1/connectors/{name}"): [
        Case("/api/v1/connectors/matrix.owned", CLIENTS, json={"schedule_minutes": 60})],
    ("POST", "/api/v1/connectors/{name}/run"): [
        Case("/api/v1/connectors/matrix.none/run", CLIENTS),
        Case("/api/v1/connectors/matrix.owned/run", CLIENTS)],
    ("GET", "/api/v1/connectors/{name}/runs"): [
        Case("/api/v1/connectors/matrix.none/runs", CLIENTS)],
    # The secret store and the outbound allow-list are the administrators'.
    ("GET", "/api/v1/secrets"): [Case("/api/v1/secrets", ADMIN)],
    ("POST", "/api/v1/secrets"): [Case("/api/v1/secrets", ADMIN, json={
        "name": "matrix.secret", "kind": "bearer", "value": "a-token-for-the-matrix",
        "origin": "http://127.0.0.1:9", "users": ["matrix.target"]})],
    ("PUT", "/api/v1/secrets/{name}"): [
        Case("/api/v1/secrets/matrix.secret", ADMIN, json={"value": "another-token"})],
    ("DELETE", "/api/v1/secrets/{name}"): [Case("/api/v1/secrets/matrix.secret", ADMIN)],
    ("GET", "/api/v1/outbound"): [Case("/api/v1/outbound", ADMIN)],
    ("POST", "/api/v1/outbound"): [
        Case("/api/v1/outbound", ADMIN, json={"entry": "10.9.8.0/24", "note": "matrix"})],
    ("DELETE", "/api/v1/outbound/{entry_id}"): [Case("/api/v1/outbound/999999", ADMIN)],
    ("GET", "/api/v1/exchange/log.csv"): [Case("/api/v1/exchange/log.csv", ADMIN)],
    ("DELETE", "/dhis2/api/dataValues"): [
        Case("/dhis2/api/dataValues", OFFICER, params={**DV, "pe": "202410"})],
    ("GET", "/api/v1/audit/verify"): [Case("/api/v1/audit/verify", ADMIN)],
    # The dashboard's pages. Reference pages are open to all and show each viewer only
    # the indicators it may read; pages that name Bát Xát data follow the API's rules.
    ("GET", "/static/{digest}/{name:path}"): [Case("/static/0/app.css", ALL)],
    ("GET", "/"): [Case("/", ALL)],
    ("GET", "/overview.{fmt}"): [Case("/overview.csv", ALL)],
    ("GET", "/wall"): [Case("/wall", ALL)],
    ("GET", "/live"): [Case("/live", ALL)],
    ("GET", "/indicators"): [Case("/indicators", ALL)],
    ("GET", "/indicators.{fmt}"): [Case("/indicators.json", ALL)],
    ("GET", "/indicators/{ref}"): [
        Case("/indicators/VT_TRAM_5G", READERS, params={"unit": "082", "period": "2024"}),
        Case("/indicators/VT_TRAM_5G.xlsx", READERS, params={"unit": "082", "period": "2024"})],
    # The list of units: each viewer sees the units of its own scope.
    ("GET", "/units"): [Case("/units", ALL, params={"q": "bat xat"})],
    ("GET", "/units.{fmt}"): [Case("/units.csv", ALL, params={"q": "bat xat"})],
    # A unit's name and its units below are public reference data, as in /api/v1/units.
    ("GET", "/units/{ref}"): [
        Case("/units/082", READERS | {"anonymous"}, params={"period": "2024"})],
    ("GET", "/sectors/{ref}"): [Case("/sectors/telecom", ALL)],
    ("GET", "/targets"): [Case("/targets", ALL)],
    ("GET", "/targets.{fmt}"): [Case("/targets.csv", ALL)],
    ("POST", "/targets"): [Case("/targets", OFFICER, data={
        "indicator": "VT_TRAM_5G", "unit": "082", "period": "2024", "planned": "10"})],
    ("GET", "/entry"): [
        Case("/entry", OFFICER, params={"unit": "082", "period": "2024-04"})],
    ("POST", "/entry"): [Case("/entry", OFFICER, data={
        "unit": "02683", "period": "2024-04", "sector": "telecom", "v:VT_TRAM_5G": "2"})],
    ("GET", "/imports"): [Case("/imports", OFFICER | {"foreign"})],
    ("POST", "/imports"): [Case("/imports", OFFICER | {"foreign"})],
    ("GET", "/imports/template.xlsx"): [Case("/imports/template.xlsx", OFFICER, params={
        "sector": "telecom", "unit": "082", "period": "2024-04"})],
    ("GET", "/login"): [Case("/login", ALL)],
    ("POST", "/login"): [Case("/login", ALL, data={"username": "matrix.target",
                                                  "password": "a long enough test passphrase"})],
    # Ends a cookie session; token holders have none to end.
    ("POST", "/logout"): [Case("/logout", NOBODY)],
    # Single sign-on is open to anyone (it is how one signs in); on this server it is not
    # configured, so both answer 404. What the callback refuses is in tests/security/test_sso.py.
    ("GET", "/login/sso"): [Case("/login/sso", ALL)],
    ("GET", "/login/sso/callback"): [Case("/login/sso/callback", ALL,
                                          params={"state": "x", "code": "y"})],
    ("GET", "/password"): [Case("/password", SIGNED_IN)],
    ("POST", "/password"): [Case("/password", SIGNED_IN, data={
        "current_password": "wrong", "new_password": "another long passphrase"})],
    ("GET", "/lang/{code}"): [Case("/lang/en", ALL)],
    # Open311: public reading; posting needs a reporter's api_key, sent in the body.
    ("GET", "/open311/v2/discovery.{fmt}"): [Case("/open311/v2/discovery.xml", ALL)],
    ("GET", "/open311/v2/services.{fmt}"): [Case("/open311/v2/services.json", ALL)],
    ("GET", "/open311/v2/services/{service_code}.{fmt}"): [
        Case("/open311/v2/services/SAT_LO.xml", ALL)],
    ("POST", "/open311/v2/requests.{fmt}"): [
        Case("/open311/v2/requests.json", NOBODY, data=REPORT_FORM),
        Case("/open311/v2/requests.xml", ALL, data={**REPORT_FORM, "api_key": "{reporter}"})],
    ("GET", "/open311/v2/requests.{fmt}"): [Case("/open311/v2/requests.json", ALL)],
    ("GET", "/open311/v2/requests/{service_request_id}.{fmt}"): [
        Case("/open311/v2/requests/PA-2025-000001.xml", ALL)],
    ("GET", "/open311/v2/tokens/{token}.{fmt}"): [Case("/open311/v2/tokens/none.json", ALL)],
    ("GET", "/open311/v2/{anything:path}"): [Case("/open311/v2/elsewhere.json", ALL)],
    # Field reports for staff: the report PA-2025-000001 belongs to Xã Bát Xát (02683).
    ("GET", "/api/v1/service-requests"): [Case("/api/v1/service-requests", RECORD_LISTS)],
    ("GET", "/api/v1/service-requests/{request_id}"): [Case(REPORT, RECORDS)],
    ("POST", "/api/v1/service-requests/{request_id}/steps"): [
        Case(f"{REPORT}/steps", OFFICER, json={"action": "comment", "internal_note": "x"})],
    ("GET", "/api/v1/service-requests/{request_id}/duplicates"): [
        Case(f"{REPORT}/duplicates", RECORDS)],
    ("PUT", "/api/v1/service-requests/{request_id}/moderation"): [
        Case(f"{REPORT}/moderation", OFFICER, json={"photos_hidden": False})],
    ("GET", "/api/v1/service-categories"): [Case("/api/v1/service-categories", ALL)],
    ("PUT", "/api/v1/service-categories/{code}"): [
        Case("/api/v1/service-categories/MATRIX", ADMIN, json=CATEGORY)],
    # Dossiers: an officer of another district may import, its Bát Xát rows are refused
    # in the summary (409), not by role.
    ("POST", "/api/v1/dossiers/imports"): [
        Case("/api/v1/dossiers/imports", frozenset({"officer", "foreign"}),
             json={"dossiers": [DOSSIER]})],
    ("GET", "/api/v1/dossiers"): [
        Case("/api/v1/dossiers", RECORD_LISTS, params={"period": "2025-03"})],
    ("GET", "/api/v1/dossiers/summary"): [
        Case("/api/v1/dossiers/summary", RECORD_LISTS, params={"period": "2025-03"})],
    ("GET", "/api/v1/dossiers/{number}"): [Case("/api/v1/dossiers/MATRIX-0", RECORDS)],
    ("GET", "/api/v1/record-counts/{indicator}"): [
        Case("/api/v1/record-counts/DVC_TIEP_NHAN", READERS,
             params={"unit": "082", "period": "2025-03"})],
    # The pages of field reports and dossiers.
    ("GET", "/feedback/new"): [Case("/feedback/new", ALL, params={"service": "SAT_LO"})],
    ("POST", "/feedback/new"): [Case("/feedback/new", ALL, data=REPORT_FORM)],
    ("GET", "/feedback/track"): [Case("/feedback/track", ALL, params={"id": "PA-2025-000001"})],
    ("POST", "/feedback/track"): [Case("/feedback/track", ALL, data={
        "id": "PA-2025-000001", "key": "not the key", "satisfied": "yes"})],
    ("GET", "/feedback/map"): [Case("/feedback/map", ALL)],
    ("GET", "/feedback/map.{fmt}"): [Case("/feedback/map.csv", ALL)],
    ("GET", "/feedback/photos/{name}"): [Case("/feedback/photos/0.jpg", ALL)],
    ("GET", "/inbox"): [Case("/inbox", RECORD_LISTS)],
    ("GET", "/inbox.{fmt}"): [Case("/inbox.json", RECORD_LISTS)],
    ("GET", "/inbox/{request_id}"): [Case("/inbox/PA-2025-000001", RECORDS)],
    ("POST", "/inbox/{request_id}"): [Case("/inbox/PA-2025-000001", OFFICER, data={
        "action": "comment", "internal_note": "x"})],
    ("POST", "/inbox/{request_id}/moderation"): [
        Case("/inbox/PA-2025-000001/moderation", OFFICER, data={"public_description": ""})],
    ("GET", "/dossiers"): [Case("/dossiers", RECORD_LISTS, params={"period": "2025-03"})],
    ("GET", "/dossiers.{fmt}"): [Case("/dossiers.csv", RECORD_LISTS,
                                      params={"period": "2025-03"})],
    ("GET", "/dossiers/late"): [Case("/dossiers/late", RECORDS, params={
        "agency": "02683", "period": "2025-03"})],
    ("GET", "/dossiers/late.{fmt}"): [Case("/dossiers/late.xlsx", RECORDS, params={
        "agency": "02683", "period": "2025-03"})],
    # Direction: directives and key tasks; leaders assign, the lead unit's officers report.
    ("GET", "/api/v1/directives"): [Case("/api/v1/directives", SIGNED_IN)],
    ("POST", "/api/v1/directives"): [Case("/api/v1/directives", LEADER, json={
        "number": "02/KH-UBND", "issued_on": "2024-01-05", "issuer": "UBND huyện Bát Xát",
        "excerpt": "Kế hoạch thử"})],
    ("GET", "/api/v1/directives/{directive_id}"): [Case("/api/v1/directives/1", TASK_READERS)],
    ("GET", "/api/v1/directives/{directive_id}/template.xlsx"): [
        Case("/api/v1/directives/1/template.xlsx", LEADER)],
    ("POST", "/api/v1/directives/{directive_id}/tasks.xlsx"): [
        Case("/api/v1/directives/1/tasks.xlsx", LEADER, json={"not": "a workbook"})],
    ("GET", "/api/v1/tasks"): [Case("/api/v1/tasks", SIGNED_IN, params={"on": "2024-03-01"})],
    ("POST", "/api/v1/tasks"): [Case("/api/v1/tasks", LEADER, json=NEW_TASK)],
    ("GET", "/api/v1/tasks/rates"): [Case("/api/v1/tasks/rates", SIGNED_IN)],
    ("GET", "/api/v1/tasks/{task_id}"): [Case(TASK, TASK_READERS)],
    ("POST", "/api/v1/tasks/{task_id}/events"): [
        Case(f"{TASK}/events", TASK_REPORTERS, json=PROGRESS),
        Case(f"{TASK}/events", LEADER | {"foreign"}, json={"kind": "extension",
                                                          "on": "2024-02-02",
                                            "new_deadline": "2024-12-31",
                                            "document": "12/UBND-VP"})],
    ("POST", "/api/v1/tasks/{task_id}/attachments"): [
        Case(f"{TASK}/attachments", TASK_FILERS, json={"not": "a file kind we take"})],
    ("GET", "/api/v1/tasks/{task_id}/attachments/{attachment_id}"): [
        Case(f"{TASK}/attachments/1", TASK_READERS)],
    ("GET", "/api/v1/reports/issuers"): [Case("/api/v1/reports/issuers", SIGNED_IN)],
    ("PUT", "/api/v1/reports/issuers/{code}"): [Case("/api/v1/reports/issuers/matrix", ADMIN, json={
        "name": "UBND huyện Bát Xát", "symbol": "BC-UBND", "place": "Bát Xát",
        "signer_name": "Nguyễn Văn A", "signer_title": "Chủ tịch",
        "authority": [["TM.", "Ủy ban nhân dân"]], "archive": "VP"})],
    ("GET", "/api/v1/reports/numbers"): [Case("/api/v1/reports/numbers", SIGNED_IN)],
    ("POST", "/api/v1/reports/jobs"): [Case("/api/v1/reports/jobs", READERS, json={
        "year": 2024, "unit": "082", "format": "xlsx"})],
    ("GET", "/api/v1/reports/jobs/{job_id}/file"): [
        Case("/api/v1/reports/jobs/0123456789abcdef/file", SIGNED_IN)],
    ("GET", "/api/v1/reports/{year}.{fmt}"): [
        Case("/api/v1/reports/2024.xlsx", READERS, params=RESULTS_REPORT)],
    ("GET", "/tasks"): [Case("/tasks", SIGNED_IN, params={"year": 2024})],
    ("GET", "/tasks.{fmt}"): [Case("/tasks.csv", SIGNED_IN, params={"year": 2024})],
    ("GET", "/tasks/{task_id}"): [Case("/tasks/1", TASK_READERS)],
    ("POST", "/tasks/{task_id}/events"): [Case("/tasks/1/events", TASK_FILERS, data={
        "kind": "comment", "note": "Ý kiến thử"})],
    ("POST", "/tasks/{task_id}/attachments"): [
        Case("/tasks/1/attachments", TASK_FILERS, data={"file": "not a file"})],
    ("GET", "/directives"): [Case("/directives", SIGNED_IN)],
    ("GET", "/directives/new"): [Case("/directives/new", LEADER)],
    ("POST", "/directives"): [Case("/directives", LEADER, data={
        "number": "03/KH-UBND", "issued_on": "2024-01-06", "issuer": "UBND huyện Bát Xát",
        "excerpt": "Kế hoạch thử"})],
    ("GET", "/directives/{directive_id}"): [Case("/directives/1", TASK_READERS)],
    ("POST", "/directives/{directive_id}/tasks"): [Case("/directives/1/tasks", LEADER, data={
        "title": "Nhiệm vụ thử", "lead_unit": "082", "deadline": "2024-12-31"})],
    ("GET", "/directives/{directive_id}/template.xlsx"): [
        Case("/directives/1/template.xlsx", LEADER)],
    ("POST", "/directives/{directive_id}/tasks.xlsx"): [
        Case("/directives/1/tasks.xlsx", LEADER, data={"file": "not a workbook"})],
    ("GET", "/reports"): [Case("/reports", SIGNED_IN)],
    ("POST", "/reports/jobs"): [Case("/reports/jobs", READERS, data={
        "year": "2024", "unit": "082", "format": "xlsx"})],
    ("GET", "/reports/jobs/{job_id}"): [Case("/reports/jobs/0123456789abcdef", SIGNED_IN)],
    ("GET", "/reports/jobs/{job_id}/file"): [
        Case("/reports/jobs/0123456789abcdef/file", SIGNED_IN)],
    # Anonymous visitors get the page with a note to sign in, and no alert.
    ("GET", "/alerts"): [Case("/alerts", ALL)],
    # Foresight. A forecast is of a unit in force today: Xã Bát Xát (the new 02683) lies
    # outside the old district the Bát Xát accounts were scoped to, so only the readers of
    # every unit reach it.
    ("GET", "/api/v1/forecasts"): [
        Case("/api/v1/forecasts", frozenset({"admin", "leader"}),
             params={"indicator": "VT_TRAM_5G", "unit": "02683"})],
    ("GET", "/api/v1/forecasts/status"): [Case("/api/v1/forecasts/status", SIGNED_IN)],
    ("POST", "/api/v1/forecasts/recompute"): [Case("/api/v1/forecasts/recompute", ADMIN)],
    ("GET", "/api/v1/odds"): [Case("/api/v1/odds", ALL, params={"year": 2024})],
    ("GET", "/api/v1/quality-flags"): [Case("/api/v1/quality-flags", SIGNED_IN)],
    # Officers may confirm flags; one outside their units answers 404, like an unknown one.
    ("POST", "/api/v1/quality-flags/{flag_id}/confirm"): [
        Case("/api/v1/quality-flags/999999/confirm", frozenset({"officer", "foreign"}),
             json={"note": "x"})],
    ("GET", "/api/v1/regimes"): [Case("/api/v1/regimes", ALL)],
    ("PUT", "/api/v1/regimes/{code}"): [Case("/api/v1/regimes/VT_TRAM_5G", ADMIN, json={})],
    ("DELETE", "/api/v1/regimes/{code}"): [Case("/api/v1/regimes/BC_DOANH_THU", ADMIN)],
    ("GET", "/api/v1/reporting"): [
        Case("/api/v1/reporting", READERS, params={"unit": "082", "period": "2024-03"})],
    ("GET", "/api/v1/alerts"): [Case("/api/v1/alerts", SIGNED_IN)],
    ("GET", "/api/v1/alerts/{alert_id}"): [Case("/api/v1/alerts/999999", SIGNED_IN)],
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge"): [
        Case("/api/v1/alerts/999999/acknowledge", SIGNED_IN, json={})],
    ("POST", "/api/v1/alerts/{alert_id}/resolve"): [
        Case("/api/v1/alerts/999999/resolve", SIGNED_IN, json={})],
    ("GET", "/api/v1/alert-rules"): [Case("/api/v1/alert-rules", ADMIN)],
    ("POST", "/api/v1/alert-rules"): [Case("/api/v1/alert-rules", ADMIN, json={
        "name": "Matrix", "kind": "outlier", "unit": "02683"})],
    # Administration pages: people and the audit log are the administrators'.
    ("GET", "/admin/catalogue"): [Case("/admin/catalogue", ADMIN, params={"q": "dan so"})],
    ("GET", "/admin/catalogue.{fmt}"): [Case("/admin/catalogue.json", ADMIN)],
    ("POST", "/admin/catalogue/sectors"): [Case("/admin/catalogue/sectors", ADMIN, data={
        "code": "matrix_web", "name_vi": "Lĩnh vực thử", "name_en": "A trial sector"})],
    ("POST", "/admin/catalogue/groups"): [Case("/admin/catalogue/groups", ADMIN, data={
        "code": "matrix_web", "name_vi": "Nhóm thử", "name_en": "A trial group"})],
    ("GET", "/admin/catalogue/new"): [Case("/admin/catalogue/new", ADMIN)],
    ("POST", "/admin/catalogue/new"): [Case("/admin/catalogue/new", ADMIN, data={
        "code": "MATRIX_WEB", "name_vi": "Chỉ tiêu thử", "name_en": "A trial",
        "sector": "telecom", "value_type": "number", "agg_units": "sum", "agg_time": "sum",
        "direction": "up", "periodicity": "month", "formula": "VT_TRAM_5G * 3",
        "action": "preview", "preview_units": "082", "preview_periods": "2024"})],
    ("GET", "/admin/catalogue/{code}"): [Case("/admin/catalogue/VT_TRAM_5G", ADMIN)],
    ("GET", "/admin/catalogue/{code}.json"): [Case("/admin/catalogue/VT_TRAM_5G.json", ADMIN)],
    ("POST", "/admin/catalogue/{code}"): [Case("/admin/catalogue/VT_TRAM_5G", ADMIN, data={
        "action": "delete"})],  # refused by the service (it has values): nothing changes
    ("GET", "/admin/catalogue/{code}/edit"): [Case("/admin/catalogue/VT_TRAM_5G/edit", ADMIN)],
    ("GET", "/admin/catalogue/{code}/edit.json"): [
        Case("/admin/catalogue/VT_TRAM_5G/edit.json", ADMIN)],
    ("POST", "/admin/catalogue/{code}/edit"): [Case("/admin/catalogue/VT_TRAM_5G/edit", ADMIN,
                                                    data={"name_vi": "", "action": "save"})],
    ("GET", "/admin/people"): [Case("/admin/people", ADMIN)],
    ("GET", "/admin/people.{fmt}"): [Case("/admin/people.csv", ADMIN)],
    ("POST", "/admin/people"): [Case("/admin/people", ADMIN, data={
        "username": "matrix.web", "roles": "leader", "all_units": "on"})],
    ("GET", "/admin/people/{username}"): [Case("/admin/people/matrix.target", ADMIN)],
    ("GET", "/admin/people/{username}.json"): [
        Case("/admin/people/matrix.target.json", ADMIN)],
    ("POST", "/admin/people/{username}"): [
        Case("/admin/people/matrix.target", ADMIN, data={"action": "unlock"})],
    # Approvals: read like the change feed (in scope); only approvers of the unit decide.
    ("GET", "/admin/approvals"): [Case("/admin/approvals", FEED)],
    ("GET", "/admin/approvals.{fmt}"): [Case("/admin/approvals.json", FEED)],
    ("POST", "/admin/approvals"): [Case("/admin/approvals", APPROVER, data={
        "unit": "082", "period": "2024-06", "action": "approve"})],
    # Connected systems: administrators see all, an integrator its own (as the API).
    ("GET", "/admin/systems"): [Case("/admin/systems", CLIENTS)],
    ("GET", "/admin/systems.{fmt}"): [Case("/admin/systems.csv", CLIENTS)],
    ("GET", "/admin/systems/connectors/{name}"): [
        Case("/admin/systems/connectors/matrix.owned", CLIENTS)],
    ("GET", "/admin/systems/connectors/{name}.json"): [
        Case("/admin/systems/connectors/matrix.owned.json", CLIENTS)],
    # Registering a system, its keys and its connectors: the API's rules on the web.
    ("POST", "/admin/systems/clients"): [Case("/admin/systems/clients", CLIENTS, data={
        "name": "matrix.web-lgsp", "agency": "so-tttt", "report": "on", "units": "082",
        "units_as_of": "01/01/2025"})],
    ("GET", "/admin/systems/clients/{name}"): [
        Case("/admin/systems/clients/matrix.client", CLIENTS)],
    ("GET", "/admin/systems/clients/{name}.json"): [
        Case("/admin/systems/clients/matrix.client.json", CLIENTS)],
    ("POST", "/admin/systems/clients/{name}"): [Case("/admin/systems/clients/matrix.client",
                                                     CLIENTS, data={
                                                         "action": "issue_token",
                                                         "token_name": "matrix"})],
    ("POST", "/admin/systems/connectors"): [Case("/admin/systems/connectors", CLIENTS, data={
        "name": "matrix.web-push", "kind": "push", "agency": "so-tttt",
        "url": "http://127.0.0.1:9/api", "units": "082", "units_as_of": "31/12/2024",
        "indicators": "VT_TRAM_5G", "periods": "2024", "retries": "0"})],
    ("POST", "/admin/systems/connectors/{name}"): [
        Case("/admin/systems/connectors/matrix.owned", CLIENTS, data={
            "action": "save", "url": "http://127.0.0.1:9/api", "schedule_minutes": "30",
            "retries": "0", "retry_seconds": "30"})],
    ("GET", "/admin/audit"): [Case("/admin/audit", ADMIN)],
    ("GET", "/admin/audit.{fmt}"): [Case("/admin/audit.xlsx", ADMIN)],
    ("GET", "/admin/audit/{event_id}"): [Case("/admin/audit/1", ADMIN)],
    ("GET", "/admin/audit/{event_id}.json"): [Case("/admin/audit/1.json", ADMIN)],
    # Units and reorganisations: the administrators', as in /api/v1/units (POST, PATCH).
    ("GET", "/admin/units"): [Case("/admin/units", ADMIN, params={"q": "bat xat"})],
    ("GET", "/admin/units.{fmt}"): [Case("/admin/units.json", ADMIN)],
    ("GET", "/admin/units/new"): [Case("/admin/units/new", ADMIN)],
    ("POST", "/admin/units/new"): [Case("/admin/units/new", ADMIN, data={
        "level": "agency", "code": "matrix-web-agency", "name_vi": "Cơ quan thử",
        "parent": "15"})],
    ("GET", "/admin/units/{ref}/edit"): [Case("/admin/units/ubnd-tinh/edit", ADMIN)],
    ("GET", "/admin/units/{ref}/edit.json"): [Case("/admin/units/ubnd-tinh/edit.json", ADMIN)],
    ("POST", "/admin/units/{ref}/edit"): [
        Case("/admin/units/matrix-web-agency/edit", ADMIN, data={"name_vi": "Cơ quan thử"})],
    ("GET", "/admin/units/reorganise"): [Case("/admin/units/reorganise", ADMIN)],
    ("POST", "/admin/units/reorganise"): [Case("/admin/units/reorganise", ADMIN, data={})],
    ("POST", "/admin/units/reorganise/apply"): [
        Case("/admin/units/reorganise/apply", ADMIN, data={"digest": "0" * 64})],
    ("GET", "/admin/units/reorganise/{digest}.json"): [
        Case(f"/admin/units/reorganise/{'0' * 64}.json", ADMIN)],
    ("GET", "/api/v1/alert-rules/{rule_id}"): [Case("/api/v1/alert-rules/1", ADMIN)],
    ("PUT", "/api/v1/alert-rules/{rule_id}"): [Case("/api/v1/alert-rules/1", ADMIN, json={
        "name": "Matrix", "kind": "outlier", "unit": "02683", "active": False})],
}


def app_routes(app: Any) -> set[tuple[str, str]]:
    """Every method × path the app answers: the OpenAPI schema, pages and hidden routes."""
    found = {(m.upper(), path) for path, ops in app.openapi()["paths"].items() for m in ops}
    _walk(app.routes, "", found)
    return found


def _walk(routes: list[Any], prefix: str, found: set[tuple[str, str]]) -> None:
    for route in routes:
        if isinstance(route, Route):
            found.update((m, prefix + route.path) for m in route.methods or () if m != "HEAD")
        elif hasattr(route, "original_router"):  # FastAPI's included routers
            _walk(route.original_router.routes, prefix + route.include_context.prefix, found)
        elif hasattr(route, "routes"):  # mounts
            _walk(route.routes, prefix + getattr(route, "path", ""), found)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """With a server secret, so the secret store has a key."""
    return settings.with_overrides(secret="the authorisation matrix's own long random secret")


@pytest.fixture
def world(settings: Settings, session: Session,
          make_account: Callable[..., Account]) -> Iterator[tuple[TestClient, dict[str, Any]]]:
    bat_xat = {"units": ["082"], "units_as_of": "2025-01-01"}
    accounts: dict[str, Any] = {
        "admin": make_account(Role.ADMIN),
        "leader": make_account(Role.LEADER),
        "officer": make_account(Role.OFFICER, **bat_xat),
        "approver": make_account(Role.APPROVER, **bat_xat),
        "integrator": make_account(Role.INTEGRATOR, **bat_xat),
        "foreign": make_account(Role.OFFICER, units=["088"], units_as_of="2025-01-01"),
    }
    for name in ("matrix.target", "matrix.other"):
        make_account(Role.LEADER, username=name)
    # The integrator's own connected system (another's answers it 404, counted as allowed).
    create_user(session=session, settings=settings, principal=accounts["integrator"].principal,
                kind=PrincipalKind.CLIENT, data=UserCreate(
                    username="matrix.client", roles=[Role.REPORTER], **bat_xat))
    accounts["reporter"] = make_account(Role.REPORTER, username="matrix.reporter",
                                        kind=PrincipalKind.CLIENT)
    _citizens_world(session)
    write_values(session=session, actor="tests", source="tests", items=[DataValueWrite(
        indicator="VT_TRAM_5G", unit="02683", period="2024-03", value=3)])
    _direction_world(session, settings.data_dir)
    allow_destination(session=session, principal=Principal.system("tests"),
                      data=DestinationCreate(entry="127.0.0.1", note="the matrix"))
    create_connector(session=session, settings=settings,
                     principal=accounts["integrator"].principal,
                     data=ConnectorCreate.model_validate({**PUSH, "name": "matrix.owned"}))
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False, client=("127.0.0.1", 40000)) as c:
        yield c, accounts
    app.state.engine.dispose()


def _citizens_world(session: Session) -> None:
    """A report and a dossier of Xã Bát Xát (02683) before the reform, in Bát Xát's scope."""
    from datetime import datetime

    from fansipan.domain.local_time import VIETNAM
    from fansipan.domain.service_requests import Answer, Location, Reporter
    from fansipan.exchange.open311.posting import NewServiceRequest
    from fansipan.services.citizens.categories import load_categories
    from fansipan.services.citizens.dossier_import import import_dossiers
    from fansipan.services.citizens.submissions import NewReport, submit_report

    load_categories(session=session)
    submit_report(session=session, principal=Principal.anonymous(), at=datetime(
        2025, 3, 3, 9, tzinfo=VIETNAM), report=NewReport(posted=NewServiceRequest(
            service_code="MAT_NUOC", location=Location(address="Thôn Tả Pờ Hồ"),
            reporter=Reporter(phone="0912 345 678"), answers=(Answer("LOAI", ("mat_nuoc",)),)),
            channel="web", commune="02683"))
    import_dossiers(session=session, principal=Principal.system("tests"),
                    records=[(1, {**DOSSIER, "number": "MATRIX-0"})])


def _with_keys(data: dict[str, str] | None, accounts: dict[str, Any]) -> dict[str, str] | None:
    """A form whose "{name}" values stand for an account's key (Open311's api_key)."""
    if data is None:
        return None
    return {k: accounts[v[1:-1]].token if v.startswith("{") and v.endswith("}") else v
            for k, v in data.items()}
def _direction_world(session: Session, folder: Path) -> None:
    """Directive 1 of Bát Xát with task 1 led by the district, and its file 1."""
    system = Principal.system("tests")
    create_directive(session=session, principal=system, data=DirectiveCreate(
        number="01/KH-UBND", issued_on=date(2024, 1, 5), issuer="UBND huyện Bát Xát",
        issuer_unit="082", excerpt="Kế hoạch thử"))
    create_tasks(session=session, principal=system, calendar=vietnam_calendar(), items=[
        TaskCreate(directive=1, title="Nhiệm vụ của Bát Xát", lead_unit="082",
                   deadline=date(2024, 6, 30))])
    pdf = folder / "bien-ban.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    attach_file(session=session, principal=system, task_id=1, path=pdf, file_name=pdf.name)


def test_a_foreign_officer_finds_no_task_of_bat_xat(
        world: tuple[TestClient, dict[str, Any]]) -> None:
    client, accounts = world
    foreign = accounts["foreign"].headers
    for path in ("/api/v1/tasks/1", "/api/v1/directives/1", "/api/v1/tasks/1/attachments/1"):
        r = client.get(path, headers=foreign)
        assert r.status_code == 404, path
        assert "Bát Xát" not in r.text and "Nhiệm vụ của" not in r.text
    r = client.post("/api/v1/tasks/1/events", headers=foreign, json=PROGRESS)
    assert r.status_code == 404
    assert client.get("/api/v1/tasks", headers=foreign).json() == []
    assert client.get("/api/v1/directives", headers=foreign).json() == []
    r = client.get("/api/v1/reports/2024.docx", headers=foreign, params=RESULTS_REPORT)
    assert r.status_code == 403


def test_every_route_is_in_the_matrix(settings: Settings) -> None:
    app = create_app(settings)
    missing = app_routes(app) - set(MATRIX)
    assert not missing, f"routes with no row in the authorisation matrix: {sorted(missing)}"
    stale = set(MATRIX) - app_routes(app)
    assert not stale, f"matrix rows for routes that no longer exist: {sorted(stale)}"
    app.state.engine.dispose()


def test_each_role_is_allowed_or_denied_as_designed(
    world: tuple[TestClient, dict[str, Any]], session: Session
) -> None:
    client, accounts = world
    wrong: list[str] = []
    for (method, _template), cases in MATRIX.items():
        for case in cases:
            for who in sorted(ALL):
                headers = accounts[who].headers if who in accounts else {}
                r = client.request(method, case.path, json=case.json, params=case.params,
                                   data=_with_keys(case.data, accounts), headers=headers)
                client.cookies.clear()  # a sign-in case must not lend its session to others
                assert r.status_code < 500, (method, case.path, who, r.text)
                allowed = r.status_code not in (401, 403)
                if allowed != (who in case.allowed):
                    wrong.append(f"{method} {case.path} as {who}: {r.status_code} "
                                 f"{r.text[:160]}")
    assert not wrong, "\n".join(wrong)
    denied = search_events(session=session, principal=accounts["admin"].principal,
                           query=AuditQuery(action="authz.denied", limit=1000))
    assert len(denied) > 50  # every refusal is in the audit log
    assert {e.actor for e in denied} >= {"anonymous", accounts["foreign"].username}


def test_inference_paths_reveal_nothing_beyond_the_askers_units(
        world: tuple[TestClient, dict[str, Any]]) -> None:
    """Bát Xát's share of the province and its rank among districts would reveal the
    province's total and the other districts' order: told to those who may read them."""
    client, accounts = world
    asked = {"indicators": ["VT_TRAM_5G"], "units": ["082"], "periods": ["2024-03"],
             "as_of": "2024-12-31", "share_of_parent": True, "rank": True}
    for who in sorted(READERS):
        r = client.post("/api/v1/analytics", json=asked, headers=accounts[who].headers)
        assert r.status_code == 200, (who, r.text)
        [record] = [dict(zip(r.json()["columns"], row, strict=True)) for row in r.json()["rows"]]
        assert record["value"] == 3
        reaches_province = who in ("admin", "leader")
        assert (record["share_of_parent"] is not None) is reaches_province, who
        assert (record["rank"] is not None) is reaches_province, who
