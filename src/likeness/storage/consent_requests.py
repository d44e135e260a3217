"""Consent requests (SPEC §11) in the ``consent_requests`` table.

A request row is written once; afterwards only its state and answer change, and only by
:meth:`SqlConsentRequestRepository.move`, which changes a row that is still ``pending`` (so two
answers at once cannot both win: the second finds no pending row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Row, insert, or_, select, update

from likeness.domain.consent_requests import ConsentRequest, RequestState
from likeness.domain.consents import Compensation, PayPer
from likeness.domain.ids import ConsentId, PerformerId, ReplicaId
from likeness.errors import InvalidInputError
from likeness.storage import tables as t

_R = t.consent_requests.c
_PER = {p.value: p for p in PayPer}


def _joined(values: Sequence[str], what: str, request_id: str) -> str:
    bad = [v for v in values if "," in v]
    if bad:
        raise InvalidInputError(
            f"consent request {request_id}: {what} {bad} (expected ids without commas)"
        )
    return ",".join(values)


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


def _request(row: Row[Any]) -> ConsentRequest:
    amount = row.compensation_amount
    return ConsentRequest(
        id=row.id,
        producer=row.producer_id,
        about=PerformerId(row.about),
        productions=_split(row.productions),
        uses=_split(row.uses),
        description=row.description,
        respond_by=row.respond_by,
        created_on=row.created_on,
        replica=None if row.replica_id is None else ReplicaId(row.replica_id),
        performer=None if row.performer_id is None else PerformerId(row.performer_id),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        compensation=None
        if amount is None
        else Compensation(amount, _PER[row.compensation_per], row.compensation_currency),
        lifetime_only=row.lifetime_only,
        state=RequestState(row.state),
        answered_by=row.answered_by,
        answered_on=row.answered_on,
        reason=row.reason,
        consent=None if row.consent_id is None else ConsentId(row.consent_id),
    )


class SqlConsentRequestRepository:
    """Consent requests, in the order they were made."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, request_id: str) -> ConsentRequest | None:
        """The request with this id, or None."""
        row = self._conn.execute(select(t.consent_requests).where(_R.id == request_id)).first()
        return None if row is None else _request(row)

    def add(self, request: ConsentRequest) -> None:
        """Store a new request (pending)."""
        comp = request.compensation
        self._conn.execute(
            insert(t.consent_requests).values(
                id=request.id,
                producer_id=request.producer,
                about=request.about,
                replica_id=request.replica,
                performer_id=request.performer,
                productions=_joined(request.productions, "productions", request.id),
                uses=",".join(request.uses),
                description=request.description,
                valid_from=request.valid_from,
                valid_until=request.valid_until,
                compensation_amount=None if comp is None else comp.amount,
                compensation_per=None if comp is None else comp.per.value,
                compensation_currency=None if comp is None else comp.currency,
                lifetime_only=request.lifetime_only,
                respond_by=request.respond_by,
                created_on=request.created_on,
                state=request.state.value,
                answered_by=request.answered_by,
                answered_on=request.answered_on,
                reason=request.reason,
                consent_id=request.consent,
            )
        )

    def move(self, request: ConsentRequest) -> bool:
        """Write the new state and answer of a request that is still pending in the database;
        False (nothing written) when it is not pending any more."""
        result = self._conn.execute(
            update(t.consent_requests)
            .where(_R.id == request.id, _R.state == RequestState.PENDING.value)
            .values(
                state=request.state.value,
                answered_by=request.answered_by,
                answered_on=request.answered_on,
                reason=request.reason,
                consent_id=request.consent,
            )
        )
        return result.rowcount == 1

    def list(
        self,
        *,
        about: Collection[str] | None = None,
        producers: Collection[str] | None = None,
        states: Collection[RequestState] | None = None,
    ) -> Sequence[ConsentRequest]:
        """Requests in the order made; filtered to those about these performers or from these
        producers (either matches), and to these stored states."""
        query = select(t.consent_requests).order_by(_R.seq)
        if about is not None or producers is not None:
            query = query.where(
                or_(_R.about.in_(list(about or ())), _R.producer_id.in_(list(producers or ())))
            )
        if states is not None:
            query = query.where(_R.state.in_([s.value for s in states]))
        return [_request(row) for row in self._conn.execute(query)]

    def pending_due(self, day: dt.date) -> Sequence[ConsentRequest]:
        """Pending requests whose ``respond_by`` is before ``day`` (expired on it)."""
        query = (
            select(t.consent_requests)
            .where(_R.state == RequestState.PENDING.value, _R.respond_by < day)
            .order_by(_R.seq)
        )
        return [_request(row) for row in self._conn.execute(query)]
