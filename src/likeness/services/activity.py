"""What happened across every performer a principal sees: recorded uses, denied attempts and
pay lines, for the producer's and the union's pages of the portal (SPEC §12); and which
consents a strike lets a performer suspend.

Access is asked of :func:`~likeness.services.access.may` for each kind of record, exactly as
:mod:`likeness.services.use_queries` asks it for one performer (a producer sees the uses and
lines of its own productions only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial

from likeness.domain.payments import PayLine
from likeness.domain.principals import Principal, Role
from likeness.domain.productions import ProductionKind
from likeness.domain.uses import UseRecord
from likeness.errors import NotFoundError
from likeness.services import registry, use_queries
from likeness.services.access import Action, RecordKind, may
from likeness.services.decisions import request_record
from likeness.services.pages import every
from likeness.services.records import acts_for
from likeness.services.unit_of_work import UnitOfWork


def _performers(uow: UnitOfWork, principal: Principal) -> list[str]:
    return [str(p["id"]) for p in registry.list_performers(uow, principal)]


def visible_uses(uow: UnitOfWork, principal: Principal) -> list[UseRecord]:
    """Every recorded decision that ``principal`` sees, allowed uses and denied attempts
    alike, in the order recorded: a producer's own (filtered in the query), the union's all.

    Access is asked once per kind of request (production, producer, subject), as
    :func:`~likeness.services.use_queries.performer_uses` does.
    """
    producer = str(principal.party) if principal.role is Role.PRODUCER else None
    whom = acts_for(uow, principal)
    shown: dict[tuple[str | None, ...], bool] = {}
    seen = []
    for record in uow.uses.decisions(producer):
        request = record.request
        key = (
            request.production,
            request.producer,
            request.replica,
            request.performer,
            request.resembles,
        )
        if key not in shown:
            about = request_record(uow, request, RecordKind.USE)
            shown[key] = may(principal, Action.SEE, about, acts_for=whom).visible
        if shown[key]:
            seen.append(record)
    return seen


def visible_pay_lines(uow: UnitOfWork, principal: Principal) -> list[PayLine]:
    """Every pay line owed to a performer that ``principal`` sees, in the order recorded."""
    found: dict[int, PayLine] = {}
    for performer in _performers(uow, principal):
        try:
            lines = every(partial(use_queries.performer_pay_lines, uow, principal, performer))
        except NotFoundError:
            continue
        for line in lines:
            found.setdefault(line.id or 0, line)
    return [found[k] for k in sorted(found)]


def suspendable(uow: UnitOfWork, consent_ids: Sequence[str], on: dt.date) -> set[str]:
    """Which of ``consent_ids`` (consents the caller already sees) name a video-game
    production whose producer a strike covers on ``on``: those a performer may suspend
    (SPEC §7), so the portal offers Suspend on them only. The service decides again."""
    struck = list(uow.strikes.list())
    found = set()
    for consent_id in consent_ids:
        stored = uow.consents.get(consent_id)
        if stored is None or stored.consent.suspended_on is not None:
            continue
        for production_id in stored.consent.productions:
            production = uow.productions.get(production_id)
            if (
                production is not None
                and production.kind is ProductionKind.VIDEO_GAME
                and any(s.covers(production.producer, on) for s in struck)
            ):
                found.add(consent_id)
    return found
