"""The unit tests' fakes answer as the storage repositories do, on SQLite and PostgreSQL.

The same calls go to ``tests.unit.fakes.FakeUnitOfWork`` and to ``SqlUnitOfWork``; every read
must give the same answer: filters, order and what survives a rollback. A fake that drifts
from storage (a ``list`` that ignores its filter) fails here, not in production.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

import pytest

from likeness.domain.ids import PerformerId, ProducerId, ProductionId, ReplicaId
from likeness.domain.productions import CastMember, ProductionTitle
from likeness.domain.strikes import Strike
from likeness.storage.unit_of_work import SqlUnitOfWork
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.policy.builders import D, consent, world

#: consents about replicas and performers of several performers, one of them invalid
CONSENTS = (
    (consent("C1"), ()),
    (consent("C2", replica=ReplicaId("D2"), given_by="P2"), ()),
    (consent("C3", replica=None, performer=PerformerId("P1"), uses=("create",)), ()),
    (consent("C4", replica=ReplicaId("I2"), given_by="P2"), ()),
    (consent("C5", separately_signed=False), ("not-separately-signed",)),
    (consent("C6", replica=None, performer=PerformerId("X2"), given_by="union"), ()),
)
TITLES = (
    ProductionTitle(ProductionId("F2"), "F2-E1", 45, D(2025, 3, 1)),
    ProductionTitle(ProductionId("F1"), "F1-E2", 60, D(2025, 3, 8)),
    ProductionTitle(ProductionId("F1"), "F1-E1", 61, D(2025, 3, 1)),
)
CAST = (
    CastMember(ProductionId("F1"), PerformerId("P2"), Decimal("1500.5")),
    CastMember(ProductionId("F1"), PerformerId("P1"), Decimal("2000")),
    CastMember(ProductionId("F2"), PerformerId("P1"), Decimal("0")),
)
STRIKES = (
    Strike((ProducerId("S1"),), D(2023, 7, 14), D(2023, 11, 9)),
    Strike(None, D(2027, 3, 1)),
)


def _load(uow: Any) -> None:
    w = world()
    for producer in w.producers.values():
        uow.producers.add(producer)
    for performer in w.performers.values():
        uow.performers.add(performer)
    for production in w.productions.values():
        uow.productions.add(production)
    for replica in w.replicas.values():
        uow.replicas.add(replica)
    for c, problems in CONSENTS:
        uow.consents.add(c, problems)
    for strike in STRIKES:
        uow.strikes.add(strike)
    uow.titles.add_many(TITLES)
    uow.cast.add_many(CAST)


def _reads(uow: Any) -> dict[str, Any]:
    """Everything the repositories' Protocols can be asked, with the arguments that matter."""
    performers = [*world().performers, "P404"]
    return {
        "performers": (uow.performers.list(), uow.performers.ids()),
        "producers": (uow.producers.list(), uow.producers.ids()),
        "productions": (uow.productions.list(), uow.productions.ids()),
        "replicas": (uow.replicas.list(), uow.replicas.ids()),
        "replicas of": {p: uow.replicas.list(p) for p in performers},
        "gets": [
            uow.performers.get("P2"),
            uow.performers.get("P404"),
            uow.replicas.get("D1"),
            uow.productions.get("F9"),
            uow.producers.get("S2"),
            uow.consents.get("C5"),
            uow.consents.get("C404"),
        ],
        "consents": uow.consents.list(),
        "consents of": {p: uow.consents.list(p) for p in performers},
        "for subjects": [
            uow.consents.for_subjects(replicas, people)
            for replicas, people in (
                ((), ()),
                (("D1",), ()),
                (("D1", "I2"), ("P1",)),
                ((), ("P1", "X2", "P404")),
            )
        ],
        "all": list(uow.consents.iter_all()),
        "strikes": uow.strikes.list(),
        "titles": uow.titles.list(),
        "titles of": {p: uow.titles.of_production(p) for p in ("F1", "F2", "F9")},
        "known titles": uow.titles.existing(["F1-E1", "F2-E1", "F9-E1"]),
        "cast": uow.cast.list(),
        "cast of": {p: uow.cast.of_production(p) for p in ("F1", "F2", "F9")},
        "known cast": uow.cast.existing([("F1", "P1"), ("F2", "P2"), ("F9", "P1")]),
    }


@pytest.fixture
def both(engine) -> Iterator[tuple[Callable[[], AbstractContextManager[Any]], FakeUnitOfWork]]:
    """A way to open a unit of work on the database, and one fake, both loaded alike."""
    fake = FakeUnitOfWork()
    with fake:
        _load(fake)
        fake.commit()
    with SqlUnitOfWork(engine) as uow:
        _load(uow)
        uow.commit()
    yield (lambda: SqlUnitOfWork(engine)), fake


def test_the_fakes_read_what_storage_reads(both):
    sql, fake = both
    with sql() as uow, fake:
        expected = _reads(uow)
        assert _reads(fake) == expected
    # the filters were put to the test: each performer sees a different part
    assert [len(expected["consents of"][p]) for p in ("P1", "P2", "M1", "X2", "P404")] == [
        3,
        2,
        0,
        1,
        0,
    ]
    assert [len(expected["replicas of"][p]) for p in ("P1", "P2", "M1", "P404")] == [1, 2, 1, 0]


def test_the_fakes_revoke_as_storage_does(both):
    sql, fake = both
    for uow_of in (sql, lambda: fake):
        with uow_of() as uow:
            uow.consents.revoke("C1", D(2024, 9, 1))
            uow.consents.revoke("C1", D(2025, 1, 1))  # an UPDATE: the later date wins
            uow.consents.revoke("C404", D(2024, 9, 1))  # no such row: nothing changes
            uow.commit()
    with sql() as uow, fake:
        assert _reads(fake) == _reads(uow)
        stored = fake.consents.get("C1")
        assert stored is not None and stored.consent.revoked_on == D(2025, 1, 1)


def test_the_fakes_suspend_as_storage_does(both):
    sql, fake = both
    for uow_of in (sql, lambda: fake):
        with uow_of() as uow:
            uow.consents.suspend("C1", D(2024, 9, 1))
            uow.consents.suspend("C404", D(2024, 9, 1))  # no such row: nothing changes
            uow.commit()
    with sql() as uow, fake:
        assert _reads(fake) == _reads(uow)
        stored = fake.consents.get("C1")
        assert stored is not None and stored.consent.suspended_on == D(2024, 9, 1)


def test_the_fakes_forget_what_was_not_committed_as_storage_does(both):
    sql, fake = both
    for uow_of in (sql, lambda: fake):
        with uow_of() as uow:
            uow.consents.add(consent("C7", replica=ReplicaId("DM"), given_by="G1"))
            uow.strikes.add(Strike(None, D(2030, 1, 1)))
            uow.consents.revoke("C2", D(2024, 9, 1))
    with sql() as uow, fake:
        assert _reads(fake) == _reads(uow)
        assert fake.consents.get("C7") is None
