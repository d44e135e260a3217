"""Accounts, API tokens, and turning credentials into a principal (SPEC §10).

Managing accounts and tokens is for an admin (or the operator at the terminal); anyone else
is answered exactly as if the account or token did not exist (:mod:`likeness.services.access`).
Each change commits itself with its ledger entry (``account-added``, ``account-disabled``,
``token-created``, ``token-revoked``); no entry ever holds a secret or a hash of one.

:func:`authenticate` (API tokens) and :func:`sign_in` (portal passwords) take no principal:
they are how one is made. Every way they refuse says the same thing, so a caller learns
nothing about which names, tokens or passwords exist.

>>> token, secret = create_token(uow, ADMIN, "performer-P1", days=30, now=now)  # doctest: +SKIP
>>> authenticate(uow, secret, now=now).actor  # doctest: +SKIP
'performer:P1'
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from likeness.domain.accounts import ACCOUNT_ROLES, Account, Token, is_account_name, lock_seconds
from likeness.domain.principals import Principal, Role
from likeness.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    RecordInvalidError,
    TooManyRequestsError,
    UnauthorizedError,
)
from likeness.services.access import Action, Record, RecordKind, require
from likeness.services.unit_of_work import UnitOfWork

#: the one answer to every bad credential: which part was wrong is never said
INVALID_CREDENTIALS = (
    "missing or invalid credentials: send Authorization: Bearer TOKEN"
    " (create one with `likeness token create ACCOUNT`)"
)
#: the one answer to every failed sign-in
INVALID_SIGN_IN = "wrong account name or password"

MIN_PASSWORD_LENGTH = 12
DEFAULT_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 3650
#: ``last_used_at`` is written only when older than this, so reads with a token rarely write
TOUCH_INTERVAL = dt.timedelta(seconds=60)

#: ``lk_<16 hex id>_<43 url-safe characters: token_urlsafe(32), 256 bits>``
_TOKEN = re.compile(r"lk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})")

_PARTIES = {
    Role.PERFORMER: "performer",
    Role.REPRESENTATIVE: "representative",
    Role.PRODUCER: "producer",
}


@functools.cache
def default_hasher() -> PasswordHash:
    """pwdlib's recommended Argon2id with its default cost (built once)."""
    return PasswordHash((Argon2Hasher(),))


@functools.cache
def _dummy_hash(hasher: PasswordHash) -> str:
    """A hash of a random password, verified against when there is no real hash, so that an
    unknown name costs as much time as a known one."""
    return hasher.hash(secrets.token_urlsafe(16))


def _missing_account(name: str) -> str:
    return f"account {name!r} does not exist"


def _missing_token(token_id: str) -> str:
    return f"token {token_id!r} does not exist"


def _manage(principal: Principal, kind: RecordKind, ident: str, missing: str) -> None:
    require(principal, Action.MANAGE_ACCOUNTS, Record(kind, ident), missing)


def _now(now: dt.datetime | None) -> dt.datetime:
    return dt.datetime.now(dt.UTC) if now is None else now


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def _get_account(uow: UnitOfWork, name: str) -> Account:
    account = uow.accounts.get(name)
    if account is None:
        raise NotFoundError(_missing_account(name))
    return account


def _check_party(uow: UnitOfWork, name: str, role: Role, party: str | None) -> None:
    """A performer, representative or producer account names a registered party."""
    if role not in _PARTIES or party is None:
        return
    if role is Role.PERFORMER:
        found = uow.performers.get(party) is not None
    elif role is Role.PRODUCER:
        found = uow.producers.get(party) is not None
    else:
        found = bool(uow.performers.represented_by(party))
    if not found:
        expected = f"the id of a registered {_PARTIES[role]}"
        raise RecordInvalidError(f"account {name}", "party", party, expected)


def add_account(
    uow: UnitOfWork,
    principal: Principal,
    name: str,
    role: Role | str,
    party: str | None,
    *,
    now: dt.datetime | None = None,
) -> Account:
    """Add an account for a party of SPEC §1 and commit it with its ``account-added`` entry.

    :raises InvalidInputError: a malformed name, an unknown role or the operator, a party that
        does not fit the role or is not registered.
    :raises ConflictError: an account of that name exists.
    :raises NotFoundError: the principal may not manage accounts.

    >>> add_account(uow, ADMIN, "producer-S1", "producer", "S1").principal  # doctest: +SKIP
    Principal(role=<Role.PRODUCER: 'producer'>, party='S1')
    """
    _manage(principal, RecordKind.ACCOUNT, name, _missing_account(name))
    try:
        parsed = Role(role)
    except ValueError:
        raise InvalidInputError(
            f"account {name}: role {str(role)!r} (expected one of {', '.join(ACCOUNT_ROLES)})"
        ) from None
    try:
        account = Account(name, parsed, party or None, False, _now(now))
    except ValueError as exc:
        raise InvalidInputError(str(exc)) from None
    if uow.accounts.get(name) is not None:
        raise ConflictError(f"account {name!r} already exists (expected a new name)")
    _check_party(uow, name, account.role, account.party)
    uow.accounts.add(account)
    uow.ledger.append(
        "account-added",
        principal.actor,
        {"name": name, "role": str(account.role), "party": account.party},
    )
    uow.commit()
    return account


def list_accounts(uow: UnitOfWork, principal: Principal) -> list[Account]:
    """Every account, by name (admin and operator; anyone else: NotFoundError)."""
    _manage(principal, RecordKind.ACCOUNT, "*", "no accounts exist")
    return list(uow.accounts.list())


