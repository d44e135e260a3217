"""Consent and decision use cases over in-memory fakes (no I/O; cosmicpython style)."""

from __future__ import annotations

import dataclasses

import pytest

from likeness.domain.ids import PerformerId, ReplicaId
from likeness.domain.principals import OPERATOR
from likeness.domain.strikes import Strike
from likeness.errors import ConflictError, InvalidInputError, NotFoundError
from likeness.services import consents as service
from likeness.services.decisions import decide_request
from tests.collaborators import DEPS
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.policy.builders import D, consent, request, world


@pytest.fixture
def uow() -> FakeUnitOfWork:
    """A fake unit of work holding the registry of the policy builders' world."""
    fake = FakeUnitOfWork()
    w = world()
    for section in ("performers", "producers", "productions", "replicas"):
        getattr(fake, section).items.update(getattr(w, section))
    return fake


def test_granting_a_valid_consent_stores_it_and_writes_the_ledger(uow):
    stored = service.grant_consent(uow, OPERATOR, consent(), deps=DEPS)
    assert stored.valid and uow.consents.get("C1") == stored
    assert uow.ledger.entries[-1][0] == "consent-granted"
    assert uow.committed == 1


def test_an_invalid_consent_is_refused_listing_its_problems(uow):
    with pytest.raises(InvalidInputError, match="consent C1 is invalid") as info:
        service.grant_consent(
            uow, OPERATOR, consent(separately_signed=False, valid_until=None), deps=DEPS
        )
    assert info.value.errors == ["not-separately-signed", "perpetual-term"]
    assert uow.consents.get("C1") is None and uow.committed == 0


def test_store_invalid_keeps_it_for_the_record(uow):
    stored = service.grant_consent(
        uow, OPERATOR, consent(separately_signed=False), store_invalid=True, deps=DEPS
    )
    assert stored.problems == ("not-separately-signed",)


def test_validity_at_grant_uses_the_rule_set_of_the_named_productions(uow):
    no_union = world("no-union")
    uow.productions.items.update(no_union.productions)
    with pytest.raises(InvalidInputError) as info:
        service.grant_consent(uow, OPERATOR, consent(valid_until=D(2036, 1, 1)), deps=DEPS)
    assert info.value.errors == ["term-exceeds-legal-cap"]


def test_a_consent_about_an_unknown_performer_is_not_found(uow):
    with pytest.raises(NotFoundError, match="performer 'P404' does not exist"):
        service.grant_consent(uow, OPERATOR, consent(replica=None, performer="P404"), deps=DEPS)


def test_revoking_never_deletes_and_cannot_happen_twice(uow):
    service.grant_consent(uow, OPERATOR, consent(), deps=DEPS)
    revoked = service.revoke_consent(uow, OPERATOR, "C1", D(2024, 9, 1), deps=DEPS)
    assert revoked.consent.revoked_on == D(2024, 9, 1)
    assert uow.consents.get("C1") is not None
    with pytest.raises(ConflictError, match="already revoked"):
        service.revoke_consent(uow, OPERATOR, "C1", D(2024, 10, 1), deps=DEPS)
    assert [kind for kind, _actor, _rec in uow.ledger.entries] == [
        "consent-granted",
        "consent-revoked",
    ]


def test_deciding_reads_only_the_slice_of_the_world_it_needs(uow):
    service.grant_consent(uow, OPERATOR, consent(), deps=DEPS)
    assert decide_request(uow, OPERATOR, request(), deps=DEPS).allowed
    uow.strikes.add(Strike(None, D(2024, 7, 1), None))
    assert decide_request(uow, OPERATOR, request(), deps=DEPS).allowed  # no strike rule under 2023


def test_listing_by_performer_gives_their_consents_and_those_naming_their_replicas(uow):
    mine = consent("C1")  # names D1, a replica of P1
    theirs = consent("C2", replica=ReplicaId("D2"), given_by="P2")
    about_p1 = consent("C3", replica=None, performer=PerformerId("P1"), uses=("create",))
    for c in (mine, theirs, about_p1):
        service.grant_consent(uow, OPERATOR, c, deps=DEPS)
    assert [s.consent.id for s in service.list_consents(uow, OPERATOR, "P1")] == ["C1", "C3"]
    assert [s.consent.id for s in service.list_consents(uow, OPERATOR, "P2")] == ["C2"]
    assert [s.consent.id for s in service.list_consents(uow, OPERATOR, "M1")] == []
    assert [s.consent.id for s in service.list_consents(uow, OPERATOR)] == ["C1", "C2", "C3"]


def test_a_consent_granted_in_a_unit_of_work_left_uncommitted_is_gone(uow):
    with uow:
        uow.consents.add(consent())
        uow.strikes.add(Strike(None, D(2024, 7, 1), None))
    assert uow.consents.get("C1") is None
    assert uow.strikes.list() == []


def test_the_fake_unit_of_work_holds_every_member_of_the_protocol():
    from likeness.services.unit_of_work import UnitOfWork

    members = {
        name
        for name in dir(UnitOfWork)
        if not name.startswith("_") or name in ("__enter__", "__exit__")
    }
    missing = [name for name in sorted(members) if not hasattr(FakeUnitOfWork(), name)]
    assert missing == []
    assert {"consents", "strikes", "uses", "residuals", "ledger"} <= members


def test_the_fake_rolls_back_uses_and_residual_runs_too():
    from likeness.services.uses import record_use

    fake = FakeUnitOfWork()
    w = world()
    for section in ("performers", "producers", "productions", "replicas"):
        getattr(fake, section).items.update(getattr(w, section))
    with fake:
        service.grant_consent(fake, OPERATOR, consent(), deps=DEPS)
    document = {
        "id": "Q1",
        "kind": "use",
        "producer": "S1",
        "production": "F1",
        "replica": "D1",
        "use": "crowd-multiplication",
        "date": "2024-08-01",
    }
    with fake as uow:
        recorded = record_use(uow, OPERATOR, document, "k-1", deps=DEPS)
        assert recorded.record.use_id == 1
    assert fake.uses.get("k-1") is not None  # committed by the service
    with fake as uow:
        uow.uses.add(dataclasses.replace(recorded.record, key="k-2"), "P1")
        uow.residuals.runs[1] = None  # type: ignore[assignment]
    assert fake.uses.get("k-2") is None and fake.residuals.runs == {}
