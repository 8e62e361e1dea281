"""What the package ships: a plain `pip install .` (or a wheel) must carry the compiled
message catalogue, the templates and the static files, since nothing is built at
install time."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "fansipan"


def _shipped_patterns() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns: list[str] = config["tool"]["setuptools"]["package-data"]["fansipan"]
    return patterns


def test_the_catalogues_templates_and_assets_are_package_data() -> None:
    patterns = _shipped_patterns()
    needed = [path for pattern in ("locale/*/LC_MESSAGES/*.mo", "locale/*/LC_MESSAGES/*.po",
                                   "web/templates/*.html", "web/static/*")
              for path in PACKAGE.glob(pattern)]
    assert any(p.suffix == ".mo" for p in needed)
    missing = [str(p.relative_to(PACKAGE)) for p in needed
               if not any(fnmatch.fnmatch(str(p.relative_to(PACKAGE)), pat) for pat in patterns)]
    assert not missing, f"add to [tool.setuptools.package-data]: {missing}"
