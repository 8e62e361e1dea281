"""The citizens' core stays pure: formats lean on the domain only, the domain on nothing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "fansipan"
EXCHANGE = [*sorted((SRC / "exchange" / "open311").glob("*.py")), SRC / "exchange" / "images.py"]
DOMAIN = [SRC / "domain" / f"{name}.py" for name in (
    "service_requests", "service_request_states", "service_request_deadlines",
    "service_request_views", "duplicates", "feedback", "dossiers", "dossier_stats", "geo",
    "rates", "local_time")]
ALLOWED_EXCHANGE = ("fansipan.domain", "fansipan.errors", "fansipan.exchange.open311")
ALLOWED_DOMAIN = ("fansipan.domain", "fansipan.errors")
# Nothing that reaches a database, the network or the disk at run time.
FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "httpx", "requests", "socket", "urllib.request",
             "http", "sqlite3", "psycopg", "os", "pathlib")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", EXCHANGE + DOMAIN, ids=lambda p: p.name)
def test_each_module_imports_only_what_its_layer_may(path: Path) -> None:
    allowed = ALLOWED_EXCHANGE if "exchange" in path.parts else ALLOWED_DOMAIN
    for name in _imports(path):
        if name.startswith("fansipan"):
            assert name.startswith(allowed), f"{path.name} imports {name}"
        assert name.split(".")[0] not in FORBIDDEN and name not in FORBIDDEN, \
            f"{path.name} imports {name}"
