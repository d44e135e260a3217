"""Accounts and their passwords, and signing in to the portal (SPEC §10).

Managing accounts and tokens is for an admin (or the operator at the terminal); anyone else
is answered exactly as if the account or token did not exist (:mod:`likeness.services.access`).
Each change commits itself with its ledger entry (``account-added``, ``account-disabled``,
``account-email-changed``, ``token-created``, ``token-revoked``); no entry ever holds a secret
or a hash of one, nor an email address.

:func:`sign_in` (portal passwords) takes no principal: it is how one is made. Every way it
refuses says the same thing, so a caller learns nothing about which names or passwords exist.
API tokens are in :mod:`likeness.services.tokens`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import secrets

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from likeness.domain.accounts import (
    ACCOUNT_ROLES,
    EMAIL_RULE,
    Account,
    is_account_name,
    is_email_address,
    lock_seconds,
)
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

#: the one answer to every failed sign-in
INVALID_SIGN_IN = "wrong account name or password"

MIN_PASSWORD_LENGTH = 12
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


def missing_account(name: str) -> str:
    return f"account {name!r} does not exist"


def require_management(principal: Principal, kind: RecordKind, ident: str, missing: str) -> None:
    require(principal, Action.MANAGE_ACCOUNTS, Record(kind, ident), missing)


def now_or_wall_clock(now: dt.datetime | None) -> dt.datetime:
    return dt.datetime.now(dt.UTC) if now is None else now


def iso_time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def account_named(uow: UnitOfWork, name: str) -> Account:
    account = uow.accounts.get(name)
    if account is None:
        raise NotFoundError(missing_account(name))
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
    email: str | None = None,
    now: dt.datetime | None = None,
) -> Account:
    """Add an account for a party of SPEC §1 and commit it with its ``account-added`` entry.

    :param email: where the party's notices are sent (SPEC §11); none: they are only shown.
    :raises InvalidInputError: a malformed name, an unknown role or the operator, a party that
        does not fit the role or is not registered, a malformed email address.
    :raises ConflictError: an account of that name exists.
    :raises NotFoundError: the principal may not manage accounts.

    >>> add_account(uow, ADMIN, "producer-S1", "producer", "S1").principal  # doctest: +SKIP
    Principal(role=<Role.PRODUCER: 'producer'>, party='S1')
    """
    require_management(principal, RecordKind.ACCOUNT, name, missing_account(name))
    try:
        parsed = Role(role)
    except ValueError:
        raise InvalidInputError(
            f"account {name}: role {str(role)!r} (expected one of {', '.join(ACCOUNT_ROLES)})"
        ) from None
    try:
        account = Account(
            name, parsed, party or None, False, now_or_wall_clock(now), email=email or None
        )
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
    require_management(principal, RecordKind.ACCOUNT, "*", "no accounts exist")
    return list(uow.accounts.list())


def get_account(uow: UnitOfWork, principal: Principal, name: str) -> Account:
    """One account (admin and operator); NotFoundError when missing or not theirs to see."""
    require_management(principal, RecordKind.ACCOUNT, name, missing_account(name))
    return account_named(uow, name)


def disable_account(
    uow: UnitOfWork, principal: Principal, name: str, *, now: dt.datetime | None = None
) -> Account:
    """Disable the account and revoke its active tokens, then commit with the ledger entries.

    A disabled account can neither sign in nor use a token: besides the revocation,
    :func:`authenticate` refuses every token of a disabled account. Disabling twice is a
    :class:`ConflictError`.
    """
    require_management(principal, RecordKind.ACCOUNT, name, missing_account(name))
    account = account_named(uow, name)
    if account.disabled:
        raise ConflictError(f"account {name!r} is already disabled")
    at = now_or_wall_clock(now)
    uow.accounts.disable(name)
    uow.ledger.append("account-disabled", principal.actor, {"name": name})
    for token in uow.accounts.list_tokens(name):
        if token.revoked_at is None:
            uow.accounts.revoke_token(token.id, at)
            uow.ledger.append("token-revoked", principal.actor, {"id": token.id, "account": name})
    uow.commit()
    return account_named(uow, name)


def set_email(uow: UnitOfWork, principal: Principal, name: str, email: str | None) -> Account:
    """Set the address the account's notices are sent to (SPEC §11), or clear it with None;
    commit with an ``account-email-changed`` entry (which says set or cleared, never the
    address). Admin and operator only.

    :raises InvalidInputError: a malformed address (see
        :func:`~likeness.domain.accounts.is_email_address`).
    :raises NotFoundError: no such account, or the principal may not manage accounts.

    >>> set_email(uow, ADMIN, "performer-P1", "dana@example.org").email  # doctest: +SKIP
    'dana@example.org'
    """
    require_management(principal, RecordKind.ACCOUNT, name, missing_account(name))
    account_named(uow, name)
    email = email.strip() if email is not None else None
    if email is not None and not is_email_address(email):
        raise InvalidInputError(f"account {name}: email {email!r} (expected {EMAIL_RULE})")
    uow.accounts.set_email(name, email or None)
    change = "cleared" if email is None else "set"
    uow.ledger.append("account-email-changed", principal.actor, {"name": name, "email": change})
    uow.commit()
    return account_named(uow, name)


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
    require_management(principal, RecordKind.ACCOUNT, name, missing_account(name))
    account_named(uow, name)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"account {name}: the password has {len(password)} characters"
            f" (expected at least {MIN_PASSWORD_LENGTH})"
        )
    uow.accounts.set_password_hash(name, (hasher or default_hasher()).hash(password))
    uow.commit()


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
