"""The forecasting core is pure computation: it never reaches for the store or the web."""

from __future__ import annotations

import ast
from pathlib import Path

import fansipan.forecasting

ALLOWED = {"numpy", "pandas", "scipy", "statsforecast", "statsmodels"}
ALLOWED_OURS = ("fansipan.domain", "fansipan.errors", "fansipan.forecasting")


def test_forecasting_imports_only_computation_and_the_domain() -> None:
    folder = Path(fansipan.forecasting.__file__).parent
    wrong: list[str] = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                top = name.split(".")[0]
                if top == "fansipan":
                    if not name.startswith(ALLOWED_OURS):
                        wrong.append(f"{path.name}: {name}")
                elif top not in ALLOWED and top not in {
                    "__future__", "collections", "dataclasses", "enum", "functools", "math",
                    "os", "typing", "warnings",
                }:
                    wrong.append(f"{path.name}: {name}")
    assert wrong == []
