"""The message catalogue: every msgid of the code and templates has its Vietnamese, with
the same placeholders, and the shipped `.mo` is the compiled `.po` (docs/web.md)."""

from __future__ import annotations

import gettext
import io
import re

import pytest
from scripts import translations as catalogue

from fansipan.errors import msg, pmsg
from fansipan.locale import field_label, say, tr, tr_n, translations

_PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text.replace("{{", "").replace("}}", "")))


@pytest.fixture(scope="module")
def extracted() -> dict[tuple[str | None, str], str]:
    found: dict[tuple[str | None, str], str] = {}
    for name, line, message, context in catalogue.extracted():
        first = message if isinstance(message, str) else message[0]
        if first:
            found[(context, first)] = f"{name}:{line}"
    return found


def test_the_code_has_messages_to_translate(extracted: dict[tuple[str | None, str], str]
                                            ) -> None:
    # The extraction sees templates and Python alike (a broken keyword would find none).
    places = {where.split(":")[0] for where in extracted.values()}
    assert any(p.endswith(".html") for p in places) and any(p.endswith(".py") for p in places)
    assert (None, "Sign in") in extracted and (None, "Connector {name}") in extracted


def test_every_msgid_has_a_vietnamese_translation(
        extracted: dict[tuple[str | None, str], str]) -> None:
    po = catalogue.load()
    missing = []
    for (context, msgid), where in extracted.items():
        entry = po.get(msgid, context=context)
        if entry is None or not entry.string or entry.fuzzy or (
                isinstance(entry.string, tuple) and not all(entry.string)):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, "add these to vi.po (python -m scripts.translations update):\n" + \
        "\n".join(missing)


def test_translations_keep_their_placeholders() -> None:
    for entry in catalogue.load():
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set().union(*(_placeholders(i) for i in ids))
        for text in strings:
            # A plural form may leave out {n} (Vietnamese says the number once).
            assert _placeholders(text) <= wanted, (entry.id, text)
            assert _placeholders(text) >= wanted - {"n"}, (entry.id, text)


def test_the_shipped_mo_is_the_compiled_po() -> None:
    assert catalogue.MO.read_bytes() == catalogue.compiled(catalogue.load()), \
        "run: python -m scripts.translations compile"
    shipped = gettext.GNUTranslations(io.BytesIO(catalogue.MO.read_bytes()))
    assert shipped.gettext("Sign in") == "Đăng nhập"


def test_messages_are_english_text_and_vietnamese_at_the_edge() -> None:
    message = msg("Connector {name}", name="vnpost")
    assert message == "Connector vnpost" and isinstance(message, str)
    assert say(message, "vi") == "Kết nối vnpost" and say(message, "en") == "Connector vnpost"
    nested = msg("{what} of {name}", what=pmsg("level", "commune"), name="Sa Pa")
    assert say(nested.params["what"], "vi") == "xã"
    assert say("Sa Pa", "vi") == "Sa Pa"  # a name is not a message
    assert field_label("period", "vi") == "kỳ" and field_label("period", "en") == "period"
    assert field_label("no_such_field", "vi") == "no_such_field"
    assert tr("vi", "Sign in") == "Đăng nhập" and tr("en", "Sign in") == "Sign in"
    assert tr_n("en", "{n} row", "{n} rows", 2) == "2 rows"
    assert isinstance(translations("vi"), gettext.GNUTranslations)
    # A message's braces are str.format's, in every language; a page's pattern is left
    # for its script to fill.
    braces = msg('send {{"values": [{{"indicator": …, "unit": …, "period": …, '
                 '"value": …}}]}}')
    assert braces.startswith('send {"values"') and say(braces, "vi").startswith('gửi {"values"')
    assert tr("vi", "below {least}") == "nhỏ hơn {least}"


def test_a_message_survives_a_copy() -> None:
    import copy

    message = msg("Connector {name}", name="vnpost")
    again = copy.deepcopy(message)
    assert again == message and say(again, "vi") == "Kết nối vnpost"


def test_no_message_hides_inside_an_f_string() -> None:
    # The extraction cannot see a call inside f"...{_('x')}...": its msgid would never
    # reach the catalogue, and the page would stay English.
    import ast

    calls = {"_", "_t", "tr", "tr_p", "tr_n", "msg", "pmsg"}
    hidden = []
    for path in catalogue.PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for part in ast.walk(node):
                    if isinstance(part, ast.Call) and isinstance(part.func, ast.Name) \
                            and part.func.id in calls:
                        hidden.append(f"{path.name}:{node.lineno}")
    assert not hidden, hidden
