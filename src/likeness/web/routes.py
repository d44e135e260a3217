"""Portal pages: the registry, browsable by performers, producers and auditors."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from likeness.deps import ContainerDep, ReadUow
from likeness.services import registry
from likeness.services.overview import performer_overview
from likeness.web.auth import PortalPrincipal
from likeness.web.pages import render

router = APIRouter(include_in_schema=False)

# what each registry page shows: title, columns, and which columns link to which page
SECTIONS: dict[str, dict[str, Any]] = {
    "performers": {
        "title": "Performers",
        "columns": ["id", "name", "category", "born", "died"],
        "links": {"id": "performers"},
    },
    "producers": {"title": "Producers", "columns": ["id", "name"], "links": {"id": "producers"}},
    "productions": {
        "title": "Productions",
        "columns": ["id", "title", "producer", "kind", "agreement", "principal_photography"],
        "links": {"id": "productions", "producer": "producers"},
    },
    "replicas": {
        "title": "Replicas",
        "columns": ["id", "performer", "kind", "media", "made_in", "made_on"],
        "links": {"id": "replicas", "performer": "performers", "made_in": "productions"},
    },
}


def _render(request: Request, template: str, **context: Any) -> HTMLResponse:
    return render(request, template, **context)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, uow: ReadUow, principal: PortalPrincipal) -> HTMLResponse:
    """The portal's front page: what the visitor may see of the registry, with links."""
    counts = {
        "performers": len(registry.list_performers(uow, principal)),
        "producers": len(registry.list_producers(uow, principal)),
        "productions": len(registry.list_productions(uow, principal)),
        "replicas": len(registry.list_replicas(uow, principal)),
    }
    return _render(request, "home.html", counts=counts, sections=SECTIONS)


def _list_page(request: Request, section: str, items: list[Any]) -> HTMLResponse:
    spec = SECTIONS[section]
    rows = [i if isinstance(i, dict) else registry.record_as_document(i) for i in items]
    return _render(request, "list.html", section=section, spec=spec, rows=rows)


def _detail_page(
    request: Request, section: str, item: Any, related: dict[str, list[Any]] | None = None
) -> HTMLResponse:
    spec = SECTIONS[section]
    record = registry.record_as_document(item)
    return _render(
        request, "detail.html", section=section, spec=spec, record=record, related=related or {}
    )


@router.get("/performers", response_class=HTMLResponse)
def performers(request: Request, uow: ReadUow, principal: PortalPrincipal) -> HTMLResponse:
    """The performers the visitor may see."""
    return _list_page(request, "performers", registry.list_performers(uow, principal))


@router.get("/performers/{performer_id}", response_class=HTMLResponse)
def performer(
    request: Request,
    performer_id: str,
    uow: ReadUow,
    principal: PortalPrincipal,
    container: ContainerDep,
) -> HTMLResponse:
    """One performer: representatives, replicas, consents (each with its standing today) and
    the pay their likeness earned."""
    overview = performer_overview(uow, principal, performer_id, deps=container.deps)
    return _render(
        request,
        "performer.html",
        section="performers",
        spec=SECTIONS["performers"],
        record=overview["performer"],
        related={"replicas": overview["replicas"]},
        consents=overview["consents"],
        pay_lines=overview["pay_lines"],
        totals=overview["totals"],
    )


@router.get("/producers", response_class=HTMLResponse)
def producers(request: Request, uow: ReadUow, principal: PortalPrincipal) -> HTMLResponse:
    """The producers the visitor may see."""
    return _list_page(request, "producers", registry.list_producers(uow, principal))


@router.get("/producers/{producer_id}", response_class=HTMLResponse)
def producer(
    request: Request, producer_id: str, uow: ReadUow, principal: PortalPrincipal
) -> HTMLResponse:
    """One producer and its productions."""
    item = registry.get_producer(uow, principal, producer_id)
    made = [
        registry.record_as_document(p) for p in registry.list_productions(uow, principal, item.id)
    ]
    return _detail_page(request, "producers", item, {"productions": made})


@router.get("/productions", response_class=HTMLResponse)
def productions(request: Request, uow: ReadUow, principal: PortalPrincipal) -> HTMLResponse:
    """The productions the visitor may see."""
    return _list_page(request, "productions", registry.list_productions(uow, principal))


@router.get("/productions/{production_id}", response_class=HTMLResponse)
def production(
    request: Request, production_id: str, uow: ReadUow, principal: PortalPrincipal
) -> HTMLResponse:
    """One production."""
    found = registry.get_production(uow, principal, production_id)
    return _detail_page(request, "productions", found)


@router.get("/replicas", response_class=HTMLResponse)
def replicas(request: Request, uow: ReadUow, principal: PortalPrincipal) -> HTMLResponse:
    """The replicas the visitor may see."""
    return _list_page(request, "replicas", registry.list_replicas(uow, principal))


@router.get("/replicas/{replica_id}", response_class=HTMLResponse)
def replica(
    request: Request, replica_id: str, uow: ReadUow, principal: PortalPrincipal
) -> HTMLResponse:
    """One replica with its asset files and digests."""
    return _detail_page(request, "replicas", registry.get_replica(uow, principal, replica_id))
