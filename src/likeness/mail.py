"""Email over SMTP: the mailer the notice sender uses (SPEC §11), built from ``LIKENESS_SMTP_URL``.

Why the standard library's ``smtplib`` and no extra dependency: the sender needs one thing, to
hand a finished message to one configured server, in the clear, over STARTTLS or over TLS,
with a login when one is given; ``smtplib`` and ``ssl`` do exactly that. The sender runs
synchronously (one pass, short transactions), so an asyncio client would only add an event
loop; retries, back-off and sending each notice once live in the outbox
(:mod:`likeness.services.delivery`), not in a mail library.

>>> parse_smtp_url("smtp+starttls://likeness:secret@mail.example.org")
SmtpServer(security='starttls', host='mail.example.org', port=587, username='likeness')
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Literal
from urllib.parse import unquote, urlsplit

from likeness.errors import DeliveryError, InvalidInputError

Security = Literal["plain", "starttls", "tls"]

#: the URL schemes, how each secures the connection, and its default port
SCHEMES: dict[str, tuple[Security, int]] = {
    "smtp": ("plain", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("tls", 465),
}
EXPECTED_URL = (
    "smtp://[USER:PASSWORD@]HOST[:PORT] (port 25), smtp+starttls://... (587) or smtps://... (465)"
)


@dataclass(frozen=True, slots=True)
class SmtpServer:
    """Where to send email, and how: ``plain`` (no encryption), ``starttls`` (upgrade on port
    587) or ``tls`` (TLS from the start, port 465). The password never shows in its repr."""

    security: Security
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)


def parse_smtp_url(url: str) -> SmtpServer:
    """The server named by an SMTP URL; user and password may be percent-encoded.

    :raises InvalidInputError: an unknown scheme, no host, a bad port, or a path or query;
        the message names ``LIKENESS_SMTP_URL`` and the expected form, never the password.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InvalidInputError(
            f"LIKENESS_SMTP_URL cannot be parsed: {exc} (expected {EXPECTED_URL})"
        ) from None
    shown = parts.scheme + "://" + (parts.hostname or "") + (f":{port}" if port else "")
    if parts.scheme not in SCHEMES:
        raise InvalidInputError(
            f"LIKENESS_SMTP_URL has the scheme {parts.scheme!r} (expected {EXPECTED_URL})"
        )
    if not parts.hostname:
        raise InvalidInputError(f"LIKENESS_SMTP_URL names no host (expected {EXPECTED_URL})")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidInputError(
            f"LIKENESS_SMTP_URL {shown}: a path, query or fragment is not understood"
            f" (expected {EXPECTED_URL})"
        )
    security, default_port = SCHEMES[parts.scheme]
    return SmtpServer(
        security=security,
        host=parts.hostname,
        port=port or default_port,
        username=None if parts.username is None else unquote(parts.username),
        password=None if parts.password is None else unquote(parts.password),
    )


def _text(reply: bytes | str) -> str:
    """A server's reply text on one line."""
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())


class SmtpMailer:
    """Sends each email over its own connection to one SMTP server.

    One connection per email keeps a failure from leaving a half-used connection behind for
    the next one; a pass sends at most a batch. Certificates are verified against the system's
    trust store (``ssl.create_default_context``) for ``starttls`` and ``tls``.
    """

    def __init__(
        self, server: SmtpServer, *, timeout: float, context: ssl.SSLContext | None = None
    ) -> None:
        self.server = server
        self.timeout = timeout
        self._context = context

    def _tls(self) -> ssl.SSLContext:
        if self._context is None:
            self._context = ssl.create_default_context()
        return self._context

    def _connect(self) -> smtplib.SMTP:
        s = self.server
        if s.security == "tls":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=self._tls())
        smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        if s.security == "starttls":
            try:
                smtp.starttls(context=self._tls())
            except BaseException:
                smtp.close()
                raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Hand ``message`` to the server for its ``To:`` addresses; the server accepting it
        for at least one of them is success (it reports the others to the sender by mail).

        :raises DeliveryError: the server cannot be reached, refuses the login, the sender or
            every recipient, or does not answer within the timeout (its reason is the message).
        """
        s = self.server
        try:
            with self._connect() as smtp:
                if s.username is not None:
                    smtp.login(s.username, s.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            answers = sorted(
                {f"{code} {_text(reason)}" for code, reason in exc.recipients.values()}
            )
            raise DeliveryError(
                f"mail server {s.host}:{s.port} refused every recipient: {'; '.join(answers)}"
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"mail server {s.host}:{s.port} answered {exc.smtp_code} {_text(exc.smtp_error)}"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:  # refused, unreachable, timed out, TLS
            raise DeliveryError(f"mail server {s.host}:{s.port}: {exc}") from exc


def mailer_from_url(url: str, *, timeout: float) -> SmtpMailer:
    """The SMTP mailer for ``LIKENESS_SMTP_URL`` (see :func:`parse_smtp_url`)."""
    return SmtpMailer(parse_smtp_url(url), timeout=timeout)


__all__ = ["EXPECTED_URL", "SmtpMailer", "SmtpServer", "mailer_from_url", "parse_smtp_url"]
