"""The registry as JSON: performers, producers, productions and replicas (read-only for now)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from likeness.api.deps import ReadUow
from likeness.services import registry
from likeness.services.overview import performer_overview

router = APIRouter(prefix="/api", tags=["registry"])

Json = dict[str, Any]


@router.get("/performers")
def list_performers(uow: ReadUow) -> list[Json]:
    """Every registered performer."""
    return [registry.record_as_document(p) for p in uow.performers.list()]


@router.get("/performers/{performer_id}")
def get_performer(performer_id: str, uow: ReadUow) -> Json:
    """One performer: representatives, replica ids, consents and the pay their likeness earned."""
    overview = performer_overview(uow, performer_id)
    record: Json = overview["performer"]
    record["replicas"] = [r["id"] for r in overview["replicas"]]
    record.update(
        consents=overview["consents"], pay_lines=overview["pay_lines"], totals=overview["totals"]
    )
    return record


@router.get("/producers")
def list_producers(uow: ReadUow) -> list[Json]:
    """Every registered producer."""
    return [registry.record_as_document(p) for p in uow.producers.list()]


@router.get("/producers/{producer_id}")
def get_producer(producer_id: str, uow: ReadUow) -> Json:
    """One producer, with its productions."""
    record = registry.record_as_document(registry.get_producer(uow, producer_id))
    record["productions"] = [p.id for p in uow.productions.list() if p.producer == producer_id]
    return record


@router.get("/productions")
def list_productions(uow: ReadUow) -> list[Json]:
    """Every registered production."""
    return [registry.record_as_document(p) for p in uow.productions.list()]


@router.get("/productions/{production_id}")
def get_production(production_id: str, uow: ReadUow) -> Json:
    """One production."""
    return registry.record_as_document(registry.get_production(uow, production_id))


@router.get("/replicas")
def list_replicas(uow: ReadUow, performer: str | None = None) -> list[Json]:
    """Every registered replica, or those of one performer."""
    return [registry.record_as_document(r) for r in uow.replicas.list(performer_id=performer)]


@router.get("/replicas/{replica_id}")
def get_replica(replica_id: str, uow: ReadUow) -> Json:
    """One replica, with its asset files and their SHA-256 digests."""
    return registry.record_as_document(registry.get_replica(uow, replica_id))
