"""What access depends on, read from the registry: the :class:`~likeness.services.access.Record`
of a performer, production, replica or consent, and whom a representative acts for.

Kept apart from :mod:`likeness.services.access` so that the access rules stay pure (no I/O).
"""

from __future__ import annotations

from collections.abc import Iterable

from likeness.domain.consent_requests import ConsentRequest
from likeness.domain.consents import Consent
from likeness.domain.performers import Performer
from likeness.domain.principals import Principal, Role
from likeness.domain.productions import Production
from likeness.domain.replicas import Replica
from likeness.services.access import Record, RecordKind
from likeness.services.unit_of_work import UnitOfWork


def acts_for(uow: UnitOfWork, principal: Principal) -> frozenset[str]:
    """The performers a representative principal represents (empty for other roles)."""
    if principal.role is not Role.REPRESENTATIVE:
        return frozenset()
    return frozenset(uow.performers.represented_by(str(principal.party)))


def producers_of(uow: UnitOfWork, productions: Iterable[str]) -> frozenset[str]:
    """The producers of the registered productions among ``productions``."""
    found = set()
    for pid in productions:
        production = uow.productions.get(pid)
        if production is not None:
            found.add(production.producer)
    return frozenset(found)


def performer_record(performer: Performer) -> Record:
    """A performer's own record."""
    return Record(RecordKind.PERFORMER, performer.id, frozenset({performer.id}))


def production_record(production: Production) -> Record:
    """A production: its producer's."""
    return Record(RecordKind.PRODUCTION, production.id, producers=frozenset({production.producer}))


def replica_record(uow: UnitOfWork, replica: Replica) -> Record:
    """A replica: its performer's, and the producer of the production it was made in."""
    made_in = () if replica.made_in is None else (replica.made_in,)
    return Record(
        RecordKind.REPLICA,
        replica.id,
        frozenset({replica.performer}),
        producers_of(uow, made_in),
    )


def consent_performer(uow: UnitOfWork, consent: Consent) -> str | None:
    """The performer a consent is about (through its replica), if registered."""
    if consent.performer is not None:
        return consent.performer
    replica = uow.replicas.get(str(consent.replica))
    return None if replica is None else replica.performer


def consent_record(uow: UnitOfWork, consent: Consent) -> Record:
    """A consent: about its performer, naming the producers of its productions."""
    performer = consent_performer(uow, consent)
    return Record(
        RecordKind.CONSENT,
        consent.id,
        frozenset() if performer is None else frozenset({performer}),
        producers_of(uow, consent.productions),
    )


def consent_request_record(request: ConsentRequest) -> Record:
    """A consent request: about its performer, from its producer."""
    return Record(
        RecordKind.CONSENT_REQUEST,
        request.id,
        frozenset({request.about}),
        frozenset({request.producer}),
    )
