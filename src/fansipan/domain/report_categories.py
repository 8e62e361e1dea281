"""Kinds of field reports (loại phản ánh) and who is responsible for each, where.

A category says what the report is about, which questions the citizen answers (Open311
attributes), how many working days the body has to deal with it, and which body that
is: one body for the whole province, with exceptions for some areas (a ward served by
the water company, the communes by their own People's Committee). A body is a unit code,
an agency's or a commune's, or `@commune`: the People's Committee of the commune or ward
where the problem is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

#: The body is the commune or ward the report is in.
COMMUNE = "@commune"
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
SERVICE_TYPES = ("realtime", "batch", "blackbox")
CODE = re.compile(r"[A-Z0-9][A-Z0-9_]{0,39}")
#: Longest promise kept: half a year of working days is a typing slip.
MAX_DEADLINE_DAYS = 130


@dataclass(frozen=True)
class Choice:
    key: str
    name_vi: str
    name_en: str

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi


@dataclass(frozen=True)
class Question:
    """One question of a category's form; `variable=False` is information only."""

    code: str
    datatype: str
    description_vi: str
    description_en: str
    required: bool = False
    variable: bool = True
    datatype_description: str | None = None
    choices: tuple[Choice, ...] = ()

    def description(self, lang: str = "vi") -> str:
        return self.description_en if lang == "en" else self.description_vi

    @property
    def is_list(self) -> bool:
        return self.datatype in ("singlevaluelist", "multivaluelist")


@dataclass(frozen=True)
class Category:
    code: str
    name_vi: str
    name_en: str
    #: The body responsible by default: a unit code or COMMUNE.
    agency: str
    deadline_days: int | None = None
    description_vi: str = ""
    description_en: str = ""
    group_vi: str = ""
    group_en: str = ""
    keywords: tuple[str, ...] = ()
    service_type: str = "realtime"
    #: (area code, body) pairs where the body differs from the default.
    routes: tuple[tuple[str, str], ...] = ()
    questions: tuple[Question, ...] = field(default=())
    active: bool = True
    sort: int = 0

    def name(self, lang: str = "vi") -> str:
        return self.name_en if lang == "en" else self.name_vi

    def group(self, lang: str = "vi") -> str:
        return self.group_en if lang == "en" else self.group_vi

    def description(self, lang: str = "vi") -> str:
        return self.description_en if lang == "en" else self.description_vi


def category_problems(category: Category) -> list[tuple[str, str]]:
    """What is wrong with `category`, as (field, "vi / en" message) pairs."""
    out: list[tuple[str, str]] = []

    def problem(name: str, vi: str, en: str) -> None:
        out.append((name, f"{vi} / {en}"))

    if not CODE.fullmatch(category.code):
        problem("code", "chỉ gồm chữ hoa, số và dấu gạch dưới, tối đa 40 ký tự",
                "upper-case letters, digits and underscores, at most 40")
    if not category.name_vi.strip() or not category.name_en.strip():
        problem("name", "cần tên tiếng Việt và tiếng Anh", "needs a Vietnamese and an "
                                                           "English name")
    if category.deadline_days is not None and not (
            0 <= category.deadline_days <= MAX_DEADLINE_DAYS):
        problem("deadline_days", f"từ 0 đến {MAX_DEADLINE_DAYS} ngày làm việc",
                f"from 0 to {MAX_DEADLINE_DAYS} working days")
    if category.service_type not in SERVICE_TYPES:
        problem("service_type", "realtime, batch hoặc blackbox", "realtime, batch or blackbox")
    if not category.agency.strip():
        problem("agency", "cần cơ quan xử lý", "name the responsible body")
    areas = [a for a, _ in category.routes]
    if len(set(areas)) != len(areas):
        problem("routes", "một địa bàn chỉ được khai báo một lần", "an area is named once")
    codes = [q.code for q in category.questions]
    if len(set(codes)) != len(codes):
        problem("attributes", "mã câu hỏi bị lặp", "question codes repeat")
    for n, q in enumerate(category.questions, start=1):
        where = f"attributes[{n}]"
        if not CODE.fullmatch(q.code):
            problem(f"{where}.code", "chỉ gồm chữ hoa, số và dấu gạch dưới",
                    "upper-case letters, digits and underscores")
        if q.datatype not in DATATYPES:
            problem(f"{where}.datatype", "một trong " + ", ".join(DATATYPES),
                    "one of " + ", ".join(DATATYPES))
        if q.is_list and not q.choices:
            problem(f"{where}.values", "câu hỏi chọn cần có lựa chọn", "a list needs values")
        if not q.is_list and q.choices:
            problem(f"{where}.values", "chỉ câu hỏi chọn mới có lựa chọn",
                    "only a list takes values")
        keys = [c.key for c in q.choices]
        if len(set(keys)) != len(keys):
            problem(f"{where}.values", "khóa lựa chọn bị lặp", "value keys repeat")
        if q.required and not q.variable:
            problem(f"{where}.required", "câu chỉ để hiển thị không thể bắt buộc",
                    "information only cannot be required")
        if not q.description_vi.strip() or not q.description_en.strip():
            problem(f"{where}.description", "cần nội dung tiếng Việt và tiếng Anh",
                    "needs Vietnamese and English wording")
    return out


def responsible_body(category: Category, *, areas: Sequence[str],
                     commune: str | None) -> str | None:
    """The body a report of `category` goes to, or None when it cannot be told yet.

    `areas` are the codes of the units holding the report, most specific first (its
    commune, then the units above it); the first one with a route wins, else the
    category's default. COMMUNE means the report's own commune, unknown without one.
    """
    routes = dict(category.routes)
    body = next((routes[a] for a in areas if a in routes), category.agency)
    if body == COMMUNE:
        return commune
    return body
