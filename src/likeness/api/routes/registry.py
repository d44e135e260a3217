"""``/v1`` registry routes (SPEC §10): one performer, producer, production or replica, and
registering productions and replicas. What the caller may not see answers 404."""

from __future__ import annotations

from fastapi import APIRouter, status

from likeness.api.params import Json, PathId
from likeness.api.responses import READ, WRITE
from likeness.api.schemas import (
    Created,
    PerformerPublic,
    ProducerPublic,
    ProductionCreate,
    ProductionPublic,
    ReplicaCreate,
    ReplicaPublic,
)
from likeness.deps import ApiPrincipal, ApiReadUow, ApiWriteUow
from likeness.services import registry

router = APIRouter(prefix="/v1", tags=["registry"])


@router.get(
    "/performers/{performer_id}",
    response_model=PerformerPublic,
    response_model_exclude_unset=True,
    responses=READ,
)
def get_performer(performer_id: PathId, uow: ApiReadUow, principal: ApiPrincipal) -> Json:
    """One performer; a producer sees the id and name only."""
    permission = registry.see_performer(uow, principal, performer_id)
    performer = registry.get_performer(uow, principal, performer_id)
    return registry.performer_document(performer, limited=permission.limited)


@router.get(
    "/producers/{producer_id}",
    response_model=ProducerPublic,
    response_model_exclude_unset=True,
    responses=READ,
)
def get_producer(producer_id: PathId, uow: ApiReadUow, principal: ApiPrincipal) -> Json:
    """One producer."""
    return registry.record_as_document(registry.get_producer(uow, principal, producer_id))


@router.get(
    "/productions/{production_id}",
    response_model=ProductionPublic,
    response_model_exclude_unset=True,
    responses=READ,
)
def get_production(production_id: PathId, uow: ApiReadUow, principal: ApiPrincipal) -> Json:
    """One production."""
    return registry.record_as_document(registry.get_production(uow, principal, production_id))


@router.get(
    "/replicas/{replica_id}",
    response_model=ReplicaPublic,
    response_model_exclude_unset=True,
    responses=READ,
)
def get_replica(replica_id: PathId, uow: ApiReadUow, principal: ApiPrincipal) -> Json:
    """One replica, with its asset files, their sizes and SHA-256 digests."""
    return registry.record_as_document(registry.get_replica(uow, principal, replica_id))


@router.post(
    "/productions",
    status_code=status.HTTP_201_CREATED,
    response_model=Created,
    responses=WRITE,
)
def create_production(body: ProductionCreate, uow: ApiWriteUow, principal: ApiPrincipal) -> Json:
    """Register a production (a producer: its own)."""
    document = body.model_dump(mode="json", by_alias=True, exclude_none=True)
    created = registry.add_record(uow, principal, "productions", document)
    return {"id": created.id}


@router.post(
    "/replicas",
    status_code=status.HTTP_201_CREATED,
    response_model=Created,
    responses=WRITE,
)
def create_replica(body: ReplicaCreate, uow: ApiWriteUow, principal: ApiPrincipal) -> Json:
    """Register a replica (a producer: one made in its own production)."""
    document = body.model_dump(mode="json", by_alias=True, exclude_none=True)
    created = registry.add_record(uow, principal, "replicas", document)
    return {"id": created.id}
