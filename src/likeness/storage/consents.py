"""Repositories for consents and strikes over one SQLAlchemy Connection (Core rows).

Consents are never deleted: a revocation only sets ``revoked_on``. Bulk reads stream rows in the
order the consents were stored, which is the order the decision engine examines them in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, insert, or_, select, update

from likeness.domain.consents import Compensation, Consent, PayPer, StoredConsent
from likeness.domain.ids import ConsentId, PerformerId, ProducerId, ReplicaId
from likeness.domain.strikes import Strike
from likeness.errors import InvalidInputError
from likeness.storage import tables as t

_C = t.consents.c
# built once with bound parameters: every decision runs them
_NAMING_REPLICAS = select(t.consents).where(_C.replica_id.in_(bindparam("ids", expanding=True)))
_NAMING_PERFORMERS = select(t.consents).where(_C.performer_id.in_(bindparam("ids", expanding=True)))
_NAMING_EITHER = (
    select(t.consents)
    .where(
        or_(
            _C.replica_id.in_(bindparam("replicas", expanding=True)),
            _C.performer_id.in_(bindparam("performers", expanding=True)),
        )
    )
    .order_by(_C.seq)
)
_PER = {p.value: p for p in PayPer}
# bound parameters per IN list: SQLite allows 32,766 per statement, PostgreSQL 65,535
_CHUNK = 10_000


def _joined(values: Sequence[str], what: str, consent_id: str) -> str:
    bad = [v for v in values if "," in v]
    if bad:
        raise InvalidInputError(f"consent {consent_id}: {what} {bad} (expected ids without commas)")
    return ",".join(values)


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split(",")) if text else ()


def consent_from_row(row: Row[Any]) -> Consent:
    """The domain consent of a ``consents`` row (columns in table order)."""
    (
        _seq,
        ident,
        replica,
        performer,
        given_by,
        signed_on,
        separately,
        productions,
        uses,
        description,
        valid_from,
        valid_until,
        amount,
        per,
        currency,
        lifetime_only,
        revoked_on,
        _problems,
        suspended_on,
        request,
    ) = tuple(row)
    return Consent(
        id=ConsentId(ident),
        given_by=given_by,
        signed_on=signed_on,
        separately_signed=separately,
        productions=_split(productions),
        uses=_split(uses),
        description=description,
        replica=None if replica is None else ReplicaId(replica),
        performer=None if performer is None else PerformerId(performer),
        valid_from=valid_from,
        valid_until=valid_until,
        compensation=None if amount is None else Compensation(amount, _PER[per], currency),
        lifetime_only=lifetime_only,
        revoked_on=revoked_on,
        suspended_on=suspended_on,
        request=request,
    )


def _stored(row: Row[Any]) -> StoredConsent:
    return StoredConsent(consent_from_row(row), _split(row.problems))


def consent_values(consent: Consent, problems: Sequence[str]) -> dict[str, Any]:
    """The column values of a consent row (without ``seq``)."""
    comp = consent.compensation
    return {
        "id": consent.id,
        "replica_id": consent.replica,
        "performer_id": consent.performer,
        "given_by": consent.given_by,
        "signed_on": consent.signed_on,
        "separately_signed": consent.separately_signed,
        "productions": _joined(consent.productions, "productions", consent.id),
        "uses": ",".join(consent.uses),
        "description": consent.description,
        "valid_from": consent.valid_from,
        "valid_until": consent.valid_until,
        "compensation_amount": None if comp is None else comp.amount,
        "compensation_per": None if comp is None else comp.per.value,
        "compensation_currency": None if comp is None else comp.currency,
        "lifetime_only": consent.lifetime_only,
        "revoked_on": consent.revoked_on,
        "problems": ",".join(problems),
        "suspended_on": consent.suspended_on,
        "request_id": consent.request,
    }


class SqlConsentRepository:
    """Consents in the ``consents`` table."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, consent_id: str) -> StoredConsent | None:
        """The consent with this id and its recorded problems, or None."""
        row = self._conn.execute(select(t.consents).where(_C.id == consent_id)).first()
        return _stored(row) if row else None

    def add(self, consent: Consent, problems: Sequence[str] = ()) -> None:
        """Store a new consent with the §5 problems found when it was recorded."""
        self._conn.execute(insert(t.consents).values(**consent_values(consent, problems)))

    def add_many(self, rows: Sequence[tuple[Consent, Sequence[str]]]) -> None:
        """Store many consents in one statement (bulk loads)."""
        if rows:
            self._conn.execute(
                insert(t.consents), [consent_values(c, problems) for c, problems in rows]
            )

    def revoke(self, consent_id: str, on: dt.date) -> None:
        """Set ``revoked_on``; the row stays."""
        self._conn.execute(update(t.consents).where(_C.id == consent_id).values(revoked_on=on))

    def suspend(self, consent_id: str, on: dt.date) -> None:
        """Set ``suspended_on``; the row stays."""
        self._conn.execute(update(t.consents).where(_C.id == consent_id).values(suspended_on=on))

    def list(self, performer_id: str | None = None) -> Sequence[StoredConsent]:
        """Consents in stored order; with ``performer_id`` those naming the performer or one of
        their replicas."""
        query = select(t.consents).order_by(_C.seq)
        if performer_id is not None:
            replicas = select(t.replicas.c.id).where(t.replicas.c.performer_id == performer_id)
            query = query.where(or_(_C.performer_id == performer_id, _C.replica_id.in_(replicas)))
        return [_stored(row) for row in self._conn.execute(query)]

    def for_subjects(
        self, replica_ids: Collection[str], performer_ids: Collection[str]
    ) -> Sequence[Consent]:
        """Consents naming any of these replicas or performers, in stored order."""
        replicas, performers = list(replica_ids), list(performer_ids)
        if len(replicas) <= _CHUNK and len(performers) <= _CHUNK:  # one query: every decision
            rows = self._conn.execute(
                _NAMING_EITHER, {"replicas": replicas, "performers": performers}
            )
            return [consent_from_row(row) for row in rows]
        found: list[tuple[int, Consent]] = []
        for statement, ids in ((_NAMING_REPLICAS, replicas), (_NAMING_PERFORMERS, performers)):
            for start in range(0, len(ids), _CHUNK):
                rows = self._conn.execute(statement, {"ids": ids[start : start + _CHUNK]})
                found.extend((row.seq, consent_from_row(row)) for row in rows)
        found.sort(key=lambda pair: pair[0])
        return [consent for _seq, consent in found]

    def iter_all(self) -> Iterator[Consent]:
        """Every consent in stored order, streamed (for loading a warm engine)."""
        if self._conn.dialect.name == "sqlite":
            yield from self._iter_all_sqlite()
            return
        result = self._conn.execution_options(stream_results=True, yield_per=20_000).execute(
            select(t.consents).order_by(_C.seq)
        )
        for row in result:
            yield consent_from_row(row)

    def _iter_all_sqlite(self) -> Iterator[Consent]:
        """The same rows read without SQLAlchemy's per-value type processing, which is most of
        the cost of loading a million consents: SQLite holds dates as ISO text, booleans as
        0/1 and money as text (see ``storage.types.Money``)."""
        date = dt.date.fromisoformat
        # the DBAPI cursor of this connection (same transaction): plain tuples, no Row objects
        cursor = self._conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.arraysize = 10_000
        rows = cursor.execute(
            "SELECT id, replica_id, performer_id, given_by, signed_on, separately_signed,"
            " productions, uses, description, valid_from, valid_until, compensation_amount,"
            " compensation_per, compensation_currency, lifetime_only, revoked_on, suspended_on,"
            " request_id FROM consents ORDER BY seq"
        )
        for (ident, replica, performer, given_by, signed_on, separately, productions, uses,
             description, valid_from, valid_until, amount, per, currency, lifetime_only,
             revoked_on, suspended_on, request) in rows:  # fmt: skip
            yield Consent(
                id=ConsentId(ident),
                given_by=given_by,
                signed_on=date(signed_on),
                separately_signed=bool(separately),
                productions=tuple(productions.split(",")) if productions else (),
                uses=tuple(uses.split(",")) if uses else (),
                description=description,
                replica=replica,
                performer=performer,
                valid_from=None if valid_from is None else date(valid_from),
                valid_until=None if valid_until is None else date(valid_until),
                compensation=None
                if amount is None
                else Compensation(Decimal(amount), _PER[per], currency),
                lifetime_only=bool(lifetime_only),
                revoked_on=None if revoked_on is None else date(revoked_on),
                suspended_on=None if suspended_on is None else date(suspended_on),
                request=request,
            )

    def count(self) -> int:
        """How many consents are stored."""
        return int(self._conn.execute(select(func.count()).select_from(t.consents)).scalar_one())


