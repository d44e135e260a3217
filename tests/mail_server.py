"""A real SMTP server for tests (aiosmtpd, in a thread of the test process) and its inbox.

``MailServer`` listens on a free port of 127.0.0.1; ``stop()`` takes it down (a send then fails
with "connection refused") and ``start()`` brings it back on the same port. What it receives is
parsed into :class:`email.message.EmailMessage` objects, one per email (whatever the number of
recipients), with the envelope's recipients beside each.
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    """One email as the server took it: the envelope's recipients and the parsed message."""

    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """The aiosmtpd handler: keeps every email; refuses the recipients in ``refuse``."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    require_login: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.require_login and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        # the wire's CRLF line ends become Python's "\n", as in the message that was sent
        content = envelope.content.replace(b"\r\n", b"\n")
        parsed = BytesParser(policy=policy.default).parsebytes(content)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def message_ids(self) -> Counter[str]:
        """How many times each ``Message-ID`` arrived."""
        with self.lock:
            return Counter(str(r.message["Message-ID"]) for r in self.received)

    def __len__(self) -> int:
        with self.lock:
            return len(self.received)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class MailServer:
    """An SMTP server on 127.0.0.1; with ``logins`` it asks for one of those user/passwords
    (over plain SMTP: this is a test)."""

    def __init__(self, logins: dict[str, str] | None = None) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.logins = logins
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and self.logins is not None
            and self.logins.get(data.login.decode()) == data.password.decode()
        )
        return AuthResult(success=ok)

    def start(self) -> None:
        kwargs: dict[str, Any] = {}
        if self.logins is not None:
            # aiosmtpd warns about auth_required without TLS; the handler asks for it instead
            kwargs = {"authenticator": self._authenticate, "auth_require_tls": False}
            self.inbox.require_login = True
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@contextmanager
def mail_server(logins: dict[str, str] | None = None) -> Iterator[MailServer]:
    """A running :class:`MailServer`, stopped afterwards."""
    server = MailServer(logins)
    server.start()
    try:
        yield server
    finally:
        server.stop()
