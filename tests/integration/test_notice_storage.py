"""The notices outbox in the database (SPEC §11): claims by senders, on SQLite and PostgreSQL,
and the in-memory fake answering alike.

A sender claims due notices with a lease and settles each (sent, failed, no address) only while
it still holds the claim; two senders never hold one notice, even when they claim at once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from likeness.domain.notices import Delivery, Notice, NoticeKind
from likeness.domain.principals import Role
from likeness.storage.unit_of_work import SqlUnitOfWork
from tests.unit.fakes import FakeUnitOfWork

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=5)


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


def notice(n: int, **changes: Any) -> Notice:
    fields: dict[str, Any] = {
        "kind": NoticeKind.PAY_DUE,
        "recipient": f"P{n}",
        "recipient_role": Role.PERFORMER,
        "subject": f"Pay due {n}",
        "message": f"You are owed {n}.\n",
        "created_at": T0,
        "data": {"n": n},
        "performer": f"P{n}",
    }
    return Notice(**{**fields, **changes})


def _load(uow: Any) -> None:
    uow.notices.add(notice(1))
    uow.notices.add(notice(2, next_attempt_at=minutes(10)))  # a retry not yet due
    uow.notices.add(notice(3, delivery=Delivery.SENT, sent_at=T0, attempts=1))
    uow.notices.add(notice(4))
    uow.notices.add(notice(5, delivery=Delivery.NO_ADDRESS))
    uow.notices.add(notice(6, next_attempt_at=T0))  # a retry due now
    uow.commit()


def _ids(notices: Any) -> list[int]:
    return [n.id for n in notices]


def _story(uow_of: Callable[[], AbstractContextManager[Any]]) -> dict[str, Any]:
    """The same claims and settlements, told to one store; what each call answered."""
    seen: dict[str, Any] = {}
    with uow_of() as uow:
        seen["a claims 2"] = _ids(uow.notices.claim_due(T0, "a", minutes(5), 2))
        seen["b claims"] = _ids(uow.notices.claim_due(T0, "b", minutes(5), 10))
        seen["c finds none"] = _ids(uow.notices.claim_due(minutes(1), "c", minutes(6), 10))
        seen["b settles a's"] = uow.notices.mark_sent(1, "b", minutes(1))
        seen["a sends 1"] = uow.notices.mark_sent(1, "a", minutes(1))
        seen["a sends 1 again"] = uow.notices.mark_sent(1, "a", minutes(1))
        seen["a fails 4"] = uow.notices.mark_failed(4, "a", "connection refused", minutes(2))
        seen["b: no address"] = uow.notices.mark_no_address(6, "b", minutes(1))
        seen["no address again"] = uow.notices.mark_no_address(6, "b", minutes(1))
        uow.commit()
    with uow_of() as uow:
        seen["before retry"] = _ids(uow.notices.claim_due(minutes(1), "c", minutes(6), 10))
        seen["at retry"] = _ids(uow.notices.claim_due(minutes(2), "c", minutes(7), 10))
        seen["c releases"] = uow.notices.release([4, 1, 99], "c")
        seen["d claims at once"] = _ids(uow.notices.claim_due(minutes(2), "d", minutes(3), 10))
        seen["lease lapsed"] = _ids(uow.notices.claim_due(minutes(3), "e", minutes(8), 10))
        seen["d has lost it"] = uow.notices.mark_failed(4, "d", "timed out", minutes(4))
        seen["much later"] = _ids(uow.notices.claim_due(minutes(60), "f", minutes(65), 10))
        uow.commit()
    with uow_of() as uow:
        seen["notices"] = sorted(uow.notices.list()[0], key=lambda n: n.id)
    return seen


@pytest.fixture
def both(engine) -> tuple[Callable[[], AbstractContextManager[Any]], FakeUnitOfWork]:
    fake = FakeUnitOfWork()
    with fake:
        _load(fake)
    with SqlUnitOfWork(engine) as uow:
        _load(uow)
    return (lambda: SqlUnitOfWork(engine)), fake


def test_claims_and_settlements_apply_only_to_their_claimer(both):
    sql, fake = both
    told = _story(sql)
    assert _story(lambda: fake) == told
    assert {k: v for k, v in told.items() if k != "notices"} == {
        "a claims 2": [1, 4],  # oldest first; 2 is not due, 3 and 5 are settled
        "b claims": [6],  # a holds 1 and 4
        "c finds none": [],
        "b settles a's": False,
        "a sends 1": True,
        "a sends 1 again": False,  # settling releases the claim
        "a fails 4": True,
        "b: no address": True,
        "no address again": False,
        "before retry": [],
        "at retry": [4],
        "c releases": 1,
        "d claims at once": [4],
        "lease lapsed": [4],
        "d has lost it": False,
        "much later": [2, 4],  # e's lease lapsed too; 6 has no address: never again
    }
    one, two, _, four, _, six = told["notices"]
    assert (one.delivery, one.sent_at, one.attempts, one.next_attempt_at) == (
        Delivery.SENT,
        minutes(1),
        1,
        None,
    )
    assert (four.delivery, four.attempts, four.next_attempt_at, four.last_error) == (
        Delivery.PENDING,
        1,
        minutes(2),
        "connection refused",
    )
    assert (six.delivery, six.attempts, six.last_error) == (
        Delivery.NO_ADDRESS,
        0,
        "no enabled account of the recipient had an email address at 2026-03-02T09:01:00Z",
    )
    assert two.delivery is Delivery.PENDING


def test_claims_that_are_not_committed_are_forgotten(both):
    sql, fake = both
    for uow_of in (sql, lambda: fake):
        with uow_of() as uow:
            assert _ids(uow.notices.claim_due(T0, "a", minutes(5), 10)) == [1, 4, 6]
        with uow_of() as uow:
            assert _ids(uow.notices.claim_due(T0, "b", minutes(5), 10)) == [1, 4, 6]


def test_two_senders_claiming_at_once_never_hold_the_same_notice(engine):
    with SqlUnitOfWork(engine) as uow:
        for n in range(200):
            uow.notices.add(notice(n))
        uow.commit()
    taken: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def sender(me: str) -> None:
        try:
            start.wait()
            while True:
                with SqlUnitOfWork(engine) as uow:
                    claimed = _ids(uow.notices.claim_due(T0, me, minutes(5), 7))
                    uow.commit()
                if not claimed:
                    return
                taken[me] += claimed
                with SqlUnitOfWork(engine) as uow:
                    for notice_id in claimed:
                        assert uow.notices.mark_sent(notice_id, me, T0)
                    uow.commit()
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=sender, args=(me,)) for me in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert not set(taken["a"]) & set(taken["b"])
    assert sorted(taken["a"] + taken["b"]) == list(range(1, 201))
    with SqlUnitOfWork(engine) as uow:
        notices, total = uow.notices.list()
    assert total == 200
    assert {(n.delivery, n.attempts) for n in notices} == {(Delivery.SENT, 1)}
