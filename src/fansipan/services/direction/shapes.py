"""What directives and tasks look like going in and coming out (input, output shapes)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from fansipan.domain.tasks import TaskStatus
from fansipan.services.stamps import UtcDateTime

# -- directives ------------------------------------------------------------------------------


class DirectiveCreate(BaseModel):
    number: str = Field(min_length=3, max_length=60, examples=["15/KH-UBND"],
                        description="Number and symbol, as printed on the document")
    issued_on: date
    issuer: str = Field(min_length=2, max_length=200, examples=["UBND tỉnh Lào Cai"])
    issuer_unit: str | None = Field(default=None, max_length=40, examples=["10"],
                                    description="The issuing body as a unit (code or uid)")
    excerpt: str = Field(min_length=3, max_length=2000,
                         examples=["Kế hoạch thực hiện nhiệm vụ trọng tâm năm 2022"])
    working_days: bool = Field(default=False, description="Deadlines given as a number of "
                               "days count working days (ngày làm việc)")


class DirectiveRef(BaseModel):
    id: int
    number: str
    issued_on: date
    issuer: str
    excerpt: str
    working_days: bool


class DirectivePublic(DirectiveRef):
    issuer_unit: str | None
    tasks: int
    created_by: str
    created_at: UtcDateTime


# -- tasks -------------------------------------------------------------------------------------


class TargetRef(BaseModel):
    """The target whose being met completes a task: indicator × unit × period."""

    indicator: str = Field(min_length=1, max_length=60, examples=["BC_TY_LE_XA_CO_DIEM"])
    unit: str = Field(min_length=1, max_length=40, examples=["10"])
    period: str = Field(min_length=4, max_length=12, examples=["2022"])


class TaskCreate(BaseModel):
    directive: int = Field(ge=1)
    title: str = Field(min_length=3, max_length=500)
    description: str = Field(default="", max_length=5000)
    lead_unit: str = Field(min_length=1, max_length=40, examples=["so-tttt"])
    co_units: list[str] = Field(default_factory=list, max_length=50)
    assigned_by: str | None = Field(default=None, max_length=200,
                                    description="Default: the directive's issuer")
    assigned_on: date | None = Field(default=None,
                                     description="Default: the directive's date")
    deadline: date | None = None
    within_days: int | None = Field(
        default=None, ge=1, le=2600, description="Instead of a deadline: days from "
        "assignment, working days when the directive counts them")
    indicators: list[str] = Field(default_factory=list, max_length=50)
    target: TargetRef | None = None


class UnitBrief(BaseModel):
    code: str
    uid: str
    name: str


class IndicatorBrief(BaseModel):
    code: str
    name: str


class TargetLink(BaseModel):
    indicator: str
    indicator_name: str
    unit: str
    unit_name: str
    period: str
    met_on: date | None  # the day the target was found met, when it was


class TaskPublic(BaseModel):
    """A task as it stands at the end of `day`."""

    id: int
    directive: DirectiveRef
    title: str
    description: str
    lead_unit: UnitBrief
    co_units: list[UnitBrief]
    assigned_by: str
    assigned_on: date
    day: date
    status: TaskStatus
    status_label: str
    overdue: bool
    progress: float
    deadline: date  # in force on `day` (for a done task: when it was done)
    original_deadline: date
    deadline_working_days: int | None
    extensions: int
    completed_on: date | None
    completed_by_target: bool
    cancelled_on: date | None
    cancel_reason: str
    days_late: int
    working_days_late: int | None
    indicators: list[IndicatorBrief]
    target: TargetLink | None
    updated_at: UtcDateTime


class EventKind(StrEnum):
    PROGRESS = "progress"
    EXTENSION = "extension"
    COMPLETION = "completion"
    CANCELLATION = "cancellation"
    REOPENING = "reopening"
    COMMENT = "comment"

    def label(self, lang: str = "vi") -> str:
        vi, en = _KIND_LABELS[self]
        return en if lang == "en" else vi


_KIND_LABELS = {
    EventKind.PROGRESS: ("Báo cáo tiến độ", "Progress report"),
    EventKind.EXTENSION: ("Gia hạn", "Deadline extended"),
    EventKind.COMPLETION: ("Hoàn thành", "Completed"),
    EventKind.CANCELLATION: ("Hủy nhiệm vụ", "Cancelled"),
    EventKind.REOPENING: ("Mở lại", "Reopened"),
    EventKind.COMMENT: ("Ý kiến", "Comment"),
}


class TaskEventCreate(BaseModel):
    """One thing that happened to a task; which fields count depends on `kind`."""

    kind: EventKind
    on: date | None = Field(default=None, description="Default: today (Vietnam time)")
    percent: float | None = Field(default=None, description="progress: 0 to below 100")
    new_deadline: date | None = Field(default=None, description="extension: the new day")
    within_days: int | None = Field(
        default=None, ge=1, le=2600, description="extension: instead of new_deadline, days "
        "from the extension (working days when the directive counts them)")
    document: str = Field(default="", max_length=200,
                          description="extension (required), completion, cancellation")
    reason: str = Field(default="", max_length=2000,
                        description="cancellation and reopening (required), extension")
    note: str = Field(default="", max_length=5000, description="the comment or remark")


class TaskEventPublic(BaseModel):
    seq: int
    kind: EventKind
    kind_label: str
    on: date
    percent: float | None
    new_deadline: date | None
    document: str
    reason: str
    note: str
    actor: str
    at: UtcDateTime


class AttachmentPublic(BaseModel):
    id: int
    file_name: str
    media_type: str
    size: int
    sha256: str
    event_seq: int | None
    uploaded_by: str
    at: UtcDateTime


class TaskDetail(TaskPublic):
    events: list[TaskEventPublic]
    attachments: list[AttachmentPublic]
    may_update: bool  # the viewer may report on it (an officer of the lead unit)
    may_assign: bool  # the viewer may extend, cancel or reopen it (a leader over it)


SortKey = Literal["overdue", "deadline", "unit"]
