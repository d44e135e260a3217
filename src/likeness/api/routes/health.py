"""``GET /v1/health`` (and ``/health``): is the service up, its database reachable and migrated?

Public, so it says no more than that: no version of Likeness's dependencies, no driver errors,
no database URL (those go to the server log).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from likeness.api.problems import UNAVAILABLE, problem
from likeness.api.schemas import HealthPublic
from likeness.deps import ContainerDep
from likeness.errors import StorageError

router = APIRouter(tags=["health"])
log = logging.getLogger("likeness.api")


@router.get(
    "/v1/health",
    response_model=HealthPublic,
    responses={503: {"description": "the database is unreachable or not migrated"}},
)
@router.get("/health", response_model=HealthPublic, include_in_schema=False)
def health(container: ContainerDep) -> JSONResponse:
    """200 with the schema revision when the database is reachable and up to date, else 503."""
    try:
        revision, head = container.schema_revisions()
    except StorageError as exc:
        log.error("health: %s", exc.message)
        return problem(503, UNAVAILABLE)
    if revision != head:
        return problem(503, "the database schema is out of date; the operator runs `likeness init`")
    return JSONResponse({"status": "ok", "schema": revision})
