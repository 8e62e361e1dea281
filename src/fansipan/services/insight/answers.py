"""The analytics question and its answer: a tidy table of indicators × units × periods,
with the names and labels that go beside the codes."""

from __future__ import annotations

from datetime import date
from operator import attrgetter
from typing import Literal, NotRequired

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from fansipan.domain.estimates import ValueStatus
from fansipan.errors import Message, msg
from fansipan.locale import say, tr


class AnalyticsRequest(BaseModel):
    indicators: list[str] = Field(min_length=1, max_length=500,
                                  examples=[["BC_TY_LE_XA_CO_DIEM", "BC_DOANH_THU"]])
    units: list[str] = Field(
        min_length=1, max_length=500, examples=[["10", "10/children"]],
        description="Codes or uids, or selectors: CODE/children, CODE/descendants, "
                    "CODE/level-N, LEVEL-N, USER_ORGUNIT, USER_ORGUNIT_CHILDREN",
    )
    periods: list[str] = Field(min_length=1, max_length=500,
                               examples=[["2024", "LAST_12_MONTHS", "2024-01..2024-06"]])
    hierarchy: Literal["as_of", "mapped"] = Field(
        default="as_of",
        description="as_of: each period under the tree in force at its end (or at "
                    "`as_of`); mapped: all history counted in the units in force on "
                    "`as_of` (default today) through succession links",
    )
    as_of: date | None = None
    today: date | None = Field(default=None,
                               description="Reference date for relative periods")
    cumulative: bool = Field(default=False,
                             description="Year to date: January to each period's end")
    compare: bool = Field(default=False, description=(
        "Add the same period last year and the change: only where both figures cover the "
        "same territory (else meta.notes says why), in points for rates and indices, and "
        "with no per cent for denominators"))
    share_of_parent: bool = False
    rank: bool = Field(default=False, description="Rank among sibling units")
    lang: Literal["vi", "en"] = "vi"


COLUMNS = (
    "indicator", "unit", "unit_uid", "period", "value", "sources", "last_year", "change",
    "change_pct", "share_of_parent", "rank", "rank_of", "estimate",
)


CellValue = str | float | int | bool | None
_COLUMNS_OF = attrgetter(*COLUMNS)


class AnswerRow:
    """One answer line while it is being put together (cheap to make by thousands)."""

    __slots__ = COLUMNS

    def __init__(self, indicator: str, unit: str, unit_uid: str, period: str,
                 value: float | None, sources: int, estimate: bool = False) -> None:
        self.indicator, self.unit, self.unit_uid, self.period = indicator, unit, unit_uid, period
        self.value, self.sources = value, sources
        # Whether the value includes an estimate (ước thực hiện): then it is one.
        self.estimate = estimate
        self.last_year: float | None = None
        self.change: float | None = None
        self.change_pct: float | None = None
        self.share_of_parent: float | None = None
        self.rank: int | None = None
        self.rank_of: int | None = None

    def as_list(self) -> list[CellValue]:
        return list(_COLUMNS_OF(self))


class IndicatorMeta(TypedDict):
    name_vi: str
    name_en: str
    unit_vi: str
    unit_en: str
    decimals: int
    direction: str
    # Given with a comparison or a rank when the figure is not an amount: "rate" or
    # "index" (a change in points, no per cent), "denominator" (no per cent, not ranked).
    kind: NotRequired[str]


class UnitMeta(TypedDict):
    code: str
    name: str
    level: str
    parent: str | None


class PeriodMeta(TypedDict):
    label_vi: str
    label_en: str
    start: date
    end: date
    # A period the data covers only in part: `end` is the last day covered.
    partial: NotRequired[bool]


class PartialMeta(TypedDict):
    """How one indicator's figures cover a partial period."""

    label_vi: str
    label_en: str
    end: date


class NoteUnit(TypedDict):
    code: str
    uid: str
    name: str


class Note(TypedDict):
    """Why a figure or a change is not given."""

    indicator: str
    unit_uid: str
    period: str
    about: str  # "change": no comparison; "value": the figure itself is withheld
    reason: str  # boundaries_changed | missing_data | no_predecessor | outside_scope
    units: list[NoteUnit]  # the units without data, or outside the asker's scope


def _absent(value: object) -> bool:
    return not value


