"""Alerts (cảnh báo): the rules that raise them, their severities, and their lifecycle.

Pure: no SQL, no I/O. A rule watches one kind of condition over a unit (and, unless
told otherwise, the units below it) and optionally one sector or one indicator:

- THRESHOLD: an indicator's value crosses a limit (any indicator, derived ones too);
- TARGET_AT_RISK: a target of the year is at risk or off track by its odds;
- OUTLIER: a value arrived that the data-quality check flagged;
- LATE_REPORT: a report expected under the indicator's regime is overdue;
- OVERDUE_TASK: a key task is past its deadline and not completed.

An alert is keyed by its rule and its subject (`dedup_key`), so a condition that is seen
again is the same alert seen again, never a second one. Its status goes open →
acknowledged → resolved; a resolved alert whose condition comes back is reopened.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from fansipan.domain.bilingual import invalid


class RuleKind(StrEnum):
    THRESHOLD = "threshold"
    TARGET_AT_RISK = "target_at_risk"
    OUTLIER = "outlier"
    LATE_REPORT = "late_report"
    OVERDUE_TASK = "overdue_task"

    def label(self, lang: str = "vi") -> str:
        vi, en = _KIND_LABELS[self]
        return en if lang == "en" else vi


_KIND_LABELS: Final = {
    RuleKind.THRESHOLD: ("Vượt ngưỡng", "Threshold"),
    RuleKind.TARGET_AT_RISK: ("Chỉ tiêu kế hoạch có nguy cơ không đạt", "Target at risk"),
    RuleKind.OUTLIER: ("Số liệu bất thường", "Outlier"),
    RuleKind.LATE_REPORT: ("Báo cáo quá hạn", "Late report"),
    RuleKind.OVERDUE_TASK: ("Nhiệm vụ quá hạn", "Overdue task"),
}


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def label(self, lang: str = "vi") -> str:
        vi, en = _SEVERITY_LABELS[self]
        return en if lang == "en" else vi


_SEVERITY_RANK: Final = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}
_SEVERITY_LABELS: Final = {
    Severity.INFO: ("Thông tin", "Information"),
    Severity.WARNING: ("Cảnh báo", "Warning"),
    Severity.CRITICAL: ("Nghiêm trọng", "Critical"),
}


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"

    def label(self, lang: str = "vi") -> str:
        vi, en = _STATUS_LABELS[self]
        return en if lang == "en" else vi


_STATUS_LABELS: Final = {
    AlertStatus.OPEN: ("Đang mở", "Open"),
    AlertStatus.ACKNOWLEDGED: ("Đã tiếp nhận", "Acknowledged"),
    AlertStatus.RESOLVED: ("Đã xử lý", "Resolved"),
}


class AlertAction(StrEnum):
    """The steps of an alert's history."""

    RAISED = "raised"
    SEEN_AGAIN = "seen_again"
    ESCALATED = "escalated"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"
    CLEARED = "cleared"  # resolved by itself: the condition no longer holds
    REOPENED = "reopened"


def next_status(current: AlertStatus, action: AlertAction) -> AlertStatus:
    """The status after a person's or the system's action; refuses what cannot follow.

    A person acknowledges an open alert and resolves an open or acknowledged one; the
    system clears one whose condition has gone and reopens a resolved one that is back.
    """
    allowed: dict[AlertAction, tuple[frozenset[AlertStatus], AlertStatus]] = {
        AlertAction.ACKNOWLEDGED: (frozenset({AlertStatus.OPEN}), AlertStatus.ACKNOWLEDGED),
        AlertAction.RESOLVED: (frozenset({AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED}),
                               AlertStatus.RESOLVED),
        AlertAction.CLEARED: (frozenset({AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED}),
                              AlertStatus.RESOLVED),
        AlertAction.REOPENED: (frozenset({AlertStatus.RESOLVED}), AlertStatus.OPEN),
    }
    if action not in allowed:
        return current
    sources, target = allowed[action]
    if current not in sources:
        raise invalid(
            "status",
            f"Cảnh báo đang ở trạng thái \"{current.label('vi')}\" nên không thể "
            f"{_ACTION_VI[action]}",
            f"The alert is {current.label('en').lower()}, so it cannot be "
            f"{_ACTION_EN[action]}",
            value=current.value,
        )
    return target


