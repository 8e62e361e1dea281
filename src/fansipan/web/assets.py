"""Static assets: our own files and Plotly's, each served under its content hash.

Every URL carries the first hex digits of the file's SHA-256, so a browser may keep a
file for a year and still never runs a stale one after an upgrade. `plotly.min.js`
is read from the installed `plotly` package, never copied into the repository, and
Swagger UI's files (for `/api/docs`) from the installed `fastapi_offline` package.

Plotly adds its style rules at run time through `<style>` elements, which the
Content-Security-Policy (`style-src 'self'`) refuses. The same rules are cut out of the
installed bundle here and served as a stylesheet of our origin; the page then
declares them present (`<link id=...>`) so Plotly does not try to inject them.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import re
import threading
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

log = logging.getLogger("fansipan.web")

STATIC_DIR = Path(__file__).parent / "static"
PLOTLY_JS = "plotly.min.js"
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css")
PLOTLY_CSS = "plotly-rules.css"
# The ids Plotly looks for before it injects its global and its map rules.
PLOTLY_STYLE_ID = "plotly.js-style-global"
_MAP_CSS_ID = re.compile(r'getElementById\("([0-9a-f]{64})"\)\)\{var \w+=document\.createElement'
                         r'\("style"\);\w+\.id="\1",\w+\.textContent=')
_RULES_START = '{"X,X div":'


@dataclass(frozen=True)
class Asset:
    name: str
    body: bytes
    digest: str
    media_type: str

    @property
    def url(self) -> str:
        return f"/static/{self.digest}/{self.name}"


def swagger_file(name: str) -> bytes:
    """One of Swagger UI's dist files, as the installed fastapi_offline package ships it."""
    return files("fastapi_offline").joinpath("static", name).read_bytes()


def plotly_bundle() -> bytes:
    """The installed plotly package's own `plotly.min.js`."""
    return files("plotly").joinpath("package_data", PLOTLY_JS).read_bytes()


def _js_string(text: str, at: int) -> tuple[str, int]:
    """The JavaScript string literal starting at `at` (quote included) and where it ends."""
    quote = text[at]
    out: list[str] = []
    i = at + 1
    while text[i] != quote:
        if text[i] == "\\":
            i += 1
            out.append({"n": "\n", "t": "\t"}.get(text[i], text[i]))
        else:
            out.append(text[i])
        i += 1
    return "".join(out), i + 1


def plotly_rules(bundle: str) -> tuple[str, str | None]:
    """Plotly's global style rules and its map rules as CSS, and the map rules' element id.

    The global rules are an object literal `{"X,X div": "...", ...}` whose keys stand
    for `.js-plotly-plot .plotly` (X) and `.plotly-notifier` (Y).
    """
    css: list[str] = []
    start = bundle.find(_RULES_START)
    if start >= 0:
        i = start + 1
        while bundle[i] != "}":
            key, i = _js_string(bundle, i)
            value, i = _js_string(bundle, i + 1)  # skip the colon
            selector = (key.replace(",", ", ").replace("X", ".js-plotly-plot .plotly")
                        .replace("Y", ".plotly-notifier"))
            css.append(f"{selector.lstrip(', ')} {{{value}}}")
            if bundle[i] == ",":
                i += 1
    map_id = None
    found = _MAP_CSS_ID.search(bundle)
    if found:
        map_id = found.group(1)
        text, _ = _js_string(bundle, found.end())
        css.append(text)
    if start < 0 or map_id is None:
        log.warning("Plotly's style rules were not found in plotly.min.js; charts may look "
                    "unstyled (the bundle's layout changed)")
    return "\n".join(css) + "\n", map_id


class Assets:
    """Every static file, read once on first use and kept in memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_name: dict[str, Asset] | None = None
        self.plotly_map_style_id: str | None = None

    def _load(self) -> dict[str, Asset]:
        with self._lock:
            if self._by_name is None:
                found: dict[str, Asset] = {}
                for path in sorted(STATIC_DIR.rglob("*")):
                    if path.is_file():
                        name = path.relative_to(STATIC_DIR).as_posix()
                        found[name] = _asset(name, path.read_bytes())
                geo = files("fansipan.data").joinpath("geo")
                for entry in geo.iterdir():
                    if entry.name.endswith(".geojson"):
                        name = f"geo/{entry.name}"
                        found[name] = _asset(name, entry.read_bytes())
                for name in SWAGGER_FILES:
                    found[f"swagger/{name}"] = _asset(f"swagger/{name}", swagger_file(name))
                bundle = plotly_bundle()
                found[PLOTLY_JS] = _asset(PLOTLY_JS, bundle)
                rules, self.plotly_map_style_id = plotly_rules(bundle.decode("utf-8", "replace"))
                found[PLOTLY_CSS] = _asset(PLOTLY_CSS, rules.encode())
                self._by_name = found
            return self._by_name

    def url(self, name: str) -> str:
        return self._load()[name].url

    def get(self, name: str) -> Asset | None:
        return self._load().get(name)


def _asset(name: str, body: bytes) -> Asset:
    media = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if name.endswith(".geojson"):
        media = "application/geo+json"
    if media.startswith("text/") or media.endswith(("javascript", "json")):
        media += "; charset=utf-8"
    return Asset(name, body, hashlib.sha256(body).hexdigest()[:12], media)
