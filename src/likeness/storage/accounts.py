"""The account repository over one SQLAlchemy Connection: accounts, API tokens and sign-in
failures (SPEC §10).

Times are stored as naive UTC (``DateTime`` without a zone, alike on SQLite and PostgreSQL)
and come back timezone-aware. Failures are counted with one upsert, so two failed sign-ins at
once both count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from likeness.domain.accounts import Account, SignInFailures, Token
from likeness.domain.principals import Role
from likeness.storage import tables as t

_A = t.accounts.c
_T = t.api_tokens.c
_F = t.sign_in_failures.c


def _to_db(value: dt.datetime | None) -> dt.datetime | None:
    """Naive UTC for a ``DateTime`` column."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _from_db(value: dt.datetime | None) -> dt.datetime | None:
    """Timezone-aware UTC from a ``DateTime`` column."""
    return None if value is None else value.replace(tzinfo=dt.UTC)


def _required(value: dt.datetime | None) -> dt.datetime:
    found = _from_db(value)
    assert found is not None, "a NOT NULL column returned NULL"
    return found


def _account(row: Row[Any]) -> Account:
    return Account(
        name=row.name,
        role=Role(row.role),
        party=row.party,
        disabled=bool(row.disabled),
        created_at=_required(row.created_at),
        has_password=row.password_hash is not None,
        email=row.email,
    )


def _token(row: Row[Any]) -> Token:
    return Token(
        id=row.id,
        account=row.account,
        created_at=_required(row.created_at),
        expires_at=_from_db(row.expires_at),
        last_used_at=_from_db(row.last_used_at),
        revoked_at=_from_db(row.revoked_at),
    )


#: the token, its hash and its account in one query, built once (every API request runs it)
_CREDENTIAL = (
    select(
        _T.id,
        _T.account,
        _T.created_at,
        _T.expires_at,
        _T.last_used_at,
        _T.revoked_at,
        _T.secret_hash,
        t.accounts.c.role,
        t.accounts.c.party,
        t.accounts.c.disabled,
        t.accounts.c.created_at.label("account_created_at"),
        (t.accounts.c.password_hash.is_not(None)).label("has_password"),
        t.accounts.c.email,
    )
    .join(t.accounts, t.accounts.c.name == _T.account)
    .where(_T.id == bindparam("token_id"))
)


