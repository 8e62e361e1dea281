"""One tree per GeoReport v2 document, written as XML or as JSON.

The spec defines XML and derives JSON from it by the Spark convention: a container of
repeated elements (`<services><service/>…</services>`) becomes an array, an element
with children an object, a text element a value. The tree says which is which, so a
list with one item, or none, is still an array in JSON and the two formats cannot
drift apart:

- `Leaf(name, value)`: a text element; `None` is an empty element in XML, `null` in JSON;
- `Record(name, children)`: an element with children; a JSON object;
- `Items(name, item_name, items)`: a container of repeated `item_name` elements; a JSON
  array. A document's root is a `Record` (an object) or an `Items` (an array).

XML is written with the standard library's serializer, which escapes text; characters
XML 1.0 cannot carry (most control characters) are dropped rather than written as a
malformed document. We only write XML, so no entity is ever expanded on our side.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET  # only ever writes XML; nothing here parses any
from dataclasses import dataclass
from enum import StrEnum

Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class Leaf:
    name: str
    value: Scalar


@dataclass(frozen=True)
class Record:
    name: str
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Items:
    name: str
    item_name: str
    items: tuple[Record | Leaf, ...]


Node = Leaf | Record | Items
Document = Record | Items


class Format(StrEnum):
    XML = "xml"
    JSON = "json"

    @property
    def media_type(self) -> str:
        """The Content-Type the spec gives for this format."""
        return _MEDIA_TYPES[self]


_MEDIA_TYPES = {Format.XML: "text/xml; charset=utf-8",
                Format.JSON: "application/json; charset=utf-8"}

XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
# Outside XML 1.0's Char production: C0 controls but tab, newline and carriage return,
# lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(document: Document, fmt: Format) -> bytes:
    """The document as UTF-8 bytes in `fmt`."""
    return render_xml(document) if fmt is Format.XML else render_json(document)


def render_xml(document: Document) -> bytes:
    root = _element(document)
    ET.indent(root)
    return XML_DECLARATION + ET.tostring(root, encoding="unicode").encode("utf-8") + b"\n"


def render_json(document: Document) -> bytes:
    return json.dumps(to_json(document), ensure_ascii=False, allow_nan=False,
                      indent=2).encode("utf-8")


def to_json(node: Node) -> object:
    """The Spark-convention value of `node` (its name is its key in the parent)."""
    if isinstance(node, Leaf):
        return _json_scalar(node)
    if isinstance(node, Items):
        return [to_json(item) for item in node.items]
    return {child.name: to_json(child) for child in node.children}


def _json_scalar(leaf: Leaf) -> Scalar:
    value = leaf.value
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{leaf.name}: {value} cannot be written")
    return value


def _element(node: Node) -> ET.Element:
    element = ET.Element(node.name)
    if isinstance(node, Leaf):
        element.text = _xml_text(node)
    elif isinstance(node, Items):
        for item in node.items:
            if item.name != node.item_name:
                raise ValueError(f"{node.name} holds {node.item_name} elements, not {item.name}")
            element.append(_element(item))
    else:
        for child in node.children:
            element.append(_element(child))
    return element


def _xml_text(leaf: Leaf) -> str | None:
    value = leaf.value
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{leaf.name}: {value} cannot be written")
        return repr(value)
    return _NOT_XML.sub("", str(value))
