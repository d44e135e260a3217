"""Notices delivered by email through a real SMTP server (SPEC §11), on SQLite and PostgreSQL.

Each notice arrives once, with its recipients, subject and ``Message-ID``; a server that is down
fails a pass without losing anything, and the notices arrive once each when it is back and their
retry time has come; two senders at once deliver each of 200 notices exactly once; a party with
no address is never tried again; every email sent has its ``notice-sent`` ledger entry.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from likeness.bootstrap import Container
from likeness.domain.accounts import Account
from likeness.domain.consent_requests import ConsentRequest, RequestState
from likeness.domain.ids import PerformerId
from likeness.domain.notices import Delivery, Notice, NoticeKind
from likeness.domain.principals import OPERATOR, Role
from likeness.mail import mailer_from_url
from likeness.services.collaborators import Collaborators
from likeness.services.delivery import DeliveryOptions, DeliveryReport, send_due
from likeness.storage.tables import ledger_entries
from tests.collaborators import DEPS
from tests.mail_server import MailServer, mail_server

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
OPTIONS = DeliveryOptions("likeness@mail.likeness.test", batch=25)


class Clock:
    """A fixed clock the test moves by hand."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def server() -> Iterator[MailServer]:
    with mail_server() as running:
        yield running


ACCOUNTS = [
    Account("dana", Role.PERFORMER, "P1", False, T0, email="dana@home.example"),
    Account("dana-work", Role.PERFORMER, "P1", False, T0, email="dana@work.example"),
    Account("dana-old", Role.PERFORMER, "P1", True, T0, email="dana@old.example"),  # disabled
    Account("studio", Role.PRODUCER, "S1", False, T0, email="rights@studio.example"),
    Account("union", Role.UNION, None, False, T0, email="desk@union.example"),
    Account("sam", Role.PERFORMER, "P2", False, T0),  # no address
    Account("old-studio", Role.PRODUCER, "S2", True, T0, email="x@old.example"),  # disabled
]


def _notice(n: int, role: Role = Role.PERFORMER, party: str = "P1") -> Notice:
    return Notice(
        kind=NoticeKind.PAY_DUE if role is Role.PERFORMER else NoticeKind.USE_RECORDED,
        recipient=party,
        recipient_role=role,
        subject=f"Notice number {n} for {party}",
        message=f"Something happened ({n}).\n",
        created_at=T0,
        performer="P1",
    )


def _load(container: Container, notices: list[Notice]) -> list[int]:
    with container.uow() as uow:
        for account in ACCOUNTS:
            uow.accounts.add(account)
        ids = [uow.notices.add(n) for n in notices]
        uow.commit()
    return ids


def _pass(container: Container, server: MailServer, clock: Clock, claimer: str = "sender-a"):
    deps = Collaborators(DEPS.pay, DEPS.rule_sets, clock)
    mailer = mailer_from_url(server.url, timeout=5)
    return send_due(container.uow, mailer, OPERATOR, deps=deps, claimer=claimer, options=OPTIONS)


def _notices(container: Container) -> dict[int, Notice]:
    with container.uow(write=False) as uow:
        return {int(n.id or 0): n for n in uow.notices.list()[0]}


def _ledger(container: Container, kind: str) -> list[dict[str, Any]]:
    with container.engine.connect() as conn:
        rows = conn.execute(
            select(ledger_entries.c.body)
            .where(ledger_entries.c.kind == kind)
            .order_by(ledger_entries.c["index"])
        )
        return [json.loads(body) for body in rows.scalars()]


