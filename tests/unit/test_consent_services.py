"""Consent and decision use cases over in-memory fakes (no I/O; cosmicpython style)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence

import pytest

from likeness.domain.consents import Consent, StoredConsent
from likeness.domain.strikes import Strike
from likeness.errors import ConflictError, InvalidInputError, NotFoundError
from likeness.services import consents as service
from likeness.services.decisions import decide_request
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.policy.builders import D, consent, request, world


class FakeConsents:
    def __init__(self) -> None:
        self.items: dict[str, StoredConsent] = {}

    def get(self, consent_id: str) -> StoredConsent | None:
        return self.items.get(consent_id)

    def add(self, consent: Consent, problems: Sequence[str] = ()) -> None:
        self.items[consent.id] = StoredConsent(consent, tuple(problems))

    def revoke(self, consent_id: str, on: dt.date) -> None:
        stored = self.items[consent_id]
        self.items[consent_id] = StoredConsent(stored.consent.revoked(on), stored.problems)

    def suspend(self, consent_id: str, on: dt.date) -> None:
        stored = self.items[consent_id]
        self.items[consent_id] = StoredConsent(stored.consent.suspended(on), stored.problems)

    def list(self, performer_id: str | None = None) -> Sequence[StoredConsent]:
        return list(self.items.values())

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

    def add(self, strike: Strike) -> None:
        self.items.append(strike)

    def list(self) -> Sequence[Strike]:
        return list(self.items)


class FakeConsentUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.consents = FakeConsents()
        self.strikes = FakeStrikes()
        w = world()
        for section in ("performers", "producers", "productions", "replicas"):
            getattr(self, section).items.update(getattr(w, section))


@pytest.fixture
def uow() -> FakeConsentUnitOfWork:
    return FakeConsentUnitOfWork()


def test_granting_a_valid_consent_stores_it_and_writes_the_ledger(uow):
    stored = service.grant_consent(uow, consent())
    assert stored.valid and uow.consents.get("C1") == stored
    assert uow.ledger.entries[-1][0] == "consent-granted"
    assert uow.committed == 1


def test_an_invalid_consent_is_refused_listing_its_problems(uow):
    with pytest.raises(InvalidInputError, match="consent C1 is invalid") as info:
        service.grant_consent(uow, consent(separately_signed=False, valid_until=None))
    assert info.value.errors == ["not-separately-signed", "perpetual-term"]
    assert uow.consents.get("C1") is None and uow.committed == 0


def test_store_invalid_keeps_it_for_the_record(uow):
    stored = service.grant_consent(uow, consent(separately_signed=False), store_invalid=True)
    assert stored.problems == ("not-separately-signed",)


def test_validity_at_grant_uses_the_rule_set_of_the_named_productions(uow):
    no_union = world("no-union")
    uow.productions.items.update(no_union.productions)
    with pytest.raises(InvalidInputError) as info:
        service.grant_consent(uow, consent(valid_until=D(2036, 1, 1)))
    assert info.value.errors == ["term-exceeds-legal-cap"]


def test_a_consent_about_an_unknown_performer_is_not_found(uow):
    with pytest.raises(NotFoundError, match="performer 'P404' does not exist"):
        service.grant_consent(uow, consent(replica=None, performer="P404"))


def test_revoking_never_deletes_and_cannot_happen_twice(uow):
    service.grant_consent(uow, consent())
    revoked = service.revoke_consent(uow, "C1", D(2024, 9, 1))
    assert revoked.consent.revoked_on == D(2024, 9, 1)
    assert uow.consents.get("C1") is not None
    with pytest.raises(ConflictError, match="already revoked"):
        service.revoke_consent(uow, "C1", D(2024, 10, 1))
    assert [kind for kind, _actor, _rec in uow.ledger.entries] == [
        "consent-granted",
        "consent-revoked",
    ]


def test_deciding_reads_only_the_slice_of_the_world_it_needs(uow):
    service.grant_consent(uow, consent())
    assert decide_request(uow, request()).allowed
    uow.strikes.add(Strike(None, D(2024, 7, 1), None))
    assert decide_request(uow, request()).allowed  # no strike rule under 2023
