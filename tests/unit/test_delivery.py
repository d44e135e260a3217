"""The pieces of email delivery that need no server (SPEC §11): the retry waits, the email built
for a notice, the sender's options, and who may run the sender."""

from __future__ import annotations

import datetime as dt

import pytest

from likeness.domain.notices import Notice, NoticeKind
from likeness.domain.principals import OPERATOR, Principal, Role
from likeness.errors import ForbiddenError, InvalidInputError
from likeness.services.collaborators import Collaborators
from likeness.services.delivery import (
    DeliveryOptions,
    DeliveryReport,
    new_claimer,
    notice_message,
    one_line,
    retry_delay,
    send_due,
)
from tests.collaborators import DEPS
from tests.unit.fakes import FakeUnitOfWork

T0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
OPTIONS = DeliveryOptions("likeness@mail.example.org")


def seconds(n: int) -> dt.timedelta:
    return dt.timedelta(seconds=n)


class TestRetryDelay:
    def test_the_wait_doubles_from_thirty_seconds_up_to_an_hour(self):
        waits = [retry_delay(n, seconds(30), seconds(3600)) for n in range(1, 11)]
        assert [w.total_seconds() for w in waits] == [
            30,
            60,
            120,
            240,
            480,
            960,
            1920,
            3600,
            3600,
            3600,
        ]

    def test_a_notice_failing_for_years_waits_the_longest_wait_without_a_huge_number(self):
        assert retry_delay(10**9, seconds(30), seconds(3600)) == seconds(3600)

    def test_the_first_wait_is_never_longer_than_the_longest(self):
        assert retry_delay(1, seconds(90), seconds(60)) == seconds(60)


class TestNoticeMessage:
    notice = Notice(
        kind=NoticeKind.PAY_DUE,
        recipient="P1",
        recipient_role=Role.PERFORMER,
        subject="Pay due from S1:\nUSD 250.00",
        message="S1 owes you USD 250.00 for use 7.\n",
        created_at=T0,
        performer="P1",
        id=42,
    )

    def test_the_email_carries_the_notice_and_an_id_that_is_the_same_every_time(self):
        message = notice_message(self.notice, ["dana@example.org", "desk@agency.example"], OPTIONS)
        assert message["From"] == "likeness@mail.example.org"
        assert message["To"] == "dana@example.org, desk@agency.example"
        assert message["Subject"] == "Pay due from S1: USD 250.00"  # one line
        assert message["Message-ID"] == "<notice-42@mail.example.org>"
        assert message["Date"] == "Mon, 02 Mar 2026 09:30:00 +0000"
        assert message["Auto-Submitted"] == "auto-generated"
        assert message.get_content() == (
            "S1 owes you USD 250.00 for use 7.\n\n-- \nLikeness notice 42 (pay-due), written"
            " 2026-03-02 09:30 UTC. It is also shown in the portal and at GET /v1/notices.\n"
        )
        again = notice_message(self.notice, ["dana@example.org", "desk@agency.example"], OPTIONS)
        assert again.as_bytes() == message.as_bytes()

    def test_only_a_stored_notice_can_be_sent(self):
        unsaved = Notice(NoticeKind.FINDING, "union", Role.UNION, "s", "m", T0)
        with pytest.raises(ValueError, match="only a stored notice"):
            notice_message(unsaved, ["desk@union.example"], OPTIONS)


class TestOptions:
    def test_the_message_ids_are_named_after_the_senders_domain(self):
        assert OPTIONS.domain == "mail.example.org"

    @pytest.mark.parametrize("sender", ["likeness", "", "a b@c", "likeness@"])
    def test_a_sender_that_is_not_an_address_is_refused_naming_the_setting(self, sender):
        with pytest.raises(InvalidInputError) as caught:
            DeliveryOptions(sender)
        assert str(caught.value) == (
            f"LIKENESS_MAIL_FROM {sender!r} is not an email address (expected e.g."
            " likeness@mail.example.org)"
        )

    def test_times_must_be_positive_and_the_batch_at_least_one(self):
        with pytest.raises(InvalidInputError, match="must be positive"):
            DeliveryOptions("a@b", first_retry=seconds(0))
        with pytest.raises(InvalidInputError, match=r"mail batch 0 \(expected 1 or more\)"):
            DeliveryOptions("a@b", batch=0)


class TestSender:
    @pytest.mark.parametrize("who", ["union", "admin", "producer:S1", "performer:P1"])
    def test_only_the_operator_sends(self, who):
        uow = FakeUnitOfWork()
        with pytest.raises(ForbiddenError, match="may not send notices"):
            send_due(
                lambda: uow, None, Principal.parse(who), deps=DEPS, claimer="c", options=OPTIONS
            )  # type: ignore[arg-type]
        assert uow.committed == 0

    def test_a_claimer_id_fits_the_column_and_differs_each_time(self):
        ids = {new_claimer() for _ in range(20)}
        assert len(ids) == 20
        assert all(0 < len(i) <= 64 for i in ids)
        with pytest.raises(InvalidInputError, match="expected 1 to 64 characters"):
            deps = Collaborators(DEPS.pay, DEPS.rule_sets, lambda: T0)
            send_due(FakeUnitOfWork, None, OPERATOR, deps=deps, claimer="x" * 65, options=OPTIONS)  # type: ignore[arg-type]

    def test_an_errors_first_line_is_kept_squeezed(self):
        assert one_line(OSError("  mail  server\n  said no\nmore")) == "mail server"
        assert one_line(TimeoutError()) == "TimeoutError"

    def test_the_report_says_what_happened_in_one_line(self):
        assert str(DeliveryReport(sent=3)) == "sent 3, failed 0, no address 0"
        report = DeliveryReport(
            1, 2, 0, 1, 4, 0, "mail server x:25: [Errno 111] Connection refused"
        )
        assert str(report) == (
            "sent 1, failed 2, no address 0; 1 consent request(s) expired; 4 left for the next"
            " pass (last error: mail server x:25: [Errno 111] Connection refused)"
        )
        assert report.did_anything and not DeliveryReport().did_anything
