"""In-memory fakes of the storage Protocols, for service tests without I/O (cosmicpython style).

Each fake answers as its SQL repository in ``likeness.storage`` does: the same filters, the
same order, nothing kept after a rollback. ``tests/integration/test_fakes.py`` runs the same
calls on both and compares the answers, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Self

from likeness.compensation.residuals.compute import PerformerResult
from likeness.domain.accounts import Account, SignInFailures, Token
from likeness.domain.consent_requests import ConsentRequest, RequestState
from likeness.domain.consents import Consent, StoredConsent
from likeness.domain.ids import PerformerId, ProducerId, ProductionId, ReplicaId
from likeness.domain.notices import Delivery, Notice
from likeness.domain.performers import Performer
from likeness.domain.principals import Role
from likeness.domain.productions import Producer, Production
from likeness.domain.replicas import AssetFile, Replica
from likeness.domain.residuals import ResidualLine, ResidualRun
from likeness.domain.strikes import Strike
from likeness.domain.uses import PayLine, UseRecord
from likeness.errors import ConflictError


class _Repo:
    def __init__(self) -> None:
        self.items: dict[str, Any] = {}

    def get(self, ident: str) -> Any:
        return self.items.get(ident)

    def add(self, item: Any) -> None:
        assert item.id not in self.items, f"duplicate {item.id}"
        self.items[item.id] = item

    def ids(self) -> set[Any]:
        return set(self.items)

    def get_many(self, idents: Collection[str]) -> list[Any]:
        return [self.items[i] for i in sorted(idents) if i in self.items]


class FakePerformers(_Repo):
    def list(self) -> Sequence[Performer]:
        return [self.items[k] for k in sorted(self.items)]

    def represented_by(self, representative_id: str) -> list[PerformerId]:
        return sorted(
            p.id
            for p in self.items.values()
            if any(rep.id == representative_id for rep in p.representatives)
        )

    def ids(self) -> set[PerformerId]:
        return set(self.items)  # type: ignore[arg-type]


class FakeProducers(_Repo):
    def list(self) -> Sequence[Producer]:
        return [self.items[k] for k in sorted(self.items)]

    def ids(self) -> set[ProducerId]:
        return set(self.items)  # type: ignore[arg-type]


class FakeProductions(_Repo):
    def list(self) -> Sequence[Production]:
        return [self.items[k] for k in sorted(self.items)]

    def ids(self) -> set[ProductionId]:
        return set(self.items)  # type: ignore[arg-type]


class FakeReplicas(_Repo):
    def list(self, performer_id: str | None = None) -> Sequence[Replica]:
        """By id; with ``performer_id`` only that performer's replicas."""
        return [
            self.items[k]
            for k in sorted(self.items)
            if performer_id is None or self.items[k].performer == performer_id
        ]

    def add_asset(self, replica_id: str, asset: AssetFile) -> None:
        self.items[replica_id] = self.items[replica_id].with_asset(asset)

    def ids(self) -> set[ReplicaId]:
        return set(self.items)  # type: ignore[arg-type]


class FakeConsents:
    """Consents in stored order (a dict keeps insertion order, as ``seq`` does)."""

    def __init__(self, replicas: FakeReplicas) -> None:
        self.items: dict[str, StoredConsent] = {}
        # to filter by performer through the replicas they own, as the SQL subquery does
        self._replicas = replicas

    def get(self, consent_id: str) -> StoredConsent | None:
        return self.items.get(consent_id)

    def add(self, consent: Consent, problems: Sequence[str] = ()) -> None:
        assert consent.id not in self.items, f"duplicate {consent.id}"  # the id is unique
        self.items[consent.id] = StoredConsent(consent, tuple(problems))

    def revoke(self, consent_id: str, on: dt.date) -> None:
        """Set ``revoked_on`` (an UPDATE: a missing id changes nothing, a date is overwritten)."""
        stored = self.items.get(consent_id)
        if stored is not None:
            revoked = dataclasses.replace(stored.consent, revoked_on=on)
            self.items[consent_id] = StoredConsent(revoked, stored.problems)

    def suspend(self, consent_id: str, on: dt.date) -> None:
        """Set ``suspended_on`` (an UPDATE, like :meth:`revoke`)."""
        stored = self.items.get(consent_id)
        if stored is not None:
            suspended = dataclasses.replace(stored.consent, suspended_on=on)
            self.items[consent_id] = StoredConsent(suspended, stored.problems)

    def list(self, performer_id: str | None = None) -> Sequence[StoredConsent]:
        """Stored order; with ``performer_id`` those naming the performer or their replicas."""
        if performer_id is None:
            return list(self.items.values())
        theirs = {r.id for r in self._replicas.list(performer_id)}
        return [
            s
            for s in self.items.values()
            if s.consent.performer == performer_id or s.consent.replica in theirs
        ]

    def for_subjects(
        self, replica_ids: Collection[str], performer_ids: Collection[str]
    ) -> Sequence[Consent]:
        return [
            s.consent
            for s in self.items.values()
            if s.consent.replica in replica_ids or s.consent.performer in performer_ids
        ]

    def iter_all(self) -> Iterator[Consent]:
        return iter([s.consent for s in self.items.values()])