_STRIKES = select(t.strikes).order_by(t.strikes.c.seq)


class SqlStrikeRepository:
    """Strikes in the ``strikes`` table."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, strike: Strike) -> int:
        """Store a strike; return its id."""
        against = None if strike.against is None else ",".join(strike.against)
        return int(
            self._conn.execute(
                insert(t.strikes)
                .values(against=against, start=strike.start, until=strike.until)
                .returning(t.strikes.c.seq)
            ).scalar_one()
        )

    def get(self, strike_id: int) -> Strike | None:
        """The strike with this id, or None."""
        row = self._conn.execute(select(t.strikes).where(t.strikes.c.seq == strike_id)).first()
        return None if row is None else _strike(row)

    def end(self, strike_id: int, until: dt.date) -> None:
        """Set the day work resumed."""
        self._conn.execute(
            update(t.strikes).where(t.strikes.c.seq == strike_id).values(until=until)
        )

    def list(self) -> Sequence[Strike]:
        """Every strike, in stored order."""
        rows = self._conn.execute(_STRIKES)
        return [_strike(r) for r in rows]


def _strike(r: Row[Any]) -> Strike:
    against = None if r.against is None else tuple(ProducerId(p) for p in r.against.split(","))
    return Strike(against, r.start, r.until, id=r.seq)


__all__ = [
    "SqlConsentRepository",
    "SqlStrikeRepository",
    "consent_from_row",
    "consent_values",
]
