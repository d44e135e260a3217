"""Sending the notices of the outbox by email (SPEC §11): each once, none lost.

:func:`send_due` is one pass of a sender. It first writes the expiry of consent requests not
answered in time (so that their ledger entries and notices are not late either), then claims a
batch of due notices (:meth:`~likeness.services.unit_of_work.NoticeRepository.claim_due`) and,
for each, in its own short transactions:

1. reads the addresses of the enabled accounts of whoever reads the notice (its recipient and,
   for a performer, their representatives: :func:`~likeness.services.notices.readers`); with
   none, the notice is marked
   ``no-address`` and never tried again (it stays shown in the API and portal);
2. builds the email (:func:`notice_message`) and hands it to the mailer;
3. on success marks it sent and appends a ``notice-sent`` ledger entry, in one transaction; on a
   :class:`~likeness.errors.DeliveryError` counts the attempt, keeps the error's first line and
   sets the retry time (:func:`retry_delay`: 30 s doubling to 1 hour by default). It stays
   pending: a failed email is retried for as long as it takes.

Exactly once: two senders never hold one notice (the claims), and a sender stops starting new
emails before its claim could lapse. What no outbox can rule out is a crash after the mail
server took an email and before the notice was marked sent: the email goes again after the
claim lapses. Its ``Message-ID`` is the same (``<notice-ID@DOMAIN>``), so a receiver can drop
the second copy.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import secrets
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Protocol

from likeness.domain.accounts import is_email_address
from likeness.domain.notices import Notice
from likeness.domain.principals import Principal, Role
from likeness.errors import ConflictError, DeliveryError, ForbiddenError, InvalidInputError
from likeness.services.collaborators import Collaborators
from likeness.services.consent_answers import expire_requests
from likeness.services.notices import readers
from likeness.services.unit_of_work import UnitOfWork

#: the longest claimer id (the width of ``notices.claimed_by``)
MAX_CLAIMER_LENGTH = 64


class Mailer(Protocol):
    """Hands one email to a mail server (:class:`likeness.mail.SmtpMailer`; tests may use a
    real local server)."""

    def send(self, message: EmailMessage) -> None:
        """Send ``message`` to its ``To:`` addresses; raise
        :class:`~likeness.errors.DeliveryError` when the server does not take it."""
        ...


@dataclass(frozen=True, slots=True)
class DeliveryOptions:
    """How a sender sends: the ``From:`` address, the retry waits, the batch size, how long a
    claim lasts, and the longest one send may take (no email is started later than that
    before the claim ends).

    Raises :class:`InvalidInputError` for a ``From:`` that is not an address, or times that are
    not positive.
    """

    mail_from: str
    first_retry: dt.timedelta = dt.timedelta(seconds=30)
    max_retry: dt.timedelta = dt.timedelta(hours=1)
    batch: int = 50
    lease: dt.timedelta = dt.timedelta(minutes=15)
    send_timeout: dt.timedelta = dt.timedelta(seconds=30)

    def __post_init__(self) -> None:
        if not is_email_address(self.mail_from):
            raise InvalidInputError(
                f"LIKENESS_MAIL_FROM {self.mail_from!r} is not an email address (expected e.g."
                " likeness@mail.example.org)"
            )
        zero = dt.timedelta(0)
        if min(self.first_retry, self.max_retry, self.lease, self.send_timeout) <= zero:
            raise InvalidInputError("mail retry waits, lease and timeout must be positive")
        if self.batch < 1:
            raise InvalidInputError(f"mail batch {self.batch} (expected 1 or more)")

    @property
    def domain(self) -> str:
        """The domain of ``mail_from``, which names every ``Message-ID`` of the installation."""
        return self.mail_from.rpartition("@")[2]


@dataclass(slots=True)
class DeliveryReport:
    """What one pass did: emails sent, failed (to be retried), notices with no address,
    consent requests expired, and claims given back unsent (the pass stopped early).
    ``lapsed`` counts emails sent after another sender had taken over the notice."""

    sent: int = 0
    failed: int = 0
    no_address: int = 0
    expired: int = 0
    released: int = 0
    lapsed: int = 0
    last_error: str | None = field(default=None)

    @property
    def did_anything(self) -> bool:
        """Whether the pass sent, failed, settled, expired or gave back anything."""
        return any((self.sent, self.failed, self.no_address, self.expired, self.released))

    def __str__(self) -> str:
        text = f"sent {self.sent}, failed {self.failed}, no address {self.no_address}"
        if self.expired:
            text += f"; {self.expired} consent request(s) expired"
        if self.released:
            text += f"; {self.released} left for the next pass"
        if self.last_error:
            text += f" (last error: {self.last_error})"
        return text


def new_claimer() -> str:
    """A claimer id for this process: host, process id and a random part (64 characters at
    most), so that two senders on one host never share one."""
    suffix = f":{os.getpid()}:{secrets.token_hex(4)}"
    return socket.gethostname()[: MAX_CLAIMER_LENGTH - len(suffix)] + suffix


def retry_delay(attempts: int, first: dt.timedelta, most: dt.timedelta) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: ``first``, doubling with each further
    failure, at most ``most``.

    >>> s = dt.timedelta(seconds=30)
    >>> [retry_delay(n, s, dt.timedelta(hours=1)).seconds for n in (1, 2, 3, 8, 9, 500)]
    [30, 60, 120, 3600, 3600, 3600]
    """
    # the exponent is capped first: a notice failing for years needs no huge number
    exponent = min(max(attempts - 1, 0), max(most // first, 1).bit_length())
    return min(first * (1 << exponent), most)


def one_line(error: BaseException) -> str:
    """The first line of an error's message, whitespace squeezed (what ``last_error`` keeps)."""
    text = str(error).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return " ".join(first.split())


def notice_message(notice: Notice, to: Sequence[str], options: DeliveryOptions) -> EmailMessage:
    """The email of ``notice`` to the addresses ``to``: its subject, its message and a footer
    naming the notice; ``Message-ID`` ``<notice-ID@DOMAIN>`` and ``Date`` the notice's
    creation, so that every copy of one notice is the same email.

    >>> message = notice_message(notice, ["dana@example.org"], options)  # doctest: +SKIP
    >>> message["Message-ID"]  # doctest: +SKIP
    '<notice-7@mail.example.org>'
    """
    if notice.id is None:
        raise ValueError("only a stored notice (with an id) can be sent")
    message = EmailMessage()
    message["From"] = options.mail_from
    message["To"] = [Address(addr_spec=address) for address in to]
    message["Subject"] = " ".join(notice.subject.split())  # one line, whatever it held
    message["Date"] = email.utils.format_datetime(notice.created_at.astimezone(dt.UTC))
    message["Message-ID"] = f"<notice-{notice.id}@{options.domain}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    footer = (
        f"\n-- \nLikeness notice {notice.id} ({notice.kind}), written"
        f" {notice.created_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC. It is also shown in the"
        " portal and at GET /v1/notices.\n"
    )
    message.set_content(notice.message.rstrip("\n") + "\n" + footer)
    return message


def _expire(
    uow_factory: Callable[[], UnitOfWork], principal: Principal, deps: Collaborators
) -> int:
    with uow_factory() as uow:
        try:
            return expire_requests(uow, principal, deps=deps)
        except ConflictError:
            # another sender expired one of them first; what is left waits for the next pass
            return 0


def send_due(
    uow_factory: Callable[[], UnitOfWork],
    mailer: Mailer,
    principal: Principal,
    *,
    deps: Collaborators,
    claimer: str,
    options: DeliveryOptions,
    should_stop: Callable[[], bool] = lambda: False,
) -> DeliveryReport:
    """One pass of the sender (see the module docstring): expire overdue consent requests,
    claim up to ``options.batch`` due notices and send each; what it did.

    :param uow_factory: opens a new unit of work (each step runs in its own transaction).
    :param claimer: this sender's id (:func:`new_claimer`), at most 64 characters.
    :param should_stop: asked before each email; when it answers True the pass gives back its
        remaining claims and ends (so does it when its claim is about to lapse).
    :raises ForbiddenError: the principal is not the operator.

    >>> send_due(container.uow, mailer, OPERATOR, deps=deps, claimer=new_claimer(),
    ...          options=DeliveryOptions("likeness@mail.example.org"))  # doctest: +SKIP
    DeliveryReport(sent=3, failed=0, no_address=1, expired=0, released=0, lapsed=0, ...)
    """
    if principal.role is not Role.OPERATOR:
        raise ForbiddenError(f"{principal.actor} may not send notices (the operator's job)")
    if not 0 < len(claimer) <= MAX_CLAIMER_LENGTH:
        raise InvalidInputError(f"claimer {claimer!r} (expected 1 to 64 characters)")
    report = DeliveryReport(expired=_expire(uow_factory, principal, deps))
    now = deps.clock()
    lease_until = now + options.lease
    with uow_factory() as uow:
        claimed = list(uow.notices.claim_due(now, claimer, lease_until, options.batch))
        uow.commit()
    for position, notice in enumerate(claimed):
        if should_stop() or deps.clock() + options.send_timeout >= lease_until:
            rest = [int(n.id or 0) for n in claimed[position:]]
            with uow_factory() as uow:
                report.released += uow.notices.release(rest, claimer)
                uow.commit()
            break
        _send_one(uow_factory, mailer, principal, notice, deps, claimer, options, report)
    return report


def _send_one(
    uow_factory: Callable[[], UnitOfWork],
    mailer: Mailer,
    principal: Principal,
    notice: Notice,
    deps: Collaborators,
    claimer: str,
    options: DeliveryOptions,
    report: DeliveryReport,
) -> None:
    notice_id = int(notice.id or 0)
    with uow_factory() as uow:
        # an address written past the account checks (by hand, in the database) is skipped
        found = [
            address
            for role, party in readers(uow, notice)
            for address in uow.accounts.addresses(role, party)
        ]
        to = [address for address in dict.fromkeys(found) if is_email_address(address)]
        if not to:
            report.no_address += uow.notices.mark_no_address(notice_id, claimer, deps.clock())
            uow.commit()
            return
    try:
        mailer.send(notice_message(notice, to, options))
    except DeliveryError as exc:
        error = one_line(exc)
        retry_at = deps.clock() + retry_delay(
            notice.attempts + 1, options.first_retry, options.max_retry
        )
        with uow_factory() as uow:
            uow.notices.mark_failed(notice_id, claimer, error, retry_at)
            uow.commit()
        report.failed += 1
        report.last_error = error
        return
    with uow_factory() as uow:
        at = deps.clock()
        if not uow.notices.mark_sent(notice_id, claimer, at):
            # the claim lapsed and another sender took the notice: it records the sending
            report.lapsed += 1
            return
        uow.ledger.append(
            "notice-sent",
            principal.actor,
            {
                "notice": notice_id,
                "kind": str(notice.kind),
                "recipient_role": str(notice.recipient_role),
                "recipient": notice.recipient,
                "performer": notice.performer,
                "sent_at": at.astimezone(dt.UTC).isoformat(),
            },
        )
        uow.commit()
    report.sent += 1