_ACTION_VI: Final = {
    AlertAction.ACKNOWLEDGED: "tiếp nhận", AlertAction.RESOLVED: "đánh dấu đã xử lý",
    AlertAction.CLEARED: "tự đóng", AlertAction.REOPENED: "mở lại",
}
_ACTION_EN: Final = {
    AlertAction.ACKNOWLEDGED: "acknowledged", AlertAction.RESOLVED: "resolved",
    AlertAction.CLEARED: "cleared", AlertAction.REOPENED: "reopened",
}


class Operator(StrEnum):
    """How a threshold rule compares a value with its limit."""

    GT = ">"
    GE = ">="
    LT = "<"
    LE = "<="

    def holds(self, value: float, limit: float) -> bool:
        if self is Operator.GT:
            return value > limit
        if self is Operator.GE:
            return value >= limit
        if self is Operator.LT:
            return value < limit
        return value <= limit

    def words(self, lang: str = "vi") -> str:
        vi, en = _OPERATOR_WORDS[self]
        return en if lang == "en" else vi


_OPERATOR_WORDS: Final = {
    Operator.GT: ("lớn hơn", "above"),
    Operator.GE: ("từ", "at or above"),
    Operator.LT: ("nhỏ hơn", "below"),
    Operator.LE: ("không quá", "at or below"),
}

# The outlooks a target-at-risk rule fires on, by the worst it waits for.
AT_RISK_OUTLOOKS: Final = {
    "at_risk": frozenset({"at_risk", "off_track"}),
    "off_track": frozenset({"off_track"}),
}


def dedup_key(rule_id: int, subject: str) -> str:
    """The one key of the alert a rule raises about a subject ("VT_TRAM_5G@02683@2025-03")."""
    if not subject or len(subject) > 180:
        raise ValueError("an alert's subject is 1 to 180 characters")
    return f"{rule_id}:{subject}"


def check_rule_shape(*, kind: RuleKind, indicator: str | None, operator: Operator | None,
                     threshold: float | None, outlook: str | None) -> None:
    """Refuse a rule that lacks what its kind needs, or carries what it cannot use."""
    if kind is RuleKind.THRESHOLD:
        if indicator is None:
            raise invalid("indicator", "Quy tắc vượt ngưỡng cần một chỉ tiêu",
                          "A threshold rule needs an indicator")
        if operator is None or threshold is None:
            raise invalid("threshold", "Quy tắc vượt ngưỡng cần phép so sánh (>, >=, <, <=) "
                          "và ngưỡng", "A threshold rule needs an operator (>, >=, <, <=) and "
                          "a threshold")
    elif operator is not None or threshold is not None:
        raise invalid("threshold", "Chỉ quy tắc vượt ngưỡng mới có ngưỡng; bỏ trường này",
                      "Only threshold rules take a threshold; leave it out")
    if kind is RuleKind.TARGET_AT_RISK:
        if outlook is not None and outlook not in AT_RISK_OUTLOOKS:
            raise invalid("outlook", "Mức cảnh báo là at_risk hoặc off_track",
                          "The outlook is at_risk or off_track", value=outlook)
    elif outlook is not None:
        raise invalid("outlook", "Chỉ quy tắc về chỉ tiêu kế hoạch mới có mức outlook",
                      "Only target rules take an outlook; leave it out")
    if kind is RuleKind.OVERDUE_TASK and indicator is not None:
        raise invalid("indicator", "Quy tắc nhiệm vụ quá hạn không gắn với chỉ tiêu",
                      "An overdue-task rule is not about an indicator; leave it out")


__all__ = [
    "AT_RISK_OUTLOOKS",
    "AlertAction",
    "AlertStatus",
    "Operator",
    "RuleKind",
    "Severity",
    "check_rule_shape",
    "dedup_key",
    "next_status",
]
