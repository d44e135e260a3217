"""Findings in the portal (SPEC §12, §13): a performer's likeness found in media that no
recorded use covers, with the takedown notice draft to send.

The performer (and whoever acts for them) sees the findings about them on their own pages; the
union sees all of them. Anyone else gets 404, exactly as for a missing finding.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from likeness.deps import ReadUow
from likeness.domain.principals import Role
from likeness.services.findings import draft_for, list_findings
from likeness.services.pages import every
from likeness.web.auth import PortalPrincipal
from likeness.web.pages import only_for, render
from likeness.web.performer_pages import subject_of

router = APIRouter(include_in_schema=False)


@router.get("/performers/{performer_id}/findings", response_class=HTMLResponse)
def performer_findings(
    request: Request, performer_id: str, uow: ReadUow, principal: PortalPrincipal
) -> HTMLResponse:
    """My likeness found in media without a consent that covers it, newest first."""
    person = subject_of(uow, principal, performer_id)
    found = every(
        lambda limit, offset: list_findings(
            uow, principal, limit=limit, offset=offset, performer=performer_id
        )
    )
    return render(request, "findings.html", person=person, tab="findings", findings=found)


@router.get("/union/findings", response_class=HTMLResponse)
def union_findings(request: Request, uow: ReadUow, principal: PortalPrincipal) -> HTMLResponse:
    """Every finding, newest first."""
    only_for(principal, Role.UNION)
    found = every(lambda limit, offset: list_findings(uow, principal, limit=limit, offset=offset))
    return render(request, "findings.html", person=None, tab=None, findings=found)


@router.get("/findings/{finding_id}", response_class=HTMLResponse)
def finding_page(
    request: Request, finding_id: int, uow: ReadUow, principal: PortalPrincipal
) -> HTMLResponse:
    """One finding and its takedown notice draft."""
    finding, draft = draft_for(uow, principal, finding_id)
    return render(request, "finding.html", finding=finding, draft=draft)
