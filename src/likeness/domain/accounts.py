"""Accounts and API tokens (SPEC §10): who may sign in to the portal and call the HTTP API.

An account is one party of SPEC §1 with a name: a performer, a representative or a producer
(each naming the party it acts as), the union or an admin (no party). The installation's
operator is never an account: it is whoever runs ``likeness`` at the terminal.

A token belongs to one account. Only a hash of its secret is stored (never here: this value
carries no secret at all), so a token can be listed, shown and revoked without being usable.

>>> import datetime as dt
>>> created = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
>>> Account("performer-P1", Role.PERFORMER, "P1", False, created).principal.actor
'performer:P1'
>>> token = Token("0123456789abcdef", "performer-P1", created, created + dt.timedelta(days=90))
>>> token.state(created + dt.timedelta(days=91))
'expired'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Literal

from likeness.domain.principals import PARTY_ROLES, Principal, Role

#: the roles an account may have (the operator is never an account)
ACCOUNT_ROLES = (Role.PERFORMER, Role.REPRESENTATIVE, Role.PRODUCER, Role.UNION, Role.ADMIN)

#: what an account name may be: 1 to 64 letters, digits, dots, underscores, at signs, hyphens
NAME_PATTERN = re.compile(r"[A-Za-z0-9._@-]{1,64}")
NAME_RULE = "1 to 64 characters of letters, digits and . _ @ -"

#: the longest email address an account may have (the ``accounts.email`` column's width)
MAX_EMAIL_LENGTH = 320
EMAIL_RULE = f"an address with one @, no spaces, at most {MAX_EMAIL_LENGTH} ASCII characters"

#: a token id: 16 lower-case hex digits (``secrets.token_hex(8)``)
TOKEN_ID_PATTERN = re.compile(r"[0-9a-f]{16}")

TokenState = Literal["active", "expired", "revoked"]


def _aware(value: dt.datetime | None, what: str) -> None:
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{what} {value.isoformat()} has no time zone (expected UTC)")


def is_account_name(name: str) -> bool:
    """Whether ``name`` is a well-formed account name (see :data:`NAME_RULE`)."""
    return NAME_PATTERN.fullmatch(name) is not None


def is_email_address(text: str) -> bool:
    """Whether ``text`` will do as an account's email address (see :data:`EMAIL_RULE`).

    The check is loose on purpose: the mail server is the judge of an address. It keeps out
    what could never be one, and anything (a space, a line break, a comma) that would bend the
    ``To:`` header it goes into: the standard library's address parser must read it back whole.

    >>> [is_email_address(a) for a in ("dana@example.org", "dana", "a@b@c", "a,b@x.org")]
    [True, False, False, False]
    """
    local, at, domain = text.partition("@")
    if not (at and local and domain) or "@" in domain or len(text) > MAX_EMAIL_LENGTH:
        return False
    if not text.isascii() or any(c.isspace() or not c.isprintable() for c in text):
        return False
    try:
        return Address(addr_spec=text).addr_spec == text
    except (ValueError, HeaderParseError):  # what the parser raises for a malformed address
        return False


@dataclass(frozen=True, slots=True)
class Account:
    """A named party that signs in (portal) or holds API tokens, and the address its notices
    are sent to by email (SPEC §11; none: they are only shown in the API and portal).

    Raises ValueError when the name is malformed, the role is the operator, the party does
    not fit the role (performers, representatives and producers need one; the union and admins
    have none), or the email address is not one (:func:`is_email_address`).
    """

    name: str
    role: Role
    party: str | None
    disabled: bool
    created_at: dt.datetime
    has_password: bool = False
    email: str | None = None

    def __post_init__(self) -> None:
        if not is_account_name(self.name):
            raise ValueError(f"account name {self.name!r} (expected {NAME_RULE})")
        if self.email is not None and not is_email_address(self.email):
            raise ValueError(f"account {self.name}: email {self.email!r} (expected {EMAIL_RULE})")
        if self.role not in ACCOUNT_ROLES:
            raise ValueError(
                f"account {self.name}: role {str(self.role)!r} (expected one of "
                f"{', '.join(ACCOUNT_ROLES)}; the operator is never an account)"
            )
        if self.role in PARTY_ROLES and not self.party:
            raise ValueError(
                f"account {self.name}: a {self.role} account needs the party it acts as"
                f" (expected --party with a {self.role} id)"
            )
        if self.role not in PARTY_ROLES and self.party is not None:
            raise ValueError(
                f"account {self.name}: a {self.role} account acts as no party"
                f" (got party {self.party!r}, expected none)"
            )
        _aware(self.created_at, f"account {self.name}: created_at")

    @property
    def principal(self) -> Principal:
        """The principal this account acts as."""
        return Principal(self.role, self.party)


@dataclass(frozen=True, slots=True)
class Token:
    """An API token of ``account``: its id, when it was made, expires, was last used and
    revoked (all UTC). The secret is not part of it."""

    id: str
    account: str
    created_at: dt.datetime
    expires_at: dt.datetime | None = None
    last_used_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if TOKEN_ID_PATTERN.fullmatch(self.id) is None:
            raise ValueError(f"token id {self.id!r} (expected 16 lower-case hex digits)")
        if not is_account_name(self.account):
            raise ValueError(f"token {self.id}: account {self.account!r} (expected {NAME_RULE})")
        for what in ("created_at", "expires_at", "last_used_at", "revoked_at"):
            _aware(getattr(self, what), f"token {self.id}: {what}")
        if self.expires_at is not None and self.expires_at <= self.created_at:
            raise ValueError(
                f"token {self.id}: expires_at {self.expires_at.isoformat()} (expected after"
                f" created_at {self.created_at.isoformat()})"
            )

    def state(self, now: dt.datetime) -> TokenState:
        """``revoked`` once revoked, else ``expired`` from ``expires_at`` on, else ``active``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "active"


@dataclass(frozen=True, slots=True)
class SignInFailures:
    """Consecutive failed sign-ins for a name (whether or not an account has that name)."""

    name: str
    failures: int
    locked_until: dt.datetime | None
    last_failure_at: dt.datetime

    def __post_init__(self) -> None:
        if self.failures < 0:
            raise ValueError(f"sign-in failures for {self.name!r}: {self.failures} (expected >= 0)")
        _aware(self.locked_until, f"sign-in failures for {self.name!r}: locked_until")
        _aware(self.last_failure_at, f"sign-in failures for {self.name!r}: last_failure_at")


#: failures allowed before a name is locked
FREE_FAILURES = 5
#: the first lock, in seconds; each further failure doubles it
FIRST_LOCK_SECONDS = 30
#: the longest lock, in seconds
MAX_LOCK_SECONDS = 15 * 60


def lock_seconds(failures: int) -> int:
    """How long a name is locked after ``failures`` consecutive failures: none before the
    fifth, then 30 s doubling with each failure, at most 15 minutes.

    >>> [lock_seconds(n) for n in (4, 5, 6, 7, 9, 10, 40)]
    [0, 30, 60, 120, 480, 900, 900]
    """
    if failures < FREE_FAILURES:
        return 0
    # 30 * 2**(failures - 5), the exponent capped first: a huge count needs no huge number
    exponent = min(failures - FREE_FAILURES, MAX_LOCK_SECONDS.bit_length())
    return min(FIRST_LOCK_SECONDS << exponent, MAX_LOCK_SECONDS)
