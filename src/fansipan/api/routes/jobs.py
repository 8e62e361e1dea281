"""Background jobs and their progress: `/api/v1/jobs`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from fansipan.http.deps import SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.exchange.jobs import JobPublic, get_job, list_jobs

router = APIRouter(prefix="/jobs", tags=["exchange"])


@router.get("")
def jobs_index(session: SessionDep, principal: PrincipalDep,
               limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[JobPublic]:
    """Your jobs, newest first (administrators: everyone's)."""
    return list_jobs(session=session, principal=principal, limit=limit)


@router.get("/{job_id}")
def job_show(session: SessionDep, principal: PrincipalDep,
             job_id: Annotated[str, Path(min_length=1, max_length=64)]) -> JobPublic:
    """A job's status and progress (`percent` of the file read); its summary when done."""
    return get_job(session=session, principal=principal, job_id=job_id)