def get_account(uow: UnitOfWork, principal: Principal, name: str) -> Account:
    """One account (admin and operator); NotFoundError when missing or not theirs to see."""
    _manage(principal, RecordKind.ACCOUNT, name, _missing_account(name))
    return _get_account(uow, name)


def disable_account(
    uow: UnitOfWork, principal: Principal, name: str, *, now: dt.datetime | None = None
) -> Account:
    """Disable the account and revoke its active tokens, then commit with the ledger entries.

    A disabled account can neither sign in nor use a token: besides the revocation,
    :func:`authenticate` refuses every token of a disabled account. Disabling twice is a
    :class:`ConflictError`.
    """
    _manage(principal, RecordKind.ACCOUNT, name, _missing_account(name))
    account = _get_account(uow, name)
    if account.disabled:
        raise ConflictError(f"account {name!r} is already disabled")
    at = _now(now)
    uow.accounts.disable(name)
    uow.ledger.append("account-disabled", principal.actor, {"name": name})
    for token in uow.accounts.list_tokens(name):
        if token.revoked_at is None:
            uow.accounts.revoke_token(token.id, at)
            uow.ledger.append("token-revoked", principal.actor, {"id": token.id, "account": name})
    uow.commit()
    return _get_account(uow, name)


def set_password(
    uow: UnitOfWork,
    principal: Principal,
    name: str,
    password: str,
    *,
    hasher: PasswordHash | None = None,
) -> None:
    """Store the Argon2id hash of ``password`` as the account's portal password; commit.

    :param hasher: the pwdlib hasher (default :func:`default_hasher`; tests pass a cheap one).
    :raises InvalidInputError: a password shorter than 12 characters.
    """
    _manage(principal, RecordKind.ACCOUNT, name, _missing_account(name))
    _get_account(uow, name)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"account {name}: the password has {len(password)} characters"
            f" (expected at least {MIN_PASSWORD_LENGTH})"
        )
    uow.accounts.set_password_hash(name, (hasher or default_hasher()).hash(password))
    uow.commit()


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
    _manage(principal, RecordKind.ACCOUNT, account_name, _missing_account(account_name))
    account = _get_account(uow, account_name)
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
        {"id": token_id, "account": account_name, "expires_at": _iso(token.expires_at)},
    )
    uow.commit()
    return token, secret


def list_tokens(uow: UnitOfWork, principal: Principal, account: str | None = None) -> list[Token]:
    """Tokens by creation time (admin and operator); with ``account`` only that account's."""
    if account is None:
        _manage(principal, RecordKind.TOKEN, "*", "no tokens exist")
    else:
        _manage(principal, RecordKind.ACCOUNT, account, _missing_account(account))
        _get_account(uow, account)
    return list(uow.accounts.list_tokens(account))


def revoke_token(
    uow: UnitOfWork, principal: Principal, token_id: str, *, now: dt.datetime | None = None
) -> Token:
    """Revoke the token (it stays listed as ``revoked``); commit with its ledger entry.

    :raises ConflictError: the token is already revoked.
    """
    _manage(principal, RecordKind.TOKEN, token_id, _missing_token(token_id))
    token = uow.accounts.get_token(token_id)
    if token is None:
        raise NotFoundError(_missing_token(token_id))
    if token.revoked_at is not None:
        raise ConflictError(f"token {token_id} was already revoked at {_iso(token.revoked_at)}")
    uow.accounts.revoke_token(token_id, _now(now))
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


def sign_in(
    uow: UnitOfWork,
    name: str,
    password: str,
    *,
    now: dt.datetime,
    hasher: PasswordHash | None = None,
) -> Principal:
    """The principal of an account name and password (the portal's sign-in).

    After 5 consecutive failures for a name (an account or not: existence is never revealed)
    the name is locked for 30 s, doubling with each further failure up to 15 minutes. While
    locked: :class:`TooManyRequestsError` with ``retry_after`` seconds, the password unchecked.
    Unknown name, no password, disabled account, wrong password: the same
    :class:`UnauthorizedError`; the failure is committed before it is raised. Success forgets
    the failures.
    """
    hasher = hasher or default_hasher()
    if not is_account_name(name):
        # no account can have this name, so there is nothing to count (or to reveal)
        hasher.verify(password, _dummy_hash(hasher))
        raise UnauthorizedError(INVALID_SIGN_IN)
    record = uow.accounts.failures(name)
    if record is not None and record.locked_until is not None and now < record.locked_until:
        wait = math.ceil((record.locked_until - now).total_seconds())
        raise TooManyRequestsError(
            f"too many failed sign-ins for {name!r}: try again in {wait} seconds",
            retry_after=wait,
        )
    account = uow.accounts.get(name)
    stored = uow.accounts.password_hash(name) if account is not None else None
    # always one Argon2 verification, so an unknown name takes as long as a known one
    matched = hasher.verify(password, stored or _dummy_hash(hasher))
    if account is None or stored is None or account.disabled or not matched:
        failures = uow.accounts.record_failure(name, now)
        wait = lock_seconds(failures)
        if wait:
            uow.accounts.lock(name, now + dt.timedelta(seconds=wait))
        uow.commit()
        raise UnauthorizedError(INVALID_SIGN_IN)
    if record is not None:
        uow.accounts.clear_failures(name)
        uow.commit()
    return account.principal


def session_principal(uow: UnitOfWork, name: str) -> Principal:
    """The principal of a signed-in portal session for account ``name``, checked again on every
    request: a disabled or removed account ends its sessions (:class:`UnauthorizedError`)."""
    account = uow.accounts.get(name)
    if account is None or account.disabled:
        raise UnauthorizedError(INVALID_SIGN_IN)
    return account.principal
