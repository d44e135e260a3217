"""``/v1/ledger`` (SPEC §8, §10): the checkpoint and proofs are public (hashes only); entries
are read as far as the caller may see them (the union: all)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse

from likeness.api.responses import PUBLIC, READ
from likeness.api.schemas import (
    CheckpointPublic,
    ConsistencyProofPublic,
    EntryPage,
    InclusionProofPublic,
)
from likeness.deps import ApiPrincipal, ApiReadUow, ContainerDep
from likeness.ledger.entry import format_time
from likeness.ledger.tree import hash_leaf
from likeness.services import ledger as service
from likeness.services.ledger import LedgerStore
from likeness.services.unit_of_work import UnitOfWork

router = APIRouter(prefix="/v1/ledger", tags=["ledger"])


def _reading(container: ContainerDep) -> Iterator[tuple[UnitOfWork, LedgerStore]]:
    with container.uow(write=False) as uow:
        yield uow, uow.ledger


Reading = Annotated[tuple[UnitOfWork, LedgerStore], Depends(_reading)]


@router.get(
    "/checkpoint",
    response_model=CheckpointPublic,
    responses={**PUBLIC, 200: {"content": {"text/plain": {}}}},
)
def checkpoint(reading: Reading, request: Request, container: ContainerDep) -> Any:
    """The newest checkpoint: a C2SP signed note with any witness cosignatures. As JSON (its
    fields, the note and the log's verifier key), or the note alone with ``Accept: text/plain``
    (what signed-note clients read)."""
    head = service.checkpoint(reading[1])
    accept = request.headers.get("accept", "")
    if "text/plain" in accept and "application/json" not in accept:
        return PlainTextResponse(head.render())
    return {**head.to_json(), "vkey": container.log_vkey()}


@router.get("/proofs/inclusion", response_model=InclusionProofPublic, responses=PUBLIC)
def inclusion(
    reading: Reading,
    index: Annotated[int, Query(ge=0, description="the entry (from 0)")],
    size: Annotated[int, Query(ge=1, description="the tree size to prove against")],
) -> dict[str, Any]:
    """The RFC 9162 inclusion proof of entry ``index`` in the tree of ``size`` entries."""
    proof = service.inclusion(reading[1], index, size)
    return {"index": index, "tree_size": size, "audit_path": [h.hex() for h in proof]}


@router.get("/proofs/consistency", response_model=ConsistencyProofPublic, responses=PUBLIC)
def consistency(
    reading: Reading,
    first: Annotated[int, Query(alias="from", ge=1, description="the older tree size")],
    second: Annotated[int, Query(alias="to", ge=1, description="the newer tree size")],
) -> dict[str, Any]:
    """The RFC 9162 consistency proof from the tree of ``from`` entries to that of ``to``."""
    proof = service.consistency(reading[1], first, second)
    return {"from": first, "to": second, "proof": [h.hex() for h in proof]}


@router.get("/entries", response_model=EntryPage, responses=READ)
def entries(
    uow: ApiReadUow,
    principal: ApiPrincipal,
    start: Annotated[int, Query(ge=0, description="the first index")] = 0,
    end: Annotated[int | None, Query(ge=0, description="one past the last index")] = None,
) -> dict[str, Any]:
    """The entries from ``start`` to ``end`` (at most 1,000 indices) the caller may see."""
    # the installation's units of work hold the whole store (bootstrap wires SqlLedger)
    store = cast(LedgerStore, uow.ledger)
    stop = min(store.size(), start + service.MAX_ENTRIES) if end is None else end
    found = service.visible_entries(uow, store, principal, start, max(stop, start))
    return {
        "start": start,
        "end": max(stop, start),
        "size": store.size(),
        "entries": [
            {
                "index": e.index,
                "kind": e.kind,
                "actor": e.actor,
                "time": format_time(e.time),
                "record": e.record,
                "body": e.body().decode("utf-8"),
                "leaf_hash": hash_leaf(e.body()).hex(),
            }
            for e in found
        ],
    }
