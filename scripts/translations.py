"""The message catalogue's chores, with Babel: extract, update the Vietnamese, compile.

    .venv/bin/python -m scripts.translations update    # new msgids into vi.po
    .venv/bin/python -m scripts.translations compile   # vi.po → vi.mo (shipped)
    .venv/bin/python -m scripts.translations check     # what a translator still owes

msgids are English; `{name}` placeholders in both Python and templates. The same
extraction is what `tests/test_translations.py` checks the catalogue against. The
catalogues name the files a message comes from but not the lines, so moving code does
not rewrite them.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from fansipan import __version__

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "fansipan"
LOCALE = PACKAGE / "locale"
PO = LOCALE / "vi" / "LC_MESSAGES" / "fansipan.po"
MO = PO.with_suffix(".mo")
POT = LOCALE / "fansipan.pot"

# Python: msg()/pmsg() build messages the edges translate; tr(lang, ...) & co. translate
# at once; _t(...) is a view's tr bound to its language. Templates: the usual gettext names.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "msg": (1,),
    "pmsg": ((1, "c"), 2),
    "tr": (2,),
    "tr_p": ((2, "c"), 3),
    "tr_n": (2, 3),
    "_t": (1,),
}
METHODS = [
    ("web/templates/**.html", "jinja2"),
    ("**.py", "python"),
]
OPTIONS = {"web/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
SKIP = ("store/migrations/",)


def extracted() -> Iterator[tuple[str, int, str | tuple[str, ...], str | None]]:
    """(file, line, msgid or (singular, plural), context) for every message in the code."""
    for name, line, message, _comments, context in extract_from_dir(
            PACKAGE, METHODS, OPTIONS, KEYWORDS, comment_tags=("Translators:",),
            strip_comment_tags=True):
        if not name.startswith(SKIP):
            yield name, line, message, context


def template() -> Catalog:
    catalog = Catalog(project="Fansipan", version=__version__, msgid_bugs_address="",
                      copyright_holder="The Fansipan contributors", charset="utf-8",
                      fuzzy=False)
    for name, line, message, context in extracted():
        catalog.add(message, locations=[(name, line)], context=context)
    return catalog


def load() -> Catalog:
    with PO.open("rb") as stream:
        return read_po(stream, locale="vi")


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def update() -> None:
    pot = template()
    catalog = load()
    # The header keeps its date, so an update that finds nothing new changes nothing.
    pot.creation_date = catalog.creation_date
    with POT.open("wb") as stream:
        write_po(stream, pot, width=100, omit_header=False, sort_output=False,
                 include_lineno=False)
    catalog.update(pot, no_fuzzy_matching=True)
    catalog.project, catalog.version = "Fansipan", __version__
    catalog.copyright_holder = "The Fansipan contributors"
    catalog.last_translator = catalog.language_team = "The Fansipan contributors"
    catalog.msgid_bugs_address = ""
    catalog.header_comment = ("# Vietnamese words of Fansipan (msgids are the English).\n"
                              "# Distributed under the same license as Fansipan, "
                              "GPL-3.0-or-later.")
    with PO.open("wb") as stream:
        write_po(stream, catalog, width=100, ignore_obsolete=True, include_previous=False,
                 include_lineno=False)


def compile_mo() -> None:
    MO.write_bytes(compiled(load()))


def untranslated(catalog: Catalog) -> list[str]:
    return [str(m.id) for m in catalog if m.id and (not m.string or m.fuzzy)]


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_mo()
    elif command != "check":
        print(__doc__)
        return 2
    missing = untranslated(load())
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing and command == "check" else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
