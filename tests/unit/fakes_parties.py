"""Fakes of the repositories added for accounts (SPEC §10), consent requests and the notices
outbox (SPEC §11); :class:`tests.unit.fakes.FakeUnitOfWork` holds them beside the others."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from likeness.domain.accounts import Account, SignInFailures, Token
from likeness.domain.consent_requests import ConsentRequest, RequestState
from likeness.domain.notices import Delivery, Notice
from likeness.domain.principals import Role
from likeness.errors import ConflictError


class FakeAccounts:
    """Accounts, tokens and sign-in failures (like SqlAccountRepository), in dicts."""

    def __init__(self) -> None:
        self.items: dict[str, Account] = {}
        self.password_hashes: dict[str, str] = {}
        self.tokens: dict[str, Token] = {}
        self.secret_hashes: dict[str, str] = {}
        self.failure_counts: dict[str, SignInFailures] = {}

    def state(self) -> tuple[dict[str, Any], ...]:
        return (
            dict(self.items),
            dict(self.password_hashes),
            dict(self.tokens),
            dict(self.secret_hashes),
            dict(self.failure_counts),
        )

    def restore(self, state: tuple[dict[str, Any], ...]) -> None:
        (
            self.items,
            self.password_hashes,
            self.tokens,
            self.secret_hashes,
            self.failure_counts,
        ) = (dict(part) for part in state)

    def get(self, name: str) -> Account | None:
        return self.items.get(name)

    def add(self, account: Account) -> None:
        if account.name in self.items:  # the primary key
            raise ConflictError(f"the database refused the write: duplicate {account.name}")
        self.items[account.name] = dataclasses.replace(account, has_password=False)

    def list(self) -> Sequence[Account]:
        return [self.items[k] for k in sorted(self.items)]

    def disable(self, name: str) -> None:
        if name in self.items:
            self.items[name] = dataclasses.replace(self.items[name], disabled=True)

    def set_email(self, name: str, email: str | None) -> None:
        if name in self.items:
            self.items[name] = dataclasses.replace(self.items[name], email=email)

    def addresses(self, role: Role, party: str | None) -> Sequence[str]:
        return sorted(
            {
                a.email
                for a in self.items.values()
                if a.role is role and a.party == party and not a.disabled and a.email is not None
            }
        )

    def set_password_hash(self, name: str, password_hash: str) -> None:
        if name in self.items:
            self.items[name] = dataclasses.replace(self.items[name], has_password=True)
            self.password_hashes[name] = password_hash

    def password_hash(self, name: str) -> str | None:
        return self.password_hashes.get(name)

    def add_token(self, token: Token, secret_hash: str) -> None:
        assert token.id not in self.tokens, f"duplicate {token.id}"
        assert token.account in self.items, f"no account {token.account}"  # the foreign key
        self.tokens[token.id] = token
        self.secret_hashes[token.id] = secret_hash

    def get_token(self, token_id: str) -> Token | None:
        return self.tokens.get(token_id)

    def token_secret_hash(self, token_id: str) -> str | None:
        return self.secret_hashes.get(token_id)

    def credential(self, token_id: str) -> tuple[Token, str, Account] | None:
        token = self.tokens.get(token_id)
        if token is None or token.account not in self.items:
            return None
        return token, self.secret_hashes[token_id], self.items[token.account]

    def list_tokens(self, account: str | None = None) -> Sequence[Token]:
        found = [t for t in self.tokens.values() if account is None or t.account == account]
        return sorted(found, key=lambda t: (t.created_at, t.id))

    def revoke_token(self, token_id: str, at: dt.datetime) -> None:
        if token_id in self.tokens:
            self.tokens[token_id] = dataclasses.replace(self.tokens[token_id], revoked_at=at)

    def touch_token(self, token_id: str, at: dt.datetime) -> None:
        if token_id in self.tokens:
            self.tokens[token_id] = dataclasses.replace(self.tokens[token_id], last_used_at=at)

    def failures(self, name: str) -> SignInFailures | None:
        return self.failure_counts.get(name)

    def record_failure(self, name: str, at: dt.datetime) -> int:
        known = self.failure_counts.get(name)
        count = 1 if known is None else known.failures + 1
        locked = None if known is None else known.locked_until
        self.failure_counts[name] = SignInFailures(name, count, locked, at)
        return count

    def lock(self, name: str, until: dt.datetime) -> None:
        if name in self.failure_counts:
            known = self.failure_counts[name]
            self.failure_counts[name] = dataclasses.replace(known, locked_until=until)

    def clear_failures(self, name: str) -> None:
        self.failure_counts.pop(name, None)


class FakeConsentRequests:
    """Consent requests in a dict, in the order made."""

    def __init__(self) -> None:
        self.items: dict[str, ConsentRequest] = {}

    def get(self, request_id: str) -> ConsentRequest | None:
        return self.items.get(request_id)

    def add(self, request: ConsentRequest) -> None:
        if request.id in self.items:
            raise ConflictError(f"consent request {request.id} exists")
        self.items[request.id] = request

    def move(self, request: ConsentRequest) -> bool:
        known = self.items.get(request.id)
        if known is None or known.state is not RequestState.PENDING:
            return False
        self.items[request.id] = request
        return True

    def list(
        self,
        *,
        about: Collection[str] | None = None,
        producers: Collection[str] | None = None,
        states: Collection[RequestState] | None = None,
    ) -> Sequence[ConsentRequest]:
        found = list(self.items.values())
        if about is not None or producers is not None:
            found = [
                r for r in found if r.about in (about or ()) or r.producer in (producers or ())
            ]
        return [r for r in found if states is None or r.state in states]

    def pending_due(self, day: dt.date) -> Sequence[ConsentRequest]:
        return [
            r for r in self.items.values() if r.state is RequestState.PENDING and r.respond_by < day
        ]


class FakeNotices:
    """Notices in a list; ids count from 1. ``claims`` maps a notice id to its claimer and
    the end of the claim (the SQL table's ``claimed_by`` and ``claimed_until``)."""

    def __init__(self) -> None:
        self.items: list[Notice] = []
        self.claims: dict[int, tuple[str, dt.datetime]] = {}

    def add(self, notice: Notice) -> int:
        stored = dataclasses.replace(notice, id=len(self.items) + 1)
        self.items.append(stored)
        return int(stored.id or 0)

    def get(self, notice_id: int) -> Notice | None:
        return next((n for n in self.items if n.id == notice_id), None)

    def list(
        self,
        *,
        recipients: Collection[tuple[Role, str]] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[Sequence[Notice], int]:
        found = [
            n
            for n in reversed(self.items)
            if recipients is None or (n.recipient_role, n.recipient) in recipients
        ]
        end = None if limit is None else offset + limit
        return found[offset:end], len(found)

    def _due(self, notice: Notice, now: dt.datetime) -> bool:
        claim = self.claims.get(int(notice.id or 0))
        return (
            notice.delivery is Delivery.PENDING
            and (notice.next_attempt_at is None or notice.next_attempt_at <= now)
            and (claim is None or claim[1] <= now)
        )

    def claim_due(
        self, now: dt.datetime, claimer: str, lease_until: dt.datetime, limit: int
    ) -> Sequence[Notice]:
        found = [n for n in self.items if self._due(n, now)][: max(limit, 0)]
        for notice in found:
            self.claims[int(notice.id or 0)] = (claimer, lease_until)
        return found

    def _settle(self, notice_id: int, claimer: str, **changes: Any) -> bool:
        claim = self.claims.get(notice_id)
        notice = self.get(notice_id)
        if claim is None or claim[0] != claimer or notice is None:
            return False
        if notice.delivery is not Delivery.PENDING:
            return False
        del self.claims[notice_id]
        self.items[self.items.index(notice)] = dataclasses.replace(notice, **changes)
        return True

    def mark_sent(self, notice_id: int, claimer: str, at: dt.datetime) -> bool:
        notice = self.get(notice_id)
        attempts = 0 if notice is None else notice.attempts + 1
        return self._settle(
            notice_id,
            claimer,
            delivery=Delivery.SENT,
            sent_at=at,
            attempts=attempts,
            next_attempt_at=None,
        )

    def mark_failed(self, notice_id: int, claimer: str, error: str, retry_at: dt.datetime) -> bool:
        notice = self.get(notice_id)
        attempts = 0 if notice is None else notice.attempts + 1
        return self._settle(
            notice_id,
            claimer,
            attempts=attempts,
            last_error=error[:1000],
            next_attempt_at=retry_at,
        )

    def mark_no_address(self, notice_id: int, claimer: str, at: dt.datetime) -> bool:
        when = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self._settle(
            notice_id,
            claimer,
            delivery=Delivery.NO_ADDRESS,
            next_attempt_at=None,
            last_error=f"no enabled account of the recipient had an email address at {when}",
        )

    def release(self, notice_ids: Collection[int], claimer: str) -> int:
        released = 0
        for notice_id in notice_ids:
            notice = self.get(notice_id)
            holder = self.claims[notice_id][0] if notice_id in self.claims else None
            if notice is not None and notice.delivery is Delivery.PENDING and holder == claimer:
                del self.claims[notice_id]
                released += 1
        return released