def test_each_notice_arrives_once_with_its_recipients_subject_and_message_id(
    container, server, clock
):
    ids = _load(
        container,
        [_notice(1), _notice(2, Role.PRODUCER, "S1"), _notice(3, Role.UNION, "union")],
    )
    clock.advance(5)
    report = _pass(container, server, clock)
    assert (report.sent, report.failed, report.no_address) == (3, 0, 0)
    got = {str(r.message["Message-ID"]): r for r in server.inbox.received}
    assert sorted(got) == sorted(f"<notice-{i}@mail.likeness.test>" for i in ids)
    to_dana, to_studio, to_union = (got[f"<notice-{i}@mail.likeness.test>"] for i in ids)
    assert to_dana.rcpt_tos == ["dana@home.example", "dana@work.example"]  # not the disabled one
    assert to_dana.message["To"] == "dana@home.example, dana@work.example"
    assert to_dana.message["Subject"] == "Notice number 1 for P1"
    assert to_dana.message["From"] == "likeness@mail.likeness.test"
    assert f"Likeness notice {ids[0]} (pay-due)" in to_dana.message.get_content()
    assert to_studio.rcpt_tos == ["rights@studio.example"]
    assert to_union.rcpt_tos == ["desk@union.example"]
    stored = _notices(container)
    assert {(n.delivery, n.attempts, n.sent_at) for n in stored.values()} == {
        (Delivery.SENT, 1, T0 + dt.timedelta(seconds=5))
    }
    entries = _ledger(container, "notice-sent")
    assert [e["record"] for e in entries] == [
        {
            "notice": ids[0],
            "kind": "pay-due",
            "recipient_role": "performer",
            "recipient": "P1",
            "performer": "P1",
            "sent_at": "2026-03-02T09:00:05+00:00",
        },
        {
            "notice": ids[1],
            "kind": "use-recorded",
            "recipient_role": "producer",
            "recipient": "S1",
            "performer": "P1",
            "sent_at": "2026-03-02T09:00:05+00:00",
        },
        {
            "notice": ids[2],
            "kind": "use-recorded",
            "recipient_role": "union",
            "recipient": "union",
            "performer": "P1",
            "sent_at": "2026-03-02T09:00:05+00:00",
        },
    ]
    assert all(e["actor"] == "operator" for e in entries)
    assert "@" not in json.dumps(entries)  # no address ever enters the ledger
    # a second pass finds nothing to send, now or much later
    clock.advance(86400)
    assert str(_pass(container, server, clock)) == "sent 0, failed 0, no address 0"
    assert len(server.inbox) == 3


def test_a_party_without_an_address_is_marked_so_and_never_tried_again(container, server, clock):
    ids = _load(container, [_notice(1, party="P2"), _notice(2, Role.PRODUCER, "S2"), _notice(3)])
    report = _pass(container, server, clock)
    assert (report.sent, report.failed, report.no_address) == (1, 0, 2)
    stored = _notices(container)
    assert [(stored[i].delivery, stored[i].attempts) for i in ids] == [
        (Delivery.NO_ADDRESS, 0),
        (Delivery.NO_ADDRESS, 0),
        (Delivery.SENT, 1),
    ]
    # even once an address is added: the notice stays shown, its email is not sent late
    with container.uow() as uow:
        uow.accounts.set_email("sam", "sam@example.org")
        uow.commit()
    clock.advance(7200)
    assert (_pass(container, server, clock).no_address, len(server.inbox)) == (0, 1)
    assert len(_ledger(container, "notice-sent")) == 1


def test_a_server_that_is_down_loses_nothing_and_each_notice_arrives_once_when_it_is_back(
    container, server, clock
):
    ids = _load(container, [_notice(n) for n in range(4)])
    server.stop()
    report = _pass(container, server, clock)
    assert (report.sent, report.failed) == (0, 4)
    assert report.last_error is not None and "Connection refused" in report.last_error
    stored = _notices(container)
    for i in ids:
        assert stored[i].delivery is Delivery.PENDING
        assert stored[i].attempts == 1
        assert stored[i].next_attempt_at == T0 + dt.timedelta(seconds=30)
        assert stored[i].last_error == report.last_error
        assert stored[i].sent_at is None
    assert _ledger(container, "notice-sent") == []
    # not due before the back-off has passed; the second failure waits twice as long
    clock.advance(29)
    assert (_pass(container, server, clock).failed, _notices(container)[ids[0]].attempts) == (0, 1)
    clock.advance(1)
    assert _pass(container, server, clock).failed == 4
    assert {n.next_attempt_at for n in _notices(container).values()} == {
        T0 + dt.timedelta(seconds=90)
    }
    server.start()
    clock.advance(59)
    assert _pass(container, server, clock).sent == 0  # back, but no retry is due yet
    clock.advance(1)
    assert _pass(container, server, clock).sent == 4
    assert server.inbox.message_ids() == {f"<notice-{i}@mail.likeness.test>": 1 for i in ids}
    assert {(n.delivery, n.attempts) for n in _notices(container).values()} == {(Delivery.SENT, 3)}
    clock.advance(3600)
    assert _pass(container, server, clock).sent == 0
    assert len(server.inbox) == 4
    assert sorted(e["record"]["notice"] for e in _ledger(container, "notice-sent")) == ids


def test_two_senders_at_once_deliver_each_of_200_notices_exactly_once(container, server, clock):
    ids = _load(
        container,
        [_notice(n, *[(Role.PERFORMER, "P1"), (Role.UNION, "union")][n % 2]) for n in range(200)],
    )
    reports: dict[str, list[DeliveryReport]] = {"sender-a": [], "sender-b": []}
    failures: list[BaseException] = []
    start = threading.Barrier(2)

    def sender(claimer: str) -> None:
        try:
            start.wait()
            while True:
                report = _pass(container, server, clock, claimer)
                reports[claimer].append(report)
                if not report.did_anything:
                    return
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=sender, args=(c,)) for c in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    sent = {c: sum(r.sent for r in rs) for c, rs in reports.items()}
    assert sum(sent.values()) == 200
    assert sum(r.failed + r.lapsed for rs in reports.values() for r in rs) == 0
    assert server.inbox.message_ids() == {f"<notice-{i}@mail.likeness.test>": 1 for i in ids}
    entries = _ledger(container, "notice-sent")
    assert sorted(e["record"]["notice"] for e in entries) == ids
    assert {n.delivery for n in _notices(container).values()} == {Delivery.SENT}


