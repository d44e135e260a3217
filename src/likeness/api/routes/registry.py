"""The registry as JSON: performers, producers, productions and replicas (read-only for now)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from likeness.api.schemas import (
    PerformerDetail,
    PerformerPublic,
    ProducerDetail,
    ProducerPublic,
    ProductionPublic,
    ReplicaPublic,
)
from likeness.deps import CurrentPrincipal, ReadUow
from likeness.services import registry
from likeness.services.overview import performer_overview

router = APIRouter(prefix="/api", tags=["registry"])


Json = dict[str, Any]


@router.get("/performers", response_model=list[PerformerPublic], response_model_exclude_unset=True)
def list_performers(uow: ReadUow, principal: CurrentPrincipal) -> list[Json]:
    """The performers the caller sees."""
    return registry.list_performers(uow, principal)


@router.get(
    "/performers/{performer_id}", response_model=PerformerDetail, response_model_exclude_unset=True
)
def get_performer(performer_id: str, uow: ReadUow, principal: CurrentPrincipal) -> Json:
    """One performer: representatives, replica ids, consents and the pay their likeness earned."""
    overview = performer_overview(uow, principal, performer_id)
    record: Json = overview["performer"]
    record["replicas"] = [r["id"] for r in overview["replicas"]]
    record.update(
        consents=overview["consents"], pay_lines=overview["pay_lines"], totals=overview["totals"]
    )
    return record


@router.get("/producers", response_model=list[ProducerPublic], response_model_exclude_unset=True)
def list_producers(uow: ReadUow, principal: CurrentPrincipal) -> list[Json]:
    """The producers the caller sees."""
    return [registry.record_as_document(p) for p in registry.list_producers(uow, principal)]


@router.get(
    "/producers/{producer_id}", response_model=ProducerDetail, response_model_exclude_unset=True
)
def get_producer(producer_id: str, uow: ReadUow, principal: CurrentPrincipal) -> Json:
    """One producer, with its productions."""
    record = registry.record_as_document(registry.get_producer(uow, principal, producer_id))
    made = registry.list_productions(uow, principal, producer_id)
    record["productions"] = [p.id for p in made]
    return record


@router.get(
    "/productions", response_model=list[ProductionPublic], response_model_exclude_unset=True
)
def list_productions(uow: ReadUow, principal: CurrentPrincipal) -> list[Json]:
    """The productions the caller sees."""
    return [registry.record_as_document(p) for p in registry.list_productions(uow, principal)]


@router.get(
    "/productions/{production_id}",
    response_model=ProductionPublic,
    response_model_exclude_unset=True,
)
def get_production(production_id: str, uow: ReadUow, principal: CurrentPrincipal) -> Json:
    """One production."""
    return registry.record_as_document(registry.get_production(uow, principal, production_id))


@router.get("/replicas", response_model=list[ReplicaPublic], response_model_exclude_unset=True)
def list_replicas(
    uow: ReadUow, principal: CurrentPrincipal, performer: str | None = None
) -> list[Json]:
    """The replicas the caller sees, or those of one performer."""
    found = registry.list_replicas(uow, principal, performer)
    return [registry.record_as_document(r) for r in found]


@router.get(
    "/replicas/{replica_id}", response_model=ReplicaPublic, response_model_exclude_unset=True
)
def get_replica(replica_id: str, uow: ReadUow, principal: CurrentPrincipal) -> Json:
    """One replica, with its asset files and their SHA-256 digests."""
    return registry.record_as_document(registry.get_replica(uow, principal, replica_id))
