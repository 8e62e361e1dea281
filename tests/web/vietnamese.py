"""What a person reads on a page, and the English words that must not be among it on a
Vietnamese page: a heuristic tuned to catch a forgotten translation ("Sign in",
"Download", "year", "sum", "commune", "targets") without tripping on Vietnamese
syllables written without marks (to, so, do, an, in, con, tin), codes, units or names."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Words that are English and never Vietnamese, as they would appear in an untranslated
# label, sentence or coded value. Vietnamese syllables that are also English words
# (an, ban, can, con, do, hay, in, me, nay, so, tin, to…) are deliberately absent.
_WORDS = """
about above account accounts active actual add added after again agency all allowed
already also and any api approval approve approved are area as ask at average back be
because been before being below best better between both but by cannot change changed
changes check choose city code codes comment commune communes contact could count
created current daily data date day days demo detail details did district districts
document does done download downloads each edit else empty end enter entered entry error
errors every exceeded export failed false field fields figure figures file files find
first for form format found free from full given group groups has have help here higher
home how id if import imported imports indicator indicators information into invalid is
it its just key keys last latest left less level levels list live load loaded login
logout lower made main make many map may met missed missing month monthly months more
most must name names need needs never new next no none not nothing now number numbers of
off official old on one only open or other our out over overview page pages part partial
password passwords period periods plan planned plans please previous problem problems
province public quarter quarterly rank ranked rate read ready reform rejected report
reported reports request required reset right risk row rows same save saved schema
screen sector sectors see select sent session set share show shown sign signed since
some something source sources start status still submit submitted sum table target
targets template than that the their them then there these they this those through time
times tip today too total track trend true type under unit units unknown until up update
updated upload use used user username value values very view wall was we web week weekly
were what when where which while who will with within without would year yearly years
yes you your
"""
ENGLISH = frozenset(_WORDS.split())

# Names and fixed phrases that stay as they are in Vietnamese text.
KEEP = ("Who's On First", "Natural Earth", "Fansipan", "GPL-3.0-or-later", "CC0",
        "Ctrl+C", "HTTP Basic", "OpenAPI", "Tab hoặc Enter",
        "trang web")  # Vietnamese for a website: "nhập số liệu trên trang web"

_WORD = re.compile(r"[A-Za-z0-9_'’.:/-]+")
_VISIBLE_ATTRS = ("title", "aria-label", "alt", "placeholder")
_SKIP_TAGS = frozenset({"script", "style", "code", "template"})


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # whether each open element is skipped
        self.texts: list[str] = []

    def _skipped(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        skip = (tag in _SKIP_TAGS or values.get("lang") == "en" or "code" in classes
                or "who" in classes)
        if not skip and not self._skipped():
            self.texts.extend(v for k, v in attrs if k in _VISIBLE_ATTRS and v)
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.texts.append(values.get("value") or "")
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
            self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr") \
                and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipped() and data.strip():
            self.texts.append(data)


def visible_text(html: str) -> str:
    reader = _Reader()
    reader.feed(html)
    return " ".join(" ".join(reader.texts).split())


def english_words(text: str) -> list[str]:
    """The English words in `text` (codes in capitals and kept names left out)."""
    for name in KEEP:
        text = text.replace(name, " ")
    found = []
    for token in _WORD.findall(text):
        token = token.strip("'’.:-")
        if "/" in token or "_" in token or any(c.isdigit() for c in token):
            continue  # an address, a code, an account name or a period: it_dx, 2024Q1
        for word in token.split("-"):
            if word.isupper() and len(word) > 1:
                continue  # an acronym: API, CSV, XLSX
            if word.lower().strip("'’") in ENGLISH:
                found.append(word)
    return found