class FakeStrikes:
    def __init__(self) -> None:
        self.items: list[Strike] = []

    def add(self, strike: Strike) -> int:
        self.items.append(dataclasses.replace(strike, id=len(self.items) + 1))
        return len(self.items)

    def get(self, strike_id: int) -> Strike | None:
        return self.items[strike_id - 1] if 0 < strike_id <= len(self.items) else None

    def end(self, strike_id: int, until: dt.date) -> None:
        self.items[strike_id - 1] = dataclasses.replace(self.items[strike_id - 1], until=until)

    def list(self) -> Sequence[Strike]:
        return list(self.items)


class FakeLedger:
    def __init__(self) -> None:
        self.entries: list[tuple[str, str, Mapping[str, Any]]] = []

    def append(self, kind: str, actor: str, record: Mapping[str, Any]) -> int:
        self.entries.append((kind, actor, dict(record)))
        return len(self.entries) - 1


class FakeUses:
    """Decisions on uses, uses and pay lines by idempotency key (like SqlUseRepository)."""

    def __init__(self) -> None:
        self.items: dict[str, UseRecord] = {}
        self.performers: dict[str, str | None] = {}

    def get(self, key: str) -> UseRecord | None:
        return self.items.get(key)

    def add(self, record: UseRecord, performer: str | None) -> UseRecord:
        if record.key in self.items:
            raise ConflictError(f"idempotency key {record.key!r} is already recorded")
        if record.decision.allowed:
            used = sum(1 for r in self.items.values() if r.use_id is not None)
            record = dataclasses.replace(record, use_id=used + 1)
        self.items[record.key] = record
        self.performers[record.key] = performer
        return record

    def use(self, use_id: int) -> UseRecord | None:
        return next((r for r in self.items.values() if r.use_id == use_id), None)

    def of_performer(self, performer_id: str) -> Sequence[UseRecord]:
        return [
            r
            for r in self.items.values()
            if r.use_id is not None and self.performers.get(r.key) == performer_id
        ]

    def pay_lines(self, performer_id: str | None = None) -> Sequence[PayLine]:
        lines = [line for r in self.items.values() for line in r.pay_lines]
        return [line for line in lines if performer_id is None or line.performer == performer_id]


class FakeResiduals:
    """Residual runs and their lines (like SqlResidualRepository), kept whole."""

    def __init__(self) -> None:
        self.runs: dict[int, ResidualRun] = {}
        self.stored: list[ResidualLine] = []

    def add_run(self, run: ResidualRun, lines: Sequence[PerformerResult]) -> int:
        run_id = len(self.runs) + 1
        self.runs[run_id] = run
        self.stored += [
            ResidualLine(run_id, x.production, x.year, x.performer, x.fixed_residual, x.bonus)
            for x in lines
        ]
        return run_id

    def get_run(self, run_id: int) -> ResidualRun | None:
        return self.runs.get(run_id)

    def lines(
        self, *, run_id: int | None = None, performer: str | None = None
    ) -> Sequence[ResidualLine]:
        found = [
            line
            for line in self.stored
            if (run_id is None or line.run_id == run_id)
            and (performer is None or line.performer == performer)
        ]
        return sorted(found, key=lambda x: (x.run_id, x.production, x.year, x.performer))


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


class FakeUnitOfWork:
    """Keeps everything in dicts; ``committed`` counts commits. Uncommitted work is discarded.

    It holds consents and strikes too, so it stands for a ``UnitOfWork``.
    """

    def __init__(self) -> None:
        self.performers = FakePerformers()
        self.producers = FakeProducers()
        self.productions = FakeProductions()
        self.replicas = FakeReplicas()
        self.consents = FakeConsents(self.replicas)
        self.strikes = FakeStrikes()
        self.uses = FakeUses()
        self.residuals = FakeResiduals()
        self.accounts = FakeAccounts()
        self.consent_requests = FakeConsentRequests()
        self.notices = FakeNotices()
        self.ledger = FakeLedger()
        self.committed = 0
        self._snapshot: tuple[Any, ...] = ()

    def _take(self) -> tuple[Any, ...]:
        return (
            dict(self.performers.items),
            dict(self.producers.items),
            dict(self.productions.items),
            dict(self.replicas.items),
            list(self.ledger.entries),
            dict(self.consents.items),
            list(self.strikes.items),
            dict(self.uses.items),
            dict(self.residuals.runs),
            list(self.residuals.stored),
            self.accounts.state(),
            dict(self.consent_requests.items),
            list(self.notices.items),
            dict(self.notices.claims),
        )

    def __enter__(self) -> Self:
        self._snapshot = self._take()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self.committed += 1
        self._snapshot = self._take()

    def rollback(self) -> None:
        (
            self.performers.items,
            self.producers.items,
            self.productions.items,
            self.replicas.items,
            self.ledger.entries,
            self.consents.items,
            self.strikes.items,
            self.uses.items,
            self.residuals.runs,
            self.residuals.stored,
        ) = (
            dict(self._snapshot[0]),
            dict(self._snapshot[1]),
            dict(self._snapshot[2]),
            dict(self._snapshot[3]),
            list(self._snapshot[4]),
            dict(self._snapshot[5]),
            list(self._snapshot[6]),
            dict(self._snapshot[7]),
            dict(self._snapshot[8]),
            list(self._snapshot[9]),
        )
        self.accounts.restore(self._snapshot[10])
        self.consent_requests.items = dict(self._snapshot[11])
        self.notices.items = list(self._snapshot[12])
        self.notices.claims = dict(self._snapshot[13])


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
