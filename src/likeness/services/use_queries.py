"""Reading recorded uses and pay lines, as far as the caller may see them (SPEC §10).

A use is about its performer and names the production's producer; a pay line the same. A
producer looking at a performer's uses or pay lines sees those of its own productions only.
"""

from __future__ import annotations

from likeness.domain.payments import PayLine
from likeness.domain.principals import Principal
from likeness.domain.uses import UseRecord
from likeness.errors import NotFoundError
from likeness.services import registry
from likeness.services.access import Action, Record, RecordKind, may, require
from likeness.services.decisions import request_record
from likeness.services.pages import Page, page_of
from likeness.services.records import acts_for, producers_of
from likeness.services.unit_of_work import UnitOfWork


def _missing_use(use_id: int) -> str:
    return f"use {use_id} does not exist (expected the id of a recorded use)"


def get_use(uow: UnitOfWork, principal: Principal, use_id: int) -> UseRecord:
    """The recorded use with this id: its request, decision and pay lines."""
    record = uow.uses.use(use_id)
    if record is None:
        raise NotFoundError(_missing_use(use_id))
    require(
        principal,
        Action.SEE,
        request_record(uow, record.request, RecordKind.USE),
        _missing_use(use_id),
        acts_for=acts_for(uow, principal),
    )
    return record


def performer_uses(
    uow: UnitOfWork, principal: Principal, performer_id: str, *, limit: int, offset: int
) -> Page[UseRecord]:
    """The uses of a performer's likeness that ``principal`` sees, in the order recorded."""
    registry.see_performer(uow, principal, performer_id)
    whom = acts_for(uow, principal)
    shown: dict[tuple[str | None, ...], bool] = {}  # uses alike in what access depends on
    seen = []
    for record in uow.uses.of_performer(performer_id):
        request = record.request
        key = (request.production, request.producer, request.replica, request.performer)
        if key not in shown:
            about = request_record(uow, request, RecordKind.USE)
            shown[key] = may(principal, Action.SEE, about, acts_for=whom).visible
        if shown[key]:
            seen.append(record)
    return page_of(seen, limit, offset)


def performer_pay_lines(
    uow: UnitOfWork, principal: Principal, performer_id: str, *, limit: int, offset: int
) -> Page[PayLine]:
    """The pay lines owed to a performer that ``principal`` sees, in the order recorded."""
    registry.see_performer(uow, principal, performer_id)
    whom = acts_for(uow, principal)
    lines = uow.uses.pay_lines(performer_id=performer_id)
    # one question per production, not per line: a line is seen as its production is
    shown = {
        production: may(
            principal,
            Action.SEE,
            Record(
                RecordKind.PAY_LINE,
                production,
                frozenset({performer_id}),
                producers_of(uow, (production,)),
            ),
            acts_for=whom,
        ).visible
        for production in {line.production for line in lines}
    }
    return page_of([line for line in lines if shown[line.production]], limit, offset)
