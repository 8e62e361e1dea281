"""Approval of a unit's period: `/api/v1/approvals`."""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter

from fansipan.http.deps import SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.warehouse.approvals import (
    ApprovalNote,
    ApprovalPublic,
    ApprovalState,
    change_state,
    list_approvals,
)

router = APIRouter(prefix="/approvals", tags=["approval"])


class ApprovalAction(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REOPEN = "reopen"


@router.get("")
def approvals_index(session: SessionDep, principal: PrincipalDep,
                    state: ApprovalState | None = None,
                    period: str | None = None) -> list[ApprovalPublic]:
    """Approval states of the units in your scope."""
    return list_approvals(session=session, principal=principal, state=state, period=period)


@router.post("/{unit}/{period}/{action}")
def approval_step(session: SessionDep, principal: PrincipalDep, unit: str, period: str,
                  action: ApprovalAction, note: ApprovalNote | None = None) -> ApprovalPublic:
    """`submit` (officer), `approve` or `reopen` (approver); approved data is locked."""
    return change_state(session=session, principal=principal, unit=unit, period=period,
                        action=action.value, note=note)
