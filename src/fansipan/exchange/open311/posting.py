"""POST /requests: a form-encoded body read and checked into a new report.

The body is `application/x-www-form-urlencoded; charset=utf-8`. Read with
`read_form`, then `parse_post` checks every field against the spec and the service's
definition and returns a `NewServiceRequest`, or raises one error listing every
problem by field (messages in Vietnamese, then English):

- `service_code` is required and must be a known service (else 404, as the spec says);
- a location: `lat` and `long` together (WGS84 decimal degrees), or `address_string`,
  or `address_id`;
- `attribute[code]=value`, and `attribute[code][]=value` repeated for a
  multivaluelist, are checked against the definition: every code known and meant to be
  answered, every required one answered, each value of its datatype (a number, an ISO
  8601 date or date-time — Vietnam's time when it has no zone —, a key among the
  values of a list), one value only unless a multivaluelist;
- `description` at most 4,000 characters, line breaks allowed, no HTML; names, e-mail,
  phone, ids and `media_url` (http or https) checked for shape and length;
- `jurisdiction_id` is accepted, and must be ours when we have one (else 404).

Text is normalised to Unicode NFC (phones send decomposed Vietnamese) and trimmed; an
empty value is the same as no value, as the spec's "optional" means. Parameters the
spec does not define are ignored, so clients that send extensions still work.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from urllib.parse import parse_qsl, urlsplit

from fansipan.domain.local_time import VIETNAM
from fansipan.domain.numbers import parse_number
from fansipan.domain.service_requests import Answer, AttributeValue, Location, Reporter
from fansipan.errors import FieldError, ValidationError
from fansipan.exchange.open311.failures import check_jurisdiction, not_found
from fansipan.exchange.open311.model import Datatype, ServiceAttribute, ServiceDefinition

MAX_DESCRIPTION = 4000
MAX_STRING = 1000
MAX_ADDRESS = 1000
MAX_NAME = 100
MAX_ID = 200
MAX_URL = 2000
MAX_FIELDS = 500

_SCALARS = ("api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
            "address_id", "email", "device_id", "account_id", "first_name", "last_name",
            "phone", "description", "media_url")
_ATTRIBUTE = re.compile(r"attribute\[([^\[\]]+)\](\[\])?")
_HTML = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>|&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#x[0-9A-Fa-f]+);")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DEGREES = re.compile(r"[+-]?\d{1,3}(\.\d+)?")
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+")
_PHONE = re.compile(r"[0-9 +().-]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class NewServiceRequest:
    """A checked POST: what `fansipan.domain.service_requests.receive_request` needs."""

    service_code: str
    location: Location
    reporter: Reporter = field(repr=False)  # personal data stays out of logs
    description: str | None = None
    media_url: str | None = None
    answers: tuple[Answer, ...] = ()
    jurisdiction_id: str | None = None
    api_key: str | None = field(default=None, repr=False)


def read_form(body: bytes, *, max_fields: int = MAX_FIELDS) -> list[tuple[str, str]]:
    """The (name, value) pairs of a form-encoded UTF-8 body, in order."""
    try:
        text = body.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict",
                         max_num_fields=max_fields)
    except UnicodeDecodeError:
        raise _form_error("nội dung không phải UTF-8", "the body is not UTF-8") from None
    except ValueError:
        raise _form_error(f"quá {max_fields} trường", f"more than {max_fields} fields") from None


def parse_post(
    pairs: Iterable[tuple[str, str]],
    *,
    definitions: Mapping[str, ServiceDefinition],
    jurisdiction_id: str | None = None,
) -> NewServiceRequest:
    """Check a POST's fields; `definitions` maps every known service code to its
    definition (with no attributes when the service has no metadata)."""
    errors: list[FieldError] = []
    scalars: dict[str, str] = {}
    answers_given: dict[str, tuple[list[str], bool]] = {}
    for raw_name, raw_value in pairs:
        name = raw_name.strip()
        value = unicodedata.normalize("NFC", raw_value).strip()
        if name.startswith("attribute"):
            match = _ATTRIBUTE.fullmatch(name)
            if match is None:
                errors.append(_error(name, "sai dạng, cần attribute[mã] hoặc attribute[mã][]",
                                     "is malformed; use attribute[code] or attribute[code][]"))
                continue
            values, bracketed = answers_given.setdefault(match.group(1), ([], False))
            if value:
                values.append(value)
            answers_given[match.group(1)] = (values, bracketed or match.group(2) is not None)
        elif name in _SCALARS and value:
            if name in scalars and scalars[name] != value:
                errors.append(_error(name, "được gửi nhiều lần với giá trị khác nhau",
                                     "was sent more than once with different values"))
            scalars.setdefault(name, value)
    check_jurisdiction(scalars.get("jurisdiction_id"), jurisdiction_id)
    service_code = scalars.get("service_code")
    if service_code is None:
        errors.append(_error("service_code", "bắt buộc", "is required"))
        raise _invalid(errors)
    definition = definitions.get(service_code)
    if definition is None:
        raise not_found("service_code", service_code)
    location = _location(scalars, errors)
    reporter = Reporter(
        first_name=_text(scalars, "first_name", MAX_NAME, errors),
        last_name=_text(scalars, "last_name", MAX_NAME, errors),
        email=_email(scalars, errors),
        phone=_phone(scalars, errors),
        device_id=_text(scalars, "device_id", MAX_ID, errors, html_ok=True),
        account_id=_text(scalars, "account_id", MAX_ID, errors, html_ok=True),
    )
    description = _text(scalars, "description", MAX_DESCRIPTION, errors, multiline=True)
    media_url = _url(scalars, errors)
    answers = _answers(definition, answers_given, errors)
    if errors:
        raise _invalid(errors)
    return NewServiceRequest(
        service_code=service_code, location=location, reporter=reporter,
        description=description, media_url=media_url, answers=answers,
        jurisdiction_id=scalars.get("jurisdiction_id"), api_key=scalars.get("api_key"))


# --------------------------------------------------------------------------- fields


def _location(scalars: Mapping[str, str], errors: list[FieldError]) -> Location:
    lat = _degrees(scalars, "lat", 90, errors)
    long = _degrees(scalars, "long", 180, errors)
    if ("lat" in scalars) != ("long" in scalars):
        missing = "long" if "lat" in scalars else "lat"
        errors.append(_error(missing, "cần gửi cả lat và long", "lat and long go together"))
    address = _text(scalars, "address_string", MAX_ADDRESS, errors, multiline=True)
    address_id = _text(scalars, "address_id", MAX_ID, errors, html_ok=True)
    if not scalars.keys() & {"lat", "long", "address_string", "address_id"}:
        errors.append(_error("lat", "cần vị trí: lat và long, hoặc address_string, hoặc "
                                    "address_id", "a location is required: lat and long, "
                                                  "or address_string, or address_id"))
    return Location(lat=lat, long=long, address=address, address_id=address_id)


def _degrees(scalars: Mapping[str, str], name: str, bound: int,
             errors: list[FieldError]) -> float | None:
    text = scalars.get(name)
    if text is None:
        return None
    if not _DEGREES.fullmatch(text):
        errors.append(_error(name, "cần số thập phân với dấu chấm, ví dụ 22.3364",
                             "must be decimal degrees with a point, e.g. 22.3364", text))
        return None
    value = float(text)
    if not (math.isfinite(value) and -bound <= value <= bound):
        errors.append(_error(name, f"phải từ -{bound} đến {bound} (WGS84)",
                             f"must be from -{bound} to {bound} (WGS84)", text))
        return None
    return value


def _text(scalars: Mapping[str, str], name: str, limit: int, errors: list[FieldError], *,
          multiline: bool = False, html_ok: bool = False) -> str | None:
    text = scalars.get(name)
    if text is None:
        return None
    return _checked_text(name, text, limit, errors, multiline=multiline, html_ok=html_ok)


def _checked_text(name: str, text: str, limit: int, errors: list[FieldError], *,
                  multiline: bool, html_ok: bool = False) -> str | None:
    before = len(errors)
    if len(text) > limit:
        errors.append(_error(name, f"dài {_vi_int(len(text))} ký tự, tối đa {_vi_int(limit)}",
                             f"is {len(text):,} characters long; at most {limit:,}"))
    if _CONTROL.search(text):
        errors.append(_error(name, "chứa ký tự điều khiển", "contains control characters"))
    if not multiline and ("\n" in text or "\r" in text):
        errors.append(_error(name, "không được xuống dòng", "must be a single line"))
    if not html_ok and _HTML.search(text):
        errors.append(_error(name, "không được chứa HTML hay mã", "must not contain HTML or code"))
    return text if len(errors) == before else None


def _email(scalars: Mapping[str, str], errors: list[FieldError]) -> str | None:
    text = scalars.get("email")
    if text is None:
        return None
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        errors.append(_error("email", "không phải địa chỉ thư điện tử, ví dụ ten@mien.vn",
                             "is not an e-mail address such as name@domain.vn", text))
        return None
    return text


def _phone(scalars: Mapping[str, str], errors: list[FieldError]) -> str | None:
    text = scalars.get("phone")
    if text is None:
        return None
    digits = sum(c.isdigit() for c in text)
    if not _PHONE.fullmatch(text) or not 8 <= digits <= 15:
        errors.append(_error("phone", "không phải số điện thoại, ví dụ 0912 345 678 hoặc "
                                      "+84 912 345 678",
                             "is not a phone number such as 0912 345 678 or +84 912 345 678",
                             text))
        return None
    return text


def _url(scalars: Mapping[str, str], errors: list[FieldError]) -> str | None:
    text = scalars.get("media_url")
    if text is None:
        return None
    parts = urlsplit(text)
    if (len(text) > MAX_URL or parts.scheme not in ("http", "https") or not parts.netloc
            or any(c.isspace() for c in text) or _CONTROL.search(text)):
        errors.append(_error("media_url", "cần một địa chỉ http:// hoặc https://",
                             "must be an http:// or https:// address", text[:200]))
        return None
    return text


# --------------------------------------------------------------------------- attributes


def _answers(definition: ServiceDefinition, given: Mapping[str, tuple[list[str], bool]],
             errors: list[FieldError]) -> tuple[Answer, ...]:
    for code in given:
        attribute = definition.attribute(code)
        if attribute is None:
            errors.append(_error(f"attribute[{code}]",
                                 f"loại phản ánh {definition.service_code} không có câu hỏi này",
                                 f"service {definition.service_code} has no such attribute"))
        elif not attribute.variable:
            errors.append(_error(f"attribute[{code}]", "chỉ để hiển thị, không cần trả lời",
                                 "is information only and takes no answer"))
    answers: list[Answer] = []
    for attribute in sorted(definition.attributes, key=lambda a: a.order):
        if not attribute.variable:
            continue
        values, bracketed = given.get(attribute.code, ([], False))
        name = f"attribute[{attribute.code}]"
        if not values:
            if attribute.required:
                errors.append(_error(name, f"bắt buộc: {attribute.description}",
                                     f"is required: {attribute.description}"))
            continue
        value = _answer(attribute, values, bracketed, name, errors)
        if value is not None:
            answers.append(Answer(attribute.code, value))
    return tuple(answers)


def _answer(attribute: ServiceAttribute, values: list[str], bracketed: bool, name: str,
            errors: list[FieldError]) -> AttributeValue | None:
    kind = attribute.datatype
    if kind is Datatype.MULTIVALUELIST:
        unknown = [v for v in values if v not in attribute.keys]
        if unknown:
            errors.append(_not_a_key(name, attribute, unknown[0]))
            return None
        return tuple(dict.fromkeys(values))
    if bracketed or len(values) > 1:
        errors.append(_error(name, f"chỉ nhận một giá trị (kiểu {kind})",
                             f"takes a single value (a {kind})"))
        return None
    value = values[0]
    if kind is Datatype.SINGLEVALUELIST:
        if value not in attribute.keys:
            errors.append(_not_a_key(name, attribute, value))
            return None
        return value
    if kind is Datatype.NUMBER:
        try:
            return parse_number(value, field=name)
        except ValidationError:
            errors.append(_error(name, "cần một số, ví dụ 12 hoặc 12,5",
                                 "must be a number such as 12 or 12.5", value))
            return None
    if kind is Datatype.DATETIME:
        return _attribute_datetime(name, value, errors)
    limit = MAX_DESCRIPTION if kind is Datatype.TEXT else MAX_STRING
    return _checked_text(name, value, limit, errors, multiline=kind is Datatype.TEXT)


def _attribute_datetime(name: str, value: str, errors: list[FieldError]) -> datetime | None:
    # An HTML date or datetime-local input sends no zone: the citizen meant local time.
    try:
        if _ISO_DATE.fullmatch(value):
            return datetime.combine(date.fromisoformat(value), time(0, 0), tzinfo=VIETNAM)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        errors.append(_error(name, "cần ngày giờ ISO 8601, ví dụ 2025-03-01T08:00",
                             "must be an ISO 8601 date or date-time such as 2025-03-01T08:00",
                             value))
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=VIETNAM)


def _not_a_key(name: str, attribute: ServiceAttribute, value: str) -> FieldError:
    keys = ", ".join(v.key for v in attribute.values)
    return _error(name, f"«{value}» không thuộc các lựa chọn: {keys}",
                  f"'{value}' is not one of the choices: {keys}", value)


# --------------------------------------------------------------------------- errors


def _error(name: str, vi: str, en: str, value: str | None = None) -> FieldError:
    return FieldError(field=name, message=f"{vi} / {en}", value=value)


def _invalid(errors: list[FieldError]) -> ValidationError:
    return ValidationError("Phản ánh chưa hợp lệ / The request is not valid", errors)


def _form_error(vi: str, en: str) -> ValidationError:
    return ValidationError("Không đọc được biểu mẫu / The form cannot be read",
                           [FieldError(field="body", message=f"{vi} / {en}")])


def _vi_int(number: int) -> str:
    return f"{number:,}".replace(",", ".")
