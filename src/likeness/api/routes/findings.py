"""``/v1/findings`` and ``/v1/uses/{use}/outputs`` (SPEC §13).

A performer (or their representative) reads the findings about them, the union all of them;
anyone else sees none, and a finding they may not see answers 404 exactly as a missing one.
A producer registers the SHA-256 of an output of its own recorded use, so that detection
reports its performer's likeness in that file as covered.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from likeness.api.params import Json, Limit, Offset, PathNumber
from likeness.api.responses import READ, WRITE
from likeness.api.schemas import Page
from likeness.api.views import page_view
from likeness.deps import ApiPrincipal, ApiReadUow, ApiWriteUow, ContainerDep
from likeness.interchange.findings import finding_json
from likeness.services.findings import get_finding, list_findings
from likeness.services.outputs import register_output_digest

router = APIRouter(prefix="/v1", tags=["findings"])


class _Public(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FindingPublic(_Public):
    """A match of a performer's likeness in a file that no recorded use covers."""

    id: int
    file: str
    sha256: str
    medium: str
    performer: str
    replica: str
    time_s: float
    time: str
    score: float
    reason: str
    source: str | None
    found_at: str
    found_by: str
    ledger_index: int | None


class FindingPage(Page):
    items: list[FindingPublic]


class OutputCreate(_Public):
    """The SHA-256 of a file the use produced."""

    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="64 lowercase hex digits")


class OutputPublic(_Public):
    """An output registered for a use."""

    use: int
    sha256: str
    how: str
    new: bool
    ledger_index: int | None


def _view(finding: Any) -> dict[str, Any]:
    data = finding_json(finding)
    data["found_at"] = finding.found_at.isoformat()
    return data


@router.get("/findings", response_model=FindingPage, responses=READ)
def findings(
    uow: ApiReadUow, principal: ApiPrincipal, limit: Limit = 100, offset: Offset = 0
) -> Json:
    """The findings the caller may see, newest first."""
    return page_view(list_findings(uow, principal, limit=limit, offset=offset), _view)


@router.get("/findings/{finding_id}", response_model=FindingPublic, responses=READ)
def finding(finding_id: PathNumber, uow: ApiReadUow, principal: ApiPrincipal) -> Json:
    """One finding: what was found where, and why no consent covers it."""
    return _view(get_finding(uow, principal, finding_id))


@router.post(
    "/uses/{use_id}/outputs",
    status_code=status.HTTP_201_CREATED,
    response_model=OutputPublic,
    responses=WRITE,
)
def register_output(
    use_id: PathNumber,
    body: OutputCreate,
    uow: ApiWriteUow,
    principal: ApiPrincipal,
    container: ContainerDep,
) -> Json:
    """Register a file's SHA-256 as an output of the caller's recorded use."""
    output = register_output_digest(uow, principal, use_id, body.sha256, clock=container.deps.clock)
    return {
        "use": output.use,
        "sha256": output.sha256,
        "how": output.how,
        "new": output.new,
        "ledger_index": output.ledger_index,
    }
