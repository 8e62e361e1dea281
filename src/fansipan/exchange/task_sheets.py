"""XLSX task lists: the template a leader's office fills in, and reading it back.

One row per task: its title, what is asked, the lead unit's code, co-operating units'
codes, a deadline (a date, dd/mm/yyyy) or a number of days instead, related indicators,
and a target whose being met completes it ("indicator|unit|period"). Headers are in
Vietnamese and English and are matched by either half, without accents, as the value
templates' are. The template's second sheet lists the unit codes. Reading never decides
whether a code exists: the service checks every row and names every problem.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from fansipan.errors import msg
from fansipan.exchange.columns import normalise
from fansipan.exchange.csv_io import file_problem

HEADERS: Final = (
    ("STT / No.", 6, None),
    ("Tên nhiệm vụ / Task", 46, "title"),
    ("Nội dung, yêu cầu / Description", 40, "description"),
    ("Đơn vị chủ trì (mã) / Lead unit (code)", 18, "lead_unit"),
    ("Đơn vị phối hợp (mã, cách nhau dấu phẩy) / Co-operating units (codes)", 24, "co_units"),
    ("Thời hạn (dd/mm/yyyy) / Deadline", 16, "deadline"),
    ("Số ngày (thay cho thời hạn) / Days (instead of a deadline)", 14, "within_days"),
    ("Chỉ tiêu liên quan (mã) / Indicators (codes)", 24, "indicators"),
    ("Chỉ tiêu kế hoạch (mã chỉ tiêu|mã đơn vị|kỳ) / Target (indicator|unit|period)", 30,
     "target"),
)
_ALIASES: Final = {
    "title": ("ten nhiem vu", "task", "nhiem vu", "title"),
    "description": ("noi dung yeu cau", "noi dung", "description"),
    "lead_unit": ("don vi chu tri ma", "don vi chu tri", "lead unit code", "lead unit"),
    "co_units": ("don vi phoi hop ma cach nhau dau phay", "don vi phoi hop",
                 "co operating units codes", "co operating units"),
    "deadline": ("thoi han dd mm yyyy", "thoi han", "han", "deadline"),
    "within_days": ("so ngay thay cho thoi han", "so ngay", "days instead of a deadline",
                    "days"),
    "indicators": ("chi tieu lien quan ma", "chi tieu lien quan", "indicators codes",
                   "indicators"),
    "target": ("chi tieu ke hoach ma chi tieu ma don vi ky", "chi tieu ke hoach",
               "target indicator unit period", "target"),
}
_LOOKUP: Final = {a: f for f, aliases in _ALIASES.items() for a in aliases}
_DMY: Final = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_HEADER_SCAN: Final = 20
MAX_ROWS: Final = 2000


@dataclass(frozen=True)
class SheetTask:
    """One task row as written; `problems` lists (field, message) it could not read."""

    row: int
    title: str
    description: str
    lead_unit: str
    co_units: tuple[str, ...]
    deadline: date | None
    within_days: int | None
    indicators: tuple[str, ...]
    target: tuple[str, str, str] | None
    problems: tuple[tuple[str, str], ...] = ()


def write_task_template(title: str, note: str, units: Sequence[tuple[str, str]],
                        example: Sequence[object] = ()) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    sheet = book.active
    sheet.title = "Nhiem vu"
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = note
    sheet.append([])
    sheet.append([h for h, _, _ in HEADERS])
    for n, (_, width, _) in enumerate(HEADERS, start=1):
        cell = sheet.cell(row=4, column=n)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    for n, value in enumerate(example, start=1):
        _inert(sheet.cell(row=5, column=n), value)
    sheet.freeze_panes = "A5"
    codes = book.create_sheet("Don vi")
    codes.append(["Mã đơn vị / Unit code", "Tên đơn vị / Unit name"])
    for row, (code, name) in enumerate(units, start=2):
        _inert(codes.cell(row=row, column=1), code)
        _inert(codes.cell(row=row, column=2), name)
    codes.column_dimensions["A"].width, codes.column_dimensions["B"].width = 18, 50
    for cell in codes[1]:
        cell.font = Font(bold=True)
    # Codes such as 082 must stay text: a spreadsheet would read them as the number 82.
    for letter in ("D", "E"):
        sheet.column_dimensions[letter].number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _inert(cell: Any, value: object) -> None:
    """A value that can never run as a formula when the file is opened."""
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
        if value.startswith(("=", "+", "-", "@", "\t", "\r")):
            cell.quotePrefix = True
    else:
        cell.value = value


def _field(header: object) -> str | None:
    for part in str(header or "").split("/"):
        found = _LOOKUP.get(normalise(part))
        if found is not None:
            return found
    return None


def read_task_sheet(data: bytes) -> list[SheetTask]:
    """The task rows of the first sheet that has the header (title and lead unit)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a file that is not a workbook
        raise file_problem(msg("the file is not a readable XLSX workbook")) from None
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            for line, cells in enumerate(rows, start=1):
                if line > _HEADER_SCAN:
                    break
                at = {}
                for n, header in enumerate(cells):
                    name = _field(header)
                    if name is not None and name not in at:
                        at[name] = n
                if "title" in at and "lead_unit" in at:
                    return _tasks(rows, at, line)
    finally:
        book.close()
    raise file_problem(msg(
        "no sheet has a header with the columns task and lead unit (use the template)"))


def _tasks(rows: Any, at: dict[str, int], header_line: int) -> list[SheetTask]:
    out: list[SheetTask] = []
    for number, cells in enumerate(rows, start=header_line + 1):
        def get(name: str, cells: tuple[Any, ...] = cells) -> Any:
            i = at.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        texts = [get(f) for f in _ALIASES]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in texts):
            continue
        if len(out) >= MAX_ROWS:
            raise file_problem(msg("the file has more than {limit} tasks; split it",
                                   limit=MAX_ROWS))
        problems: list[tuple[str, str]] = []
        deadline = _day(get("deadline"), problems)
        days = _whole(get("within_days"), problems)
        target = None
        raw_target = _text(get("target"))
        if raw_target:
            parts = [p.strip() for p in raw_target.split("|")]
            if len(parts) == 3 and all(parts):
                target = (parts[0], parts[1], parts[2])
            else:
                problems.append(("target", "write the target as indicator|unit|period, e.g. "
                                           "BC_TY_LE_XA_CO_DIEM|10|2022 / ghi dạng mã chỉ tiêu|"
                                           "mã đơn vị|kỳ"))
        out.append(SheetTask(
            row=number, title=_text(get("title")), description=_text(get("description")),
            lead_unit=_code(get("lead_unit")), co_units=_codes(get("co_units")),
            deadline=deadline, within_days=days, indicators=_codes(get("indicators")),
            target=target, problems=tuple(problems)))
    return out


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def _code(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _text(value)


def _codes(value: Any) -> tuple[str, ...]:
    return tuple(c for c in (p.strip() for p in re.split(r"[,;\n]", _code(value))) if c)


def _day(value: Any, problems: list[tuple[str, str]]) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    m = _DMY.match(str(value).strip())
    if m is not None:
        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            pass
    problems.append(("deadline", f"{str(value)[:30]!r} is not a date; write dd/mm/yyyy, e.g. "
                                 "30/06/2022 / ghi ngày dạng dd/mm/yyyy"))
    return None


def _whole(value: Any, problems: list[tuple[str, str]]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        number = -1.0
    if number < 1 or not number.is_integer():
        problems.append(("within_days", f"{str(value)[:30]!r} is not a whole number of days "
                                        "from 1 / ghi số ngày nguyên từ 1 trở lên"))
        return None
    return int(number)
