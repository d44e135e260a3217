"""API tokens (SPEC §10): made, listed and revoked by an admin (or the operator), and turned
back into a principal on every API request.

A token is ``lk_<16 hex id>_<43 url-safe characters>`` (256 random bits), shown once; only its
SHA-256 is stored. :func:`check_token` takes no principal: it is how one is made, and every
way it refuses says the same thing, so a caller learns nothing about which tokens exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from likeness.domain.accounts import Token
from likeness.domain.principals import Principal
from likeness.errors import ConflictError, InvalidInputError, NotFoundError, UnauthorizedError
from likeness.services.access import RecordKind
from likeness.services.accounts import (
    account_named,
    iso_time,
    missing_account,
    now_or_wall_clock,
    require_management,
)
from likeness.services.unit_of_work import UnitOfWork

#: the one answer to every bad credential: which part was wrong is never said
INVALID_CREDENTIALS = (
    "missing or invalid credentials: send Authorization: Bearer TOKEN"
    " (create one with `likeness token create ACCOUNT`)"
)
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650
#: ``last_used_at`` is written only when older than this, so reads with a token rarely write
TOUCH_INTERVAL = dt.timedelta(seconds=60)

#: ``lk_<16 hex id>_<43 url-safe characters: token_urlsafe(32), 256 bits>``
_TOKEN = re.compile(r"lk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")


def _missing_token(token_id: str) -> str:
    return f"token {token_id!r} does not exist"


def _digest(token: str) -> str:
    # A token carries 256 random bits, so a fast hash suffices: nobody can guess their way
    # back from the digest, and every API request can afford to compute it (a password hash
    # such as Argon2 is for low-entropy secrets and would make each request slow).
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    uow: UnitOfWork,
    principal: Principal,
    account_name: str,
    *,
    days: int | None,
    now: dt.datetime,
) -> tuple[Token, str]:
    """Make an API token for the account, valid ``days`` (default 90, at most 3650); commit.

    Returns the token and its secret string ``lk_<id>_<secret>``: the only time it is shown,
    since only its SHA-256 is stored.

    :raises InvalidInputError: ``days`` out of range.
    :raises ConflictError: the account is disabled.
    """
    require_management(principal, RecordKind.ACCOUNT, account_name, missing_account(account_name))
    account = account_named(uow, account_name)
    if account.disabled:
        raise ConflictError(f"account {account_name!r} is disabled (expected an enabled account)")
    valid_days = DEFAULT_TOKEN_DAYS if days is None else days
    if not 1 <= valid_days <= MAX_TOKEN_DAYS:
        raise InvalidInputError(f"--days {valid_days} (expected 1 to {MAX_TOKEN_DAYS})")
    token_id = secrets.token_hex(8)
    secret = f"lk_{token_id}_{secrets.token_urlsafe(32)}"
    token = Token(token_id, account_name, now, now + dt.timedelta(days=valid_days))
    uow.accounts.add_token(token, _digest(secret))
    uow.ledger.append(
        "token-created",
        principal.actor,
        {"id": token_id, "account": account_name, "expires_at": iso_time(token.expires_at)},
    )
    uow.commit()
    return token, secret


def list_tokens(uow: UnitOfWork, principal: Principal, account: str | None = None) -> list[Token]:
    """Tokens by creation time (admin and operator); with ``account`` only that account's."""
    if account is None:
        require_management(principal, RecordKind.TOKEN, "*", "no tokens exist")
    else:
        require_management(principal, RecordKind.ACCOUNT, account, missing_account(account))
        account_named(uow, account)
    return list(uow.accounts.list_tokens(account))


def revoke_token(
    uow: UnitOfWork, principal: Principal, token_id: str, *, now: dt.datetime | None = None
) -> Token:
    """Revoke the token (it stays listed as ``revoked``); commit with its ledger entry.

    :raises ConflictError: the token is already revoked.
    """
    require_management(principal, RecordKind.TOKEN, token_id, _missing_token(token_id))
    token = uow.accounts.get_token(token_id)
    if token is None:
        raise NotFoundError(_missing_token(token_id))
    if token.revoked_at is not None:
        raise ConflictError(f"token {token_id} was already revoked at {iso_time(token.revoked_at)}")
    uow.accounts.revoke_token(token_id, now_or_wall_clock(now))
    uow.ledger.append("token-revoked", principal.actor, {"id": token_id, "account": token.account})
    uow.commit()
    revoked = uow.accounts.get_token(token_id)
    assert revoked is not None
    return revoked


@dataclass(frozen=True, slots=True)
class Credential:
    """A bearer token that checked out: whose it is and when it was last used."""

    principal: Principal
    token_id: str
    last_used_at: dt.datetime | None

    def use_to_note(self, now: dt.datetime) -> bool:
        """Whether ``last_used_at`` is old enough to write again (once a minute at most)."""
        return self.last_used_at is None or now - self.last_used_at >= TOUCH_INTERVAL


def check_token(uow: UnitOfWork, token: str, *, now: dt.datetime) -> Credential:
    """The credential of a bearer token, read only (one indexed query).

    Malformed, unknown, revoked, expired, or of a disabled account: all raise the same
    :class:`UnauthorizedError`.
    """
    text = token.strip()
    match = _TOKEN.fullmatch(text)
    digest = _digest(text)
    if match is None:
        raise UnauthorizedError(INVALID_CREDENTIALS)
    token_id = match.group(1)
    found = uow.accounts.credential(token_id)
    if found is None:
        raise UnauthorizedError(INVALID_CREDENTIALS)
    stored, stored_digest, account = found
    if (
        not hmac.compare_digest(stored_digest, digest)
        or stored.state(now) != "active"
        or account.disabled
    ):
        raise UnauthorizedError(INVALID_CREDENTIALS)
    return Credential(account.principal, token_id, stored.last_used_at)


def note_token_use(uow: UnitOfWork, credential: Credential, *, now: dt.datetime) -> None:
    """Write the token's ``last_used_at`` (and commit) when it is over a minute old, so that
    a busy client's requests rarely write. Open ``uow`` for writing."""
    if credential.use_to_note(now):
        uow.accounts.touch_token(credential.token_id, now)
        uow.commit()


def authenticate(uow: UnitOfWork, token: str, *, now: dt.datetime) -> Principal:
    """The principal of a bearer token (:func:`check_token`, then :func:`note_token_use` in
    the same unit of work, which must be open for writing)."""
    credential = check_token(uow, token, now=now)
    note_token_use(uow, credential, now=now)
    return credential.principal