class SqlAccountRepository:
    """Accounts in ``accounts``, tokens in ``api_tokens``, failures in ``sign_in_failures``."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # ---- accounts --------------------------------------------------------------------------

    def get(self, name: str) -> Account | None:
        """The account called ``name``, or None."""
        row = self._conn.execute(select(t.accounts).where(_A.name == name)).first()
        return _account(row) if row else None

    def add(self, account: Account) -> None:
        """Store a new account (without a password; see :meth:`set_password_hash`)."""
        self._conn.execute(
            insert(t.accounts).values(
                name=account.name,
                role=str(account.role),
                party=account.party,
                disabled=account.disabled,
                password_hash=None,
                created_at=_to_db(account.created_at),
                email=account.email,
            )
        )

    def list(self) -> Sequence[Account]:
        """Every account, by name."""
        return [_account(r) for r in self._conn.execute(select(t.accounts).order_by(_A.name))]

    def disable(self, name: str) -> None:
        """Mark the account disabled (it stays, for the record)."""
        self._conn.execute(update(t.accounts).where(_A.name == name).values(disabled=True))

    def set_email(self, name: str, email: str | None) -> None:
        """Set (or, with None, clear) the account's email address."""
        self._conn.execute(update(t.accounts).where(_A.name == name).values(email=email))

    def addresses(self, role: Role, party: str | None) -> Sequence[str]:
        """The email addresses of the enabled accounts acting as ``role`` and ``party`` (None:
        accounts with no party, as the union's), each once, sorted."""
        party_is = _A.party.is_(None) if party is None else _A.party == party
        query = select(_A.email).where(
            _A.role == str(role), party_is, _A.disabled.is_(False), _A.email.is_not(None)
        )
        # sorted here, not by the database: PostgreSQL's collation may order otherwise
        return sorted({str(email) for email in self._conn.execute(query).scalars()})

    def set_password_hash(self, name: str, password_hash: str) -> None:
        """Replace the account's password hash."""
        self._conn.execute(
            update(t.accounts).where(_A.name == name).values(password_hash=password_hash)
        )

    def password_hash(self, name: str) -> str | None:
        """The account's password hash, or None (no such account, or no password set)."""
        found: str | None = self._conn.execute(
            select(_A.password_hash).where(_A.name == name)
        ).scalar_one_or_none()
        return found

    # ---- tokens ----------------------------------------------------------------------------

    def add_token(self, token: Token, secret_hash: str) -> None:
        """Store a new token with the SHA-256 (hex) of its token string."""
        self._conn.execute(
            insert(t.api_tokens).values(
                id=token.id,
                account=token.account,
                secret_hash=secret_hash,
                created_at=_to_db(token.created_at),
                expires_at=_to_db(token.expires_at),
                last_used_at=_to_db(token.last_used_at),
                revoked_at=_to_db(token.revoked_at),
            )
        )

    def get_token(self, token_id: str) -> Token | None:
        """The token with this id, or None."""
        row = self._conn.execute(select(t.api_tokens).where(_T.id == token_id)).first()
        return _token(row) if row else None

    def credential(self, token_id: str) -> tuple[Token, str, Account] | None:
        """The token, its stored SHA-256 and its account, in one query (every API request
        asks this), or None."""
        row = self._conn.execute(_CREDENTIAL, {"token_id": token_id}).first()
        if row is None:
            return None
        account = Account(
            name=row.account,
            role=Role(row.role),
            party=row.party,
            disabled=bool(row.disabled),
            created_at=_required(row.account_created_at),
            has_password=bool(row.has_password),
            email=row.email,
        )
        return _token(row), row.secret_hash, account  # type: ignore[arg-type]

    def token_secret_hash(self, token_id: str) -> str | None:
        """The stored SHA-256 of the token with this id, or None."""
        found: str | None = self._conn.execute(
            select(_T.secret_hash).where(_T.id == token_id)
        ).scalar_one_or_none()
        return found

    def list_tokens(self, account: str | None = None) -> Sequence[Token]:
        """Tokens by creation time, then id; with ``account`` only that account's."""
        query = select(t.api_tokens).order_by(_T.created_at, _T.id)
        if account is not None:
            query = query.where(_T.account == account)
        return [_token(r) for r in self._conn.execute(query)]

    def revoke_token(self, token_id: str, at: dt.datetime) -> None:
        """Set ``revoked_at`` (the row stays)."""
        self._conn.execute(
            update(t.api_tokens).where(_T.id == token_id).values(revoked_at=_to_db(at))
        )

    def touch_token(self, token_id: str, at: dt.datetime) -> None:
        """Set ``last_used_at``."""
        self._conn.execute(
            update(t.api_tokens).where(_T.id == token_id).values(last_used_at=_to_db(at))
        )

    # ---- sign-in failures ------------------------------------------------------------------

    def failures(self, name: str) -> SignInFailures | None:
        """The consecutive failed sign-ins for ``name``, or None when there are none."""
        row = self._conn.execute(select(t.sign_in_failures).where(_F.name == name)).first()
        if row is None:
            return None
        return SignInFailures(
            row.name, row.failures, _from_db(row.locked_until), _required(row.last_failure_at)
        )

    def record_failure(self, name: str, at: dt.datetime) -> int:
        """Count one more failure for ``name`` in one statement; return the new count."""
        dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(t.sign_in_failures).values(
            name=name, failures=1, locked_until=None, last_failure_at=_to_db(at)
        )
        statement = statement.on_conflict_do_update(
            index_elements=[_F.name],
            set_={"failures": _F.failures + 1, "last_failure_at": _to_db(at)},
        )
        count: int = self._conn.execute(statement.returning(_F.failures)).scalar_one()
        return count

    def lock(self, name: str, until: dt.datetime) -> None:
        """Lock ``name`` until ``until``."""
        self._conn.execute(
            update(t.sign_in_failures).where(_F.name == name).values(locked_until=_to_db(until))
        )

    def clear_failures(self, name: str) -> None:
        """Forget the failures of ``name`` (after a successful sign-in)."""
        self._conn.execute(delete(t.sign_in_failures).where(_F.name == name))


__all__ = ["SqlAccountRepository"]
