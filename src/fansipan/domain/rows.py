"""Rows of data values as they move through every write path: what arrived, what it
resolved to, and what is wrong with it. Exchange formats produce them, the row checker
resolves them, the writer stores them; all three speak these types and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import NamedTuple

from fansipan.domain.periods import Period, PeriodType
from fansipan.errors import FieldError, Message

# The columns of every export row, in this order; `status` says whether the figure is
# an estimate (ước thực hiện) or the official one (domain.estimates).
EXPORT_COLUMNS = ("indicator", "unit", "period", "value", "comment", "stored_by",
                  "last_updated", "deleted", "indicator_uid", "unit_uid", "created", "change",
                  "status")
# The column that says where every row's figure comes from, in a file that needs saying.
MARK_COLUMN = "nguon_so_lieu"


@dataclass(frozen=True)
class ValueMark:
    """What every value of a file is, said on each row (`row`) and once for the file
    (`note_vi`, `note_en`): the illustrative demo data is written with one."""

    row: str
    note_vi: str
    note_en: str

    @property
    def note(self) -> str:
        return f"{self.note_vi} / {self.note_en}"

    def on(self, comment: str | None) -> str:
        """A value's comment with the mark after it."""
        return f"{comment}; {self.row}" if comment else self.row


class WriteStrategy(StrEnum):
    """DHIS2's import strategies."""

    CREATE_AND_UPDATE = "create_and_update"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class WriteOp(StrEnum):
    """What a checked row does to the store, decided against the value stored for its key
    (one letter: it is kept for every row of a staged import)."""

    CREATE = "c"
    UPDATE = "u"  # a changed value, or a deleted one brought back
    DELETE = "d"
    UNCHANGED = "n"
    EXISTS = "x"  # refused: strategy CREATE, and a value is stored
    MISSING = "m"  # refused: strategy UPDATE, and no value is stored
    LOCKED = "l"  # refused: the period was approved and locked meanwhile
    OVER_OFFICIAL = "o"  # refused: an estimate, and the official figure is stored

    @property
    def writes(self) -> bool:
        return self in (WriteOp.CREATE, WriteOp.UPDATE, WriteOp.DELETE)


class ImportFormat(StrEnum):
    AUTO = "auto"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    DHIS2_JSON = "dhis2_json"
    DHIS2_CSV = "dhis2_csv"


class ImportStatus(StrEnum):
    SUCCESS = "SUCCESS"
    WARNING = "WARNING"  # some rows saved, some refused
    ERROR = "ERROR"  # nothing saved


class Problem(StrEnum):
    """Kinds of rejected rows, by how a front end reports them."""

    INVALID = "invalid"  # the row itself is wrong (422)
    SCOPE = "scope"  # outside what the sender may write (403)
    LOCKED = "locked"  # approved, locked data (409)
    CLASH = "clash"  # does not fit the import strategy (422)


@dataclass(frozen=True, slots=True)
class RowConflict:
    """One problem with one field of one row; the message is said in the reader's
    language at the edge (`fansipan.locale.say`)."""

    row: int
    field: str
    value: str | None
    message: Message | str
    code: str
    problem: Problem = Problem.INVALID

    def at(self, row: int) -> RowConflict:
        """The same conflict, for another row (conflicts are cached per distinct input)."""
        return RowConflict(row, self.field, self.value, self.message, self.code, self.problem)

    def field_error(self) -> FieldError:
        return FieldError(field=self.field, message=self.message, row=self.row,
                          value=self.value)


class RawValue(NamedTuple):
    """A value as it arrived: texts (or numbers) still to be checked; `row` counts from 1."""

    row: int
    indicator: str
    unit: str
    period: str
    value: object = None
    comment: str | None = None


class PeriodInfo(NamedTuple):
    """A period with the parts a write needs, computed once per distinct period."""

    id: str
    type: PeriodType
    start: date
    end: date
    type_name: str
    start_iso: str
    end_iso: str

    @classmethod
    def of(cls, period: Period) -> PeriodInfo:
        start, end = period.start, period.end
        return cls(period.id, period.type, start, end, period.type.value, start.isoformat(),
                   end.isoformat())


class ResolvedValue(NamedTuple):
    row: int
    indicator_id: int
    unit_id: int
    period: PeriodInfo
    value: float | None
    comment: str | None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.indicator_id, self.unit_id, self.period.id)


class IdScheme(StrEnum):
    """How a row names indicators and units: DHIS2's `idScheme` values we understand."""

    AUTO = "auto"  # a code, or a uid when it is not a code
    CODE = "code"
    UID = "uid"