def test_a_sender_told_to_stop_gives_its_claims_back_for_the_next_pass(container, server, clock):
    ids = _load(container, [_notice(n) for n in range(5)])
    deps = Collaborators(DEPS.pay, DEPS.rule_sets, clock)
    mailer = mailer_from_url(server.url, timeout=5)
    report = send_due(
        container.uow,
        mailer,
        OPERATOR,
        deps=deps,
        claimer="stopping",
        options=OPTIONS,
        should_stop=lambda: len(server.inbox) >= 2,
    )
    assert (report.sent, report.released) == (2, 3)
    # another sender takes the rest at once, without waiting for the claim to lapse
    assert _pass(container, server, clock, "other").sent == 3
    assert server.inbox.message_ids() == {f"<notice-{i}@mail.likeness.test>": 1 for i in ids}


def test_a_sender_whose_claim_would_lapse_sends_no_more(container, server, clock):
    _load(container, [_notice(n) for n in range(3)])
    options = DeliveryOptions(
        OPTIONS.mail_from, lease=dt.timedelta(seconds=60), send_timeout=dt.timedelta(seconds=30)
    )

    class SlowClock(Clock):
        def __call__(self) -> dt.datetime:  # every look at the clock costs 10 seconds
            self.advance(10)
            return self.now

    slow = SlowClock(T0)
    deps = Collaborators(DEPS.pay, DEPS.rule_sets, slow)
    mailer = mailer_from_url(server.url, timeout=5)
    report = send_due(container.uow, mailer, OPERATOR, deps=deps, claimer="slow", options=options)
    assert report.sent >= 1 and report.released >= 1
    assert report.sent + report.released == 3
    assert len(server.inbox) == report.sent


def test_each_pass_first_writes_the_expiry_of_unanswered_consent_requests(container, server, clock):
    with container.uow() as uow:
        for n, respond_by in enumerate((dt.date(2026, 3, 1), dt.date(2026, 3, 2))):
            uow.consent_requests.add(
                ConsentRequest(
                    id=f"CR{n}",
                    producer="S1",
                    about=PerformerId("P1"),
                    performer=PerformerId("P1"),
                    productions=("F1",),
                    uses=("create",),
                    description="a scan for the sequel",
                    respond_by=respond_by,
                    created_on=dt.date(2026, 2, 1),
                )
            )
        uow.commit()
    report = _pass(container, server, clock)
    assert report.expired == 1
    with container.uow(write=False) as uow:
        states = [uow.consent_requests.get(f"CR{n}").state for n in range(2)]
    assert states == [RequestState.EXPIRED, RequestState.PENDING]
    assert [e["record"]["request"] for e in _ledger(container, "consent-request-expired")] == [
        "CR0"
    ]
    assert _pass(container, server, clock).expired == 0


def test_a_performers_notice_reaches_their_representatives_too(container, server, clock):
    """Ruth Calder died in 2024: a notice to her goes to her estate's and agent's accounts."""
    from likeness.services.registry import import_world

    with container.uow() as uow:
        import_world(
            uow,
            OPERATOR,
            {
                "performers": [
                    {
                        "id": "P3",
                        "name": "Ruth Calder",
                        "category": "principal",
                        "born": "1940-01-20",
                        "died": "2024-05-10",
                        "representatives": [
                            {"id": "E3", "kind": "estate"},
                            {"id": "A3", "kind": "agent", "may_consent": True},
                        ],
                    }
                ]
            },
        )
        uow.accounts.add(
            Account("estate", Role.REPRESENTATIVE, "E3", False, T0, email="trust@e.example")
        )
        uow.accounts.add(
            Account("agent", Role.REPRESENTATIVE, "A3", False, T0, email="desk@a.example")
        )
        uow.commit()
    (notice_id,) = _load(container, [_notice(1, Role.PERFORMER, "P3")])
    report = _pass(container, server, clock)
    assert (report.sent, report.no_address) == (1, 0)
    (email,) = server.inbox.received
    assert sorted(email.rcpt_tos) == ["desk@a.example", "trust@e.example"]
    assert email.message["Message-ID"] == f"<notice-{notice_id}@mail.likeness.test>"
