"""Generated requests against the OpenAPI schema: no server error, no schema violation.

Bounded: a handful of examples per operation (a few hundred requests per store), no
shrinking, run as an administrator who also holds every data role, so the generated
requests reach the code behind the permission checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from fansipan.api.app import create_app
from fansipan.domain.access import Role
from fansipan.settings import Settings
from tests.support.accounts import Account

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def api(settings: Settings, make_account: Callable[..., Account]) -> Iterator[Any]:
    account = make_account(Role.ADMIN, Role.OFFICER, Role.APPROVER, Role.LEADER,
                           Role.INTEGRATOR, username="fuzzer")
    app = create_app(settings)
    app.state.fuzz_headers = account.headers
    yield schemathesis.openapi.from_asgi("/api/openapi.json", app)
    app.state.engine.dispose()


schema = schemathesis.pytest.from_fixture("api")


@schema.parametrize()
@hypothesis_settings(max_examples=6, deadline=None, derandomize=True,
                     phases=[Phase.explicit, Phase.generate],
                     suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_no_schema_violations(case: Any) -> None:
    headers = dict(case.operation.schema.app.state.fuzz_headers)
    case.call_and_validate(headers=headers, checks=CHECKS)
