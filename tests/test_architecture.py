"""The house rules of the code's layout, checked on every run (docs/architecture.md).

- no import cycle between top-level packages, nor between the rooms of `services/`;
- `domain` imports nothing of ours but `errors`; `store` and `exchange` only `domain`
  (and `errors`); `locale` only `errors`;
- `api`, `web` and `cli` hold no SQL: no SQLAlchemy beyond the session type and its
  errors, no tables; `web` never imports `api`;
- no module passes 500 lines unless docs/architecture.md says why.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "fansipan"
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("fansipan"))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".")
                    base = base if is_package else base[:-1]
                    base = base[:len(base) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                if module.startswith("fansipan"):
                    targets.add(module)
                    # `from fansipan.services.trust import audit` imports a module too.
                    targets.update(f"{module}.{a.name}" for a in node.names)
        found[name] = targets
    return found


IMPORTS = _imports()


def _part(module: str, depth: int) -> str | None:
    parts = module.split(".")
    return parts[depth] if len(parts) > depth else None


def _is_module(dotted: str) -> bool:
    """A module or package of ours (not a name imported from one)."""
    path = PACKAGE.parent / dotted.replace(".", "/")
    return path.is_dir() or path.with_suffix(".py").exists()


def _graph(level: int, prefix: str) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, targets in IMPORTS.items():
        if not source.startswith(prefix):
            continue
        a = _part(source, level)
        for target in targets:
            if not target.startswith(prefix):
                continue
            b = _part(target, level)
            if a and b and a != b and _is_module(target):
                graph[a].add(b)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def _top(module: str) -> str:
    return _part(module, 1) or "fansipan"


def test_no_cycle_between_top_level_packages() -> None:
    graph = _graph(1, "fansipan.")
    assert not _cycles(graph), _cycles(graph)


def test_no_cycle_between_the_rooms_of_services() -> None:
    graph = _graph(2, "fansipan.services.")
    assert not _cycles(graph), _cycles(graph)


def _importers_of(kinds: set[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for source, targets in IMPORTS.items():
        if _top(source) in kinds:
            out[source].update(_top(t) for t in targets if t != "fansipan")
    return out


def test_the_domain_is_pure() -> None:
    for module, tops in _importers_of({"domain"}).items():
        assert tops <= {"domain", "errors"}, (module, tops)


def test_store_and_exchange_formats_import_only_the_domain() -> None:
    for module, tops in _importers_of({"store", "exchange"}).items():
        own = _top(module)
        assert tops <= {own, "domain", "errors"}, (module, tops)


def test_the_catalogue_imports_only_errors() -> None:
    for module, tops in _importers_of({"locale"}).items():
        assert tops <= {"locale", "errors"}, (module, tops)


def test_web_never_imports_the_api() -> None:
    for module, tops in _importers_of({"web"}).items():
        assert "api" not in tops and "cli" not in tops, (module, tops)


SQL_ALLOWED = {"sqlalchemy.orm", "sqlalchemy.exc"}
STORE_ALLOWED = {"fansipan.store.engine"}


def test_front_ends_hold_no_sql() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        if _top(module) not in {"api", "web", "cli"}:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.startswith("sqlalchemy") and not (
                        node.module in SQL_ALLOWED and {a.name for a in node.names} <= {
                            "Session", "OperationalError", "DataError", "IntegrityError"}):
                    offenders.append(f"{module}: from {node.module} import ...")
                if node.module.startswith("fansipan.store") and node.module not in STORE_ALLOWED:
                    offenders.append(f"{module}: from {node.module} import ...")
            elif isinstance(node, ast.Import):
                offenders.extend(f"{module}: import {a.name}" for a in node.names
                                 if a.name.startswith("sqlalchemy"))
    assert not offenders, offenders


def _allowed_long_modules() -> set[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.partition("## Modules over 500 lines")[2]
    return set(re.findall(r"`(src/fansipan/[\w/]+\.py)`", section))


def test_no_module_passes_500_lines_unless_the_docs_say_why() -> None:
    allowed = _allowed_long_modules()
    long = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
            for p in PACKAGE.rglob("*.py")}
    over = {p: n for p, n in long.items() if n > MAX_LINES and p not in allowed}
    assert not over, f"split these along their ideas, or say why in docs/architecture.md: {over}"
