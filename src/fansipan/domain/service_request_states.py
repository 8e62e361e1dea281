"""The states of a field report, the actions between them, and their public words.

Open311 knows only `open` and `closed`; the finer states are mapped to the extended
statuses FixMyStreet uses (mySociety's open311-adapter), and every state and action has
a label in Vietnamese and English.
"""

from __future__ import annotations

from enum import StrEnum


class RequestState(StrEnum):
    RECEIVED = "received"
    FOR_TRIAGE = "for_triage"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    REOPENED = "reopened"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    NOT_RESPONSIBLE = "not_responsible"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """Whether Open311 calls it `open` (still to be dealt with)."""
        return self in _OPEN_STATES

    @property
    def open311_status(self) -> str:
        """`open` or `closed`, GeoReport v2's two statuses."""
        return "open" if self.is_open else "closed"

    @property
    def extended_status(self) -> str:
        """The FixMyStreet-style status code (open311-adapter's mySociety extension)."""
        return _EXTENDED[self]

    @property
    def is_outcome(self) -> bool:
        """An end of the handling (resolved, rejected, duplicate, not ours), before closing."""
        return self in _OUTCOMES

    def label(self, lang: str = "vi") -> str:
        """The status a citizen reads; Vietnamese unless `lang` is "en"."""
        vi, en = _STATE_LABELS[self]
        return en if lang == "en" else vi


_OPEN_STATES = frozenset({RequestState.RECEIVED, RequestState.FOR_TRIAGE, RequestState.ASSIGNED,
                          RequestState.IN_PROGRESS, RequestState.REOPENED})
_OUTCOMES = frozenset({RequestState.RESOLVED, RequestState.REJECTED, RequestState.DUPLICATE,
                       RequestState.NOT_RESPONSIBLE})

_EXTENDED: dict[RequestState, str] = {
    RequestState.RECEIVED: "open",
    RequestState.FOR_TRIAGE: "for_triage",
    RequestState.ASSIGNED: "action_scheduled",
    RequestState.IN_PROGRESS: "in_progress",
    RequestState.REOPENED: "reopen",
    RequestState.RESOLVED: "fixed",
    RequestState.REJECTED: "no_further_action",
    RequestState.DUPLICATE: "duplicate",
    RequestState.NOT_RESPONSIBLE: "not_councils_responsibility",
    RequestState.CLOSED: "closed",
}

_STATE_LABELS: dict[RequestState, tuple[str, str]] = {
    RequestState.RECEIVED: ("Đã tiếp nhận", "Received"),
    RequestState.FOR_TRIAGE: ("Đang phân loại", "For triage"),
    RequestState.ASSIGNED: ("Đã chuyển đơn vị xử lý", "Assigned"),
    RequestState.IN_PROGRESS: ("Đang xử lý", "In progress"),
    RequestState.REOPENED: ("Đã mở lại", "Reopened"),
    RequestState.RESOLVED: ("Đã xử lý xong", "Fixed"),
    RequestState.REJECTED: ("Không xử lý (có lý do)", "Rejected"),
    RequestState.DUPLICATE: ("Trùng phản ánh khác", "Duplicate"),
    RequestState.NOT_RESPONSIBLE: ("Không thuộc thẩm quyền", "Not our responsibility"),
    RequestState.CLOSED: ("Đã đóng", "Closed"),
}


class Action(StrEnum):
    RECEIVE = "receive"
    TRIAGE = "triage"
    ASSIGN = "assign"
    START = "start"
    RESOLVE = "resolve"
    REJECT = "reject"
    MARK_DUPLICATE = "mark_duplicate"
    REFER_OUT = "refer_out"
    CLOSE = "close"
    REOPEN = "reopen"
    COMMENT = "comment"
    RATE = "rate"

    def label(self, lang: str = "vi") -> str:
        vi, en = _ACTION_LABELS[self]
        return en if lang == "en" else vi


_ACTION_LABELS: dict[Action, tuple[str, str]] = {
    Action.RECEIVE: ("Tiếp nhận", "Receive"),
    Action.TRIAGE: ("Chuyển phân loại", "Send for triage"),
    Action.ASSIGN: ("Giao đơn vị xử lý", "Assign"),
    Action.START: ("Bắt đầu xử lý", "Start work"),
    Action.RESOLVE: ("Hoàn thành xử lý", "Resolve"),
    Action.REJECT: ("Từ chối xử lý", "Reject"),
    Action.MARK_DUPLICATE: ("Đánh dấu trùng lặp", "Mark as duplicate"),
    Action.REFER_OUT: ("Xác định không thuộc thẩm quyền", "Mark as not our responsibility"),
    Action.CLOSE: ("Đóng", "Close"),
    Action.REOPEN: ("Mở lại", "Reopen"),
    Action.COMMENT: ("Ghi chú", "Comment"),
    Action.RATE: ("Đánh giá mức độ hài lòng", "Rate the handling"),
}

_S, _A = RequestState, Action
_HANDLING = {_A.ASSIGN: _S.ASSIGNED, _A.RESOLVE: _S.RESOLVED, _A.REJECT: _S.REJECTED,
             _A.MARK_DUPLICATE: _S.DUPLICATE, _A.REFER_OUT: _S.NOT_RESPONSIBLE}
_ENDED = {_A.CLOSE: _S.CLOSED, _A.REOPEN: _S.REOPENED}
# Which action may follow which state, and where it leads. COMMENT keeps any state.
TRANSITIONS: dict[RequestState, dict[Action, RequestState]] = {
    _S.RECEIVED: {_A.TRIAGE: _S.FOR_TRIAGE, **{a: s for a, s in _HANDLING.items()
                                             if a is not _A.RESOLVE}},
    _S.FOR_TRIAGE: {a: s for a, s in _HANDLING.items() if a is not _A.RESOLVE},
    _S.ASSIGNED: {_A.START: _S.IN_PROGRESS, **_HANDLING},
    _S.IN_PROGRESS: dict(_HANDLING),
    _S.REOPENED: {_A.START: _S.IN_PROGRESS, **_HANDLING},
    _S.RESOLVED: {**_ENDED, _A.RATE: _S.RESOLVED},
    _S.REJECTED: {**_ENDED, _A.RATE: _S.REJECTED},
    _S.DUPLICATE: {**_ENDED, _A.RATE: _S.DUPLICATE},
    _S.NOT_RESPONSIBLE: {**_ENDED, _A.RATE: _S.NOT_RESPONSIBLE},
    _S.CLOSED: {_A.REOPEN: _S.REOPENED, _A.RATE: _S.CLOSED},
}


def allowed_actions(state: RequestState) -> tuple[Action, ...]:
    """The actions that may follow `state`, COMMENT included, in a stable order."""
    return (*TRANSITIONS[state], Action.COMMENT)