class AnalyticsMeta(BaseModel):
    indicators: dict[str, IndicatorMeta]
    units: dict[str, UnitMeta]
    periods: dict[str, PeriodMeta]
    hierarchy: str
    as_of: date | None
    last_change: int
    # Present only when there is something to say, so other answers stay as they were.
    partial: dict[str, dict[str, PartialMeta]] | None = Field(
        default=None, exclude_if=_absent,
        description="indicator → period → how its figure covers a partial period")
    notes: list[Note] | None = Field(
        default=None, exclude_if=_absent,
        description="Figures and changes not given, and why")


class AnalyticsResult(BaseModel):
    """A tidy table: one row per indicator × unit × period that has a value."""

    columns: list[str] = Field(default_factory=lambda: list(COLUMNS))
    rows: list[list[CellValue]]
    meta: AnalyticsMeta

    def records(self) -> list[dict[str, CellValue]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def estimates(self) -> dict[tuple[str, str, str], bool]:
        """(indicator, unit code, period) → whether the value is an estimate."""
        at = {c: i for i, c in enumerate(self.columns)}
        return {(str(row[at["indicator"]]), str(row[at["unit"]]), str(row[at["period"]])):
                bool(row[at["estimate"]]) for row in self.rows}

    def values(self) -> dict[tuple[str, str, str], float | None]:
        """(indicator, unit code, period) → value, for callers that want a lookup."""
        at = {c: i for i, c in enumerate(self.columns)}
        out: dict[tuple[str, str, str], float | None] = {}
        for row in self.rows:
            value = row[at["value"]]
            out[(str(row[at["indicator"]]), str(row[at["unit"]]), str(row[at["period"]]))] = (
                None if value is None else float(value))
        return out


LABELLED = {
    "vi": ("chỉ tiêu", "tên chỉ tiêu", "đơn vị tính", "mã đơn vị", "đơn vị", "kỳ", "tên kỳ",
           "giá trị", "cùng kỳ năm trước", "thay đổi", "thay đổi (%)",
           "tỷ trọng trong cấp trên (%)", "xếp hạng", "trong số", "loại số liệu"),
    "en": ("indicator", "indicator name", "unit of measure", "unit code", "unit", "period",
           "period name", "value", "same period last year", "change", "change (%)",
           "share of parent (%)", "rank", "out of", "figure"),
}
NOTE_COLUMN = msg("comparison note")
REASONS: dict[str, Message] = {
    "boundaries_changed": msg("not comparable: boundaries changed"),
    "missing_data": msg("not comparable: no data for {units}"),
    "no_predecessor": msg("not comparable: a new unit, with no predecessor"),
    "outside_scope": msg("not comparable: the figures of {units} are outside your account"),
}


def reason_text(note: Note, lang: str) -> str:
    """A note as a person reads it ("không so sánh được: thiếu số liệu của Tỉnh Yên Bái")."""
    found = REASONS.get(note["reason"])
    if found is None:
        return str(note["reason"])
    units = ", ".join(u["name"] for u in note["units"])
    return tr(lang, found.msgid, units=units)


def period_label(meta: AnalyticsMeta, indicator: str, period: str, lang: str) -> str:
    """The name of a figure's period, for a partial period the months it covers."""
    partial = (meta.partial or {}).get(indicator, {}).get(period)
    names = partial if partial is not None else meta.periods[period]
    return names["label_en"] if lang == "en" else names["label_vi"]


def labelled_table(result: AnalyticsResult, lang: str) -> tuple[list[str], list[list[CellValue]]]:
    """The answer with names and labels beside the codes, for CSV and spreadsheets; with a
    note column when some change is not given."""
    lang = "en" if lang == "en" else "vi"
    meta = result.meta
    notes = {(n["indicator"], n["unit_uid"], n["period"]): n for n in meta.notes or ()
             if n["about"] == "change"}
    out: list[list[CellValue]] = []
    for r in result.records():
        ind = meta.indicators[str(r["indicator"])]
        unit = meta.units[str(r["unit_uid"])]
        line: list[CellValue] = [
            r["indicator"], ind["name_en"] if lang == "en" else ind["name_vi"],
            ind["unit_en"] if lang == "en" else ind["unit_vi"], r["unit"], unit["name"],
            r["period"], period_label(meta, str(r["indicator"]), str(r["period"]), lang),
            r["value"], r["last_year"], r["change"], r["change_pct"], r["share_of_parent"],
            r["rank"], r["rank_of"], ValueStatus.of(bool(r["estimate"])).label(lang),
        ]
        if notes:
            note = notes.get((str(r["indicator"]), str(r["unit_uid"]), str(r["period"])))
            line.append(reason_text(note, lang) if note else None)
        out.append(line)
    columns = list(LABELLED[lang]) + ([say(NOTE_COLUMN, lang)] if notes else [])
    return columns, out
