"""Public-service dossiers from the one-stop shop: JSON, CSV and XLSX, read into checked
`fansipan.domain.dossiers.Dossier` values.

One record per dossier, its fields named in English or Vietnamese, with or without
accents (`number` / `Số hồ sơ` / `so_ho_so`):

- `number`: the dossier number; a second record with it corrects the first;
- `procedure_code`, `procedure_name`: the procedure (1.001234, Cấp phiếu lý lịch tư pháp);
- `agency`: the body handling it, an agency's code or a commune's (so-tu-phap, 03006);
- `unit`: the area it belongs to, a commune or the province;
- `received_at`, `due_at`, `completed_at`: reception, the due moment on the receipt, and
  completion (empty while open), e.g. 2026-03-02T08:15+07:00 or 02/03/2026 08:15;
- `pauses`: the waits for supplementary documents, as JSON [{"start", "end"}] or in a
  cell as ISO intervals `start/end; start/` (day-first: `02/03/2026 09:00 - 05/03/2026
  10:00`); an empty end is a wait still running;
- `submitted_online`, `fee_payable`, `paid_online`, `electronic_result`, `digitised`:
  yes or no (1/0, true/false, có/không);
- `online_service`: full, partial or none (toàn trình, một phần, không).

A moment without a zone is Vietnam's time, as the one-stop shop writes it; a day alone
(`02/03/2026` or `2026-03-02`) is its start, or, for `due_at`, its end (the receipt's
appointment is a day). Every problem is named by row and field; nothing here touches a
store.
"""

from __future__ import annotations

import contextlib
import csv
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import IO, Any

from fansipan.domain.dossiers import Dossier, OnlineService, Pause, dossier_problems
from fansipan.domain.local_time import VIETNAM, end_of_day
from fansipan.errors import FieldError, msg
from fansipan.exchange.columns import normalise
from fansipan.exchange.csv_io import file_problem, sniff_delimiter, text_stream
from fansipan.exchange.json_io import load_json

FIELDS = ("number", "procedure_code", "procedure_name", "agency", "unit", "received_at",
          "due_at", "completed_at", "pauses", "submitted_online", "online_service",
          "fee_payable", "paid_online", "electronic_result", "digitised")
REQUIRED = ("number", "procedure_code", "agency", "unit", "received_at", "due_at")
FLAGS = ("submitted_online", "fee_payable", "paid_online", "electronic_result", "digitised")

_ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("number", "dossier number", "so ho so", "ma ho so", "ma so ho so"),
    "procedure_code": ("procedure code", "procedure", "ma thu tuc", "ma tthc", "thu tuc"),
    "procedure_name": ("procedure name", "ten thu tuc", "ten tthc"),
    "agency": ("agency", "agency code", "body", "co quan", "ma co quan", "co quan giai quyet",
               "don vi giai quyet"),
    "unit": ("unit", "unit code", "area", "don vi", "ma don vi", "dia ban", "ma dia ban"),
    "received_at": ("received at", "received", "ngay tiep nhan", "thoi diem tiep nhan",
                    "tiep nhan"),
    "due_at": ("due at", "due", "ngay hen tra", "hen tra", "thoi diem hen tra"),
    "completed_at": ("completed at", "completed", "ngay hoan thanh", "hoan thanh",
                     "ngay tra ket qua"),
    "pauses": ("pauses", "cho bo sung", "tam dung"),
    "submitted_online": ("submitted online", "online", "nop truc tuyen"),
    "online_service": ("online service", "muc do dvc", "muc do dich vu cong", "dvc truc tuyen"),
    "fee_payable": ("fee payable", "phai nop phi", "co phi", "thu phi"),
    "paid_online": ("paid online", "thanh toan truc tuyen"),
    "electronic_result": ("electronic result", "ket qua dien tu"),
    "digitised": ("digitised", "digitized", "so hoa"),
}
_LOOKUP = {alias: name for name, aliases in _ALIASES.items() for alias in aliases}
_LOOKUP.update({name.replace("_", " "): name for name in FIELDS})
_YES = {"1", "true", "yes", "y", "co", "x"}
_NO = {"0", "false", "no", "n", "khong", ""}
_SERVICES = {"full": OnlineService.FULL, "toan trinh": OnlineService.FULL,
             "partial": OnlineService.PARTIAL, "mot phan": OnlineService.PARTIAL,
             "none": OnlineService.NONE, "khong": OnlineService.NONE, "": OnlineService.NONE}
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
HELP = msg("name the columns number, procedure_code, agency, unit, received_at and due_at "
           "(completed_at, pauses and the yes/no columns as needed), in English or Vietnamese")


@dataclass(frozen=True)
class DossierRecord:
    """A dossier read from a file: the domain value and what only the file names."""

    row: int
    dossier: Dossier
    procedure_name: str


@dataclass(frozen=True)
class RecordProblem:
    row: int
    number: str | None
    errors: tuple[FieldError, ...]


def field_of(header: object) -> str | None:
    """Our field for a column header, or None for a column to read past."""
    for part in str(header or "").split("/"):
        name = _LOOKUP.get(normalise(part))
        if name is not None:
            return name
    return None


