"""Notices (SPEC §11): each party is told what concerns them.

A notice is written in the same transaction as the change it reports (an outbox) and is shown
to its recipient at once; a sender delivers it by email later (``delivery``), and retries a
failed send without ever losing it.

The recipient is a party: a performer id, a representative id, a producer id, or ``union``,
with the role it has (``recipient_role``). ``performer`` is whom the notice is about (if
anyone): a representative acting for them sees it too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from likeness.domain.principals import Role


class NoticeKind(StrEnum):
    """The kinds of notice of SPEC §11."""

    CONSENT_REQUESTED = "consent-requested"
    CONSENT_ANSWERED = "consent-answered"
    CONSENT_REVOKED = "consent-revoked"
    CONSENT_SUSPENDED = "consent-suspended"
    SCAN_SCHEDULED = "scan-scheduled"
    USE_RECORDED = "use-recorded"
    PAY_DUE = "pay-due"
    UNION_NOTICE = "union-notice"
    FINDING = "finding"


class Delivery(StrEnum):
    """Where a notice's email stands: waiting to be sent (or retried), sent, or with no
    address to send it to (it stays shown in the API and portal)."""

    PENDING = "pending"
    SENT = "sent"
    NO_ADDRESS = "no-address"


#: the roles a notice may be addressed to
RECIPIENT_ROLES = frozenset({Role.PERFORMER, Role.REPRESENTATIVE, Role.PRODUCER, Role.UNION})


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice to one party.

    ``subject`` is one line, ``message`` the plain text a person reads, ``data`` the ids and
    values it is about (request, consent, use, amounts), as JSON-able values.
    """

    kind: NoticeKind
    recipient: str
    recipient_role: Role
    subject: str
    message: str
    created_at: dt.datetime
    data: Mapping[str, Any] = field(default_factory=dict)
    performer: str | None = None
    id: int | None = None
    delivery: Delivery = Delivery.PENDING
    attempts: int = 0
    sent_at: dt.datetime | None = None
    next_attempt_at: dt.datetime | None = None
    last_error: str | None = None

    def __post_init__(self) -> None:
        if self.recipient_role not in RECIPIENT_ROLES:
            raise ValueError(
                f"a notice goes to a performer, representative, producer or the union (got"
                f" {self.recipient_role})"
            )
        if not self.recipient:
            raise ValueError("a notice needs a recipient")
        if self.created_at.utcoffset() is None:
            raise ValueError(f"notice time {self.created_at.isoformat()} has no time zone")
