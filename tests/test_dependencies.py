"""Every third-party module the project imports comes from a dependency it declares.

A module installed by hand on one machine makes the suite pass there and fail on a
fresh one; this reads every import of src/, tests/, bench/ and scripts/ and finds the
distribution that provides it among those pyproject.toml declares (directly, in an
extra, or through their own requirements).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("src", "tests", "bench", "scripts")
OURS = {"fansipan", "tests", "bench", "scripts"}


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str | None:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return _canon(match.group(1)) if match else None


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    roots = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        roots.extend(extra)
    todo = [n for n in (_requirement_name(r) for r in roots) if n]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        # An extra's requirements are only there when someone asked for that extra.
        todo.extend(n for r in requires if "extra ==" not in r
                    and (n := _requirement_name(r)))
    return seen


def _imported() -> dict[str, str]:
    found: dict[str, str] = {}
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                for name in names:
                    top = name.split(".")[0]
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_every_imported_module_comes_from_a_declared_dependency() -> None:
    declared = _declared()
    providers = metadata.packages_distributions()
    missing = []
    for module, where in sorted(_imported().items()):
        if module in OURS or module in sys.stdlib_module_names or module == "__future__":
            continue
        dists = {_canon(d) for d in providers.get(module, [])}
        if not dists & declared:
            missing.append(f"{module} (imported in {where}; installed from "
                           f"{sorted(dists) or 'nothing'})")
    assert not missing, "declare these in pyproject.toml: " + "; ".join(missing)


def test_the_lock_pins_every_declared_dependency() -> None:
    lock = (ROOT / "requirements" / "test.lock").read_text(encoding="utf-8")
    pinned = {_canon(m) for m in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", lock, re.M)}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"]) + list(project["optional-dependencies"]["test"])
    names = {n for n in (_requirement_name(r) for r in wanted) if n}
    assert names <= pinned, ("requirements/test.lock is older than pyproject.toml; run "
                             "the command at its top again: " + ", ".join(sorted(names - pinned)))
