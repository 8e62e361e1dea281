"""The product's words in Vietnamese (the default) and English, from gettext catalogues.

msgids are the English text; `vi/LC_MESSAGES/fansipan.po` holds the Vietnamese, which
a translator edits with any gettext tool, and `fansipan.mo` beside it is its compiled
form shipped in the package (`scripts/translations.sh` extracts, updates and compiles;
docs/web.md says how). English needs no catalogue: a msgid is its own English.

Every edge that shows text to a person (pages, the CLI, the API's `*_vi` twins, import
summaries) says it through this module; the domain and the formats only build
`fansipan.errors.Message`s, which carry their msgid and values to the edge.
"""

from __future__ import annotations

import gettext as _gettext
import logging
from functools import cache
from pathlib import Path
from typing import Final

from fansipan.errors import FansipanError, FieldError, Message

LANGS: Final = ("vi", "en")
DEFAULT_LANG: Final = "vi"
DOMAIN: Final = "fansipan"
LOCALE_DIR: Final = Path(__file__).parent

log = logging.getLogger("fansipan.locale")


def check_lang(lang: str) -> str:
    """`lang` when it is one we speak, else the default (Vietnamese)."""
    return lang if lang in LANGS else DEFAULT_LANG


@cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The catalogue of `lang` (English: the msgids themselves)."""
    lang = check_lang(lang)
    if lang == "en":
        return _gettext.NullTranslations()
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as stream:
        return _gettext.GNUTranslations(stream)


def tr(lang: str, msgid: str, /, **params: object) -> str:
    """`msgid` in `lang`, with `{name}` placeholders filled in."""
    return _fill(translations(lang).gettext(msgid), msgid, lang, params)


def tr_p(lang: str, context: str, msgid: str, /, **params: object) -> str:
    return _fill(translations(lang).pgettext(context, msgid), msgid, lang, params)


def tr_n(lang: str, singular: str, plural: str, n: int, /, **params: object) -> str:
    """The form for `n` (Vietnamese has one form; English two); `{n}` is filled in too."""
    text = translations(lang).ngettext(singular, plural, n)
    return _fill(text, singular if n == 1 else plural, lang, {"n": n, **params})


def _fill(template: str, msgid: str, lang: str, params: dict[str, object], *,
          always: bool = False) -> str:
    if not params and not always:
        return template  # a label, or a pattern whose values the page fills in
    values = {k: say(v, lang) if isinstance(v, Message) else v for k, v in params.items()}
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        # A translation whose placeholders do not match its msgid (the catalogue test
        # catches this) must not take the page down: say it in English.
        log.error("translation of %r does not fit its values", msgid)
        try:
            return msgid.format(**values)
        except (KeyError, IndexError, ValueError):
            return msgid


def say(text: object, lang: str) -> str:
    """A message in `lang`; plain text (a unit's name, a value) is returned as it is."""
    if isinstance(text, Message):
        found = (translations(lang).pgettext(text.context, text.msgid)
                 if text.context is not None else translations(lang).gettext(text.msgid))
        # A message is always formatted, as its English was: `{{` is a brace.
        return _fill(found, text.msgid, lang, dict(text.params), always=True)
    return "" if text is None else str(text)


def field_label(name: str, lang: str) -> str:
    """A field's name for people ("period" → "kỳ"); an unknown field keeps its name."""
    return translations(lang).pgettext("field", name)


def say_field_error(error: FieldError, lang: str) -> str:
    """One problem as one line: "dòng 3, kỳ: ..." / "row 3, period: ..."."""
    where = tr(lang, "row {row}, ", row=error.row) if error.row is not None else ""
    return f"{where}{field_label(error.field, lang)}: {say(error.message, lang)}"


def say_error(exc: FansipanError, lang: str, *, details: int = 5) -> str:
    """An error and its first few problems in one line, as the CLI prints it."""
    head = say(exc.message, lang)
    if not exc.errors:
        return head
    shown = "; ".join(say_field_error(e, lang) for e in exc.errors[:details])
    more = len(exc.errors) - details
    tail = tr(lang, " (and {more} more)", more=more) if more > 0 else ""
    return f"{head}: {shown}{tail}"
