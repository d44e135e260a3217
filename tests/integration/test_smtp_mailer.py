"""The SMTP mailer against a real SMTP server (aiosmtpd on 127.0.0.1): what it sends, and each
way a send fails as one :class:`DeliveryError` line."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import pytest

from likeness.domain.notices import Notice, NoticeKind
from likeness.domain.principals import Role
from likeness.errors import DeliveryError
from likeness.mail import mailer_from_url
from likeness.services.delivery import DeliveryOptions, notice_message
from tests.mail_server import mail_server


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "likeness@mail.example.org"
    message["To"] = "dana@example.org, desk@agency.example"
    message["Subject"] = "Pay due"
    message["Message-ID"] = "<notice-1@mail.example.org>"
    message.set_content("You are owed USD 250.00.\n")
    return message


def test_a_message_goes_to_each_of_its_recipients_once():
    with mail_server() as server:
        mailer_from_url(server.url, timeout=5).send(_message())
        (received,) = server.inbox.received
    assert received.rcpt_tos == ["dana@example.org", "desk@agency.example"]
    assert received.message["Message-ID"] == "<notice-1@mail.example.org>"
    assert received.message.get_content() == "You are owed USD 250.00.\n"


def test_a_server_that_is_down_is_one_line_naming_it():
    with mail_server() as server:
        server.stop()
        with pytest.raises(DeliveryError) as caught:
            mailer_from_url(server.url, timeout=5).send(_message())
    assert str(caught.value) == (
        f"mail server 127.0.0.1:{server.port}: [Errno 111] Connection refused"
    )


def test_recipients_refused_are_a_failure_only_when_every_one_is():
    with mail_server() as server:
        mailer = mailer_from_url(server.url, timeout=5)
        server.inbox.refuse.add("dana@example.org")
        mailer.send(_message())  # the agency took it
        server.inbox.refuse.add("desk@agency.example")
        with pytest.raises(DeliveryError) as caught:
            mailer.send(_message())
        assert [r.rcpt_tos for r in server.inbox.received] == [["desk@agency.example"]]
    assert str(caught.value) == (
        f"mail server 127.0.0.1:{server.port} refused every recipient: 550 5.1.1 no such"
        " mailbox here"
    )


# aiosmtpd itself sets its deprecated Session.login_data on each login
@pytest.mark.filterwarnings("ignore:Session.login_data is deprecated:DeprecationWarning")
def test_a_login_from_the_url_is_used_percent_decoded():
    with mail_server(logins={"likeness": "p@ss w/rd"}) as server:
        port = server.port
        mailer_from_url(f"smtp://likeness:p%40ss%20w%2Frd@127.0.0.1:{port}", timeout=5).send(
            _message()
        )
        assert len(server.inbox) == 1
        with pytest.raises(DeliveryError) as caught:
            mailer_from_url(f"smtp://127.0.0.1:{port}", timeout=5).send(_message())
    assert str(caught.value) == (
        f"mail server 127.0.0.1:{port} answered 530 5.7.0 Authentication required"
    )


def test_a_notice_in_any_language_arrives_intact():
    notice = Notice(
        NoticeKind.PAY_DUE,
        "P1",
        Role.PERFORMER,
        "Zoë's pay — €250",
        "Zoë Ångström is owed €250 — 支払い\n",
        dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        id=3,
    )
    with mail_server() as server:
        message = notice_message(notice, ["zoe@example.org"], DeliveryOptions("a@example.org"))
        mailer_from_url(server.url, timeout=5).send(message)
        (received,) = server.inbox.received
    assert received.message["Subject"] == "Zoë's pay — €250"
    assert received.message.get_content().startswith("Zoë Ångström is owed €250 — 支払い\n")
