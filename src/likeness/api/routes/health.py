"""``/health``: is the service up and its database reachable and migrated?"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from likeness import __version__
from likeness.deps import ContainerDep
from likeness.errors import StorageError

router = APIRouter(tags=["health"])


@router.get("/health")
def health(container: ContainerDep) -> JSONResponse:
    """200 with the schema revision when the database is reachable and up to date, else 503."""
    body: dict[str, Any] = {"ok": True, "version": __version__}
    try:
        revision, head = container.schema_revisions()
    except StorageError as exc:
        return JSONResponse(
            {"ok": False, "error": f"database unreachable: {exc}", "errors": [], "status": 503},
            status_code=503,
        )
    body["database"] = container.engine.url.get_backend_name()
    body["schema"] = revision
    if revision != head:
        body.update(ok=False, error="database schema is out of date; run `likeness init`")
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)