# --------------------------------------------------------------------------- readers


def read_records(stream: IO[bytes], fmt: str, *, path: str = "",
                 renames: Mapping[str, str] | None = None,
                 codes: Mapping[str, str] | None = None
                 ) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row, {field: raw value}) for each record of a JSON, CSV or XLSX file.

    A source that names things its own way says so: `path` is where the list sits in a
    JSON document, `renames` maps its field names to ours, `codes` its agency and area
    codes to ours (a pull connector's mapping).
    """
    if fmt == "json":
        found = _json_records(stream, path, renames or {})
    elif fmt == "csv":
        found = _csv_records(stream, renames or {})
    elif fmt == "xlsx":
        found = _xlsx_records(stream)
    else:
        raise file_problem(msg("dossiers come as json, csv or xlsx, not {format}",
                               format=fmt))
    if not codes:
        yield from found
        return
    for row, fields in found:
        for name in ("agency", "unit"):
            value = fields.get(name)
            if isinstance(value, str) and value.strip() in codes:
                fields[name] = codes[value.strip()]
        yield row, fields


def detect(head: bytes, file_name: str = "", content_type: str = "") -> str:
    kind = content_type.split(";")[0].strip().lower()
    name = file_name.lower()
    if head.startswith(b"PK\x03\x04") or name.endswith(".xlsx") or "spreadsheetml" in kind:
        return "xlsx"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"[") or kind.endswith("json") or name.endswith(".json"):
        return "json"
    return "csv"


def records_path(doc: Any, path: str = "") -> Any:
    if path:
        for part in path.split("."):
            doc = doc.get(part) if isinstance(doc, dict) else None
        return doc
    if isinstance(doc, dict):
        return doc.get("dossiers", doc.get("records", doc.get("data")))
    return doc


def _json_records(stream: IO[bytes], path: str,
                  renames: Mapping[str, str]) -> Iterator[tuple[int, dict[str, Any]]]:
    items = records_path(load_json(stream), path)
    if not isinstance(items, list):
        raise file_problem(msg('send {{"dossiers": [{{"number": …, "procedure_code": …, …}}]}}'))
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            yield n, {"__error__": "not an object"}
            continue
        yield n, _by_field(item, renames)


def _by_field(item: Mapping[str, Any], renames: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in item.items():
        name = renames.get(key) or field_of(key)
        if name is not None and name not in out:
            out[name] = value
    return out


def _csv_records(stream: IO[bytes],
                 renames: Mapping[str, str]) -> Iterator[tuple[int, dict[str, Any]]]:
    text = text_stream(stream)
    try:
        try:
            header = text.readline()
        except UnicodeDecodeError:
            raise file_problem(msg(
                "the file is not UTF-8 text; save it as 'CSV UTF-8'")) from None
        delimiter = sniff_delimiter(header)
        names = next(csv.reader([header], delimiter=delimiter), [])
        fields = [renames.get(n.strip()) or field_of(n) for n in names]
        _check_header(fields, row=1)
        line = 1
        for cells in csv.reader(text, delimiter=delimiter):
            line += 1
            if not any(c.strip() for c in cells):
                continue
            yield line, {f: c for f, c in zip(fields, cells, strict=False) if f is not None}
    except csv.Error as exc:
        raise file_problem(msg("the CSV cannot be read ({reason}); check its quotes",
                               reason=str(exc))) from None
    finally:
        with contextlib.suppress(ValueError):
            text.detach()  # the file is its owner's to close


def _xlsx_records(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a file that is not a workbook
        raise file_problem(msg("the file is not a readable XLSX workbook")) from None
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            for line, cells in enumerate(rows, start=1):
                if line > 20:
                    break
                fields = [field_of(c) for c in cells]
                if not all(f in fields for f in REQUIRED):
                    continue
                for number, data in enumerate(rows, start=line + 1):
                    if not data or all(c is None or str(c).strip() == "" for c in data):
                        continue
                    yield number, {f: c for f, c in zip(fields, data, strict=False)
                                   if f is not None}
                return
        raise file_problem(msg("no sheet has a header row: {help}", help=HELP))
    finally:
        book.close()


def _check_header(fields: list[str | None], *, row: int) -> None:
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        raise file_problem(msg("the header lacks {columns}: {help}",
                               columns=", ".join(missing), help=HELP), row=row)


# --------------------------------------------------------------------------- one record


def parse_record(row: int, raw: Mapping[str, Any]) -> DossierRecord | RecordProblem:
    """A checked dossier, or every problem of the record named by field."""
    errors: list[FieldError] = []
    if "__error__" in raw:
        return RecordProblem(row, None, (FieldError(
            field="dossier", row=row, message="mỗi hồ sơ là một đối tượng JSON / each dossier "
                                              "is a JSON object"),))

    def text(name: str, limit: int) -> str:
        value = raw.get(name)
        out = "" if value is None else str(value).strip()
        if len(out) > limit:
            errors.append(FieldError(field=name, row=row, message=f"tối đa {limit} ký tự / "
                                                                  f"at most {limit} characters"))
        return out[:limit]

    number = text("number", 60)
    for name in REQUIRED:
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.append(FieldError(field=name, row=row, message="bắt buộc / required"))
    moments = {n: _moment(raw.get(n), n, row, errors, end_of_day_if_date=n == "due_at")
               for n in ("received_at", "due_at", "completed_at")}
    flags = {n: _flag(raw.get(n), n, row, errors) for n in FLAGS}
    service = _SERVICES.get(normalise(raw.get("online_service") or ""))
    if service is None:
        errors.append(FieldError(field="online_service", row=row,
                                 value=str(raw.get("online_service"))[:40],
                                 message="full, partial hoặc none (toàn trình, một phần, "
                                         "không) / full, partial or none"))
    pauses = _pauses(raw.get("pauses"), row, errors)
    if errors or moments["received_at"] is None or moments["due_at"] is None:
        return RecordProblem(row, number or None, tuple(errors))
    dossier = Dossier(
        number=number, procedure_code=text("procedure_code", 60), agency_code=text("agency", 40),
        unit_code=text("unit", 40), received_at=moments["received_at"],
        due_at=moments["due_at"], completed_at=moments["completed_at"], pauses=pauses,
        online_service=service or OnlineService.NONE, **flags)
    problems = [FieldError(field=p.field, row=row, value=p.value, message=p.message)
                for p in dossier_problems(dossier)]
    if problems or errors:
        return RecordProblem(row, number, (*errors, *problems))
    return DossierRecord(row, dossier, text("procedure_name", 500))


def _moment(value: Any, name: str, row: int, errors: list[FieldError], *,
            end_of_day_if_date: bool = False) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=VIETNAM)
    if isinstance(value, date):
        return end_of_day(value) if end_of_day_if_date else datetime.combine(
            value, time(0, 0), tzinfo=VIETNAM)
    text = str(value).strip()
    found = _DMY.fullmatch(text)
    try:
        if found:
            d, m, y, hh, mm, ss = found.groups()
            day = date(int(y), int(m), int(d))
            if hh is None:
                return end_of_day(day) if end_of_day_if_date else datetime.combine(
                    day, time(0, 0), tzinfo=VIETNAM)
            return datetime(day.year, day.month, day.day, int(hh), int(mm), int(ss or 0),
                            tzinfo=VIETNAM)
        if _ISO_DAY.fullmatch(text):
            day = date.fromisoformat(text)
            return end_of_day(day) if end_of_day_if_date else datetime.combine(
                day, time(0, 0), tzinfo=VIETNAM)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None:
        errors.append(FieldError(field=name, row=row, value=text[:40],
                                 message="không phải ngày giờ, ví dụ 2026-03-02T08:15+07:00 "
                                         "hoặc 02/03/2026 08:15 / not a date-time such as "
                                         "2026-03-02T08:15+07:00 or 02/03/2026 08:15"))
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=VIETNAM)


_PLAIN_FLAGS = {"1": True, "0": False, "": False, "true": True, "false": False}


def _flag(value: Any, name: str, row: int, errors: list[FieldError]) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    plain = _PLAIN_FLAGS.get(value) if isinstance(value, str) else None
    if plain is not None:
        return plain  # the common spellings, without normalising each one
    text = normalise(value)
    if text in _YES:
        return True
    if text in _NO:
        return False
    errors.append(FieldError(field=name, row=row, value=str(value)[:40],
                             message="có hoặc không (1/0) / yes or no (1/0)"))
    return False


def _pauses(value: Any, row: int, errors: list[FieldError]) -> tuple[Pause, ...]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return ()
    items: list[tuple[Any, Any]] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                items.append((item.get("start"), item.get("end")))
            elif isinstance(item, list | tuple) and len(item) == 2:
                items.append((item[0], item[1]))
            else:
                items.append((None, None))
    else:
        text = str(value).strip()
        if text.startswith("["):
            try:
                return _pauses(json.loads(text), row, errors)
            except ValueError:
                pass
        for part in text.split(";"):
            items.append(_interval(part.strip()))
    out: list[Pause] = []
    for n, (start, end) in enumerate(items, start=1):
        begun = _moment(start, f"pauses[{n}].start", row, errors)
        ended = _moment(end, f"pauses[{n}].end", row, errors)
        if begun is None:
            errors.append(FieldError(field=f"pauses[{n}].start", row=row,
                                     message="lần chờ bổ sung cần thời điểm bắt đầu / a pause "
                                             "needs its start"))
            continue
        out.append(Pause(begun, ended))
    return tuple(out)


def _interval(part: str) -> tuple[str, str]:
    """An ISO 8601 interval `start/end`, or day-first `02/03/2026 09:00 - 05/03/2026 10:00`
    (a dash between, as the slashes are the dates'); an empty end: still waiting."""
    for dash in (" - ", " – ", " đến "):
        if dash in part:
            start, _, end = part.partition(dash)
            return start.strip(), end.strip()
    if _DMY.fullmatch(part):
        return part, ""
    start, _, end = part.partition("/")
    return start.strip(), end.strip()
