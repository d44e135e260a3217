"""Services ask the access module first (SPEC §10): what a principal may not see answers like
a missing record, a forbidden action is refused, and the ledger names who acted."""

from __future__ import annotations

import pytest

from likeness.domain.principals import OPERATOR, Principal
from likeness.domain.strikes import Strike
from likeness.errors import ForbiddenError, NotFoundError, RecordInvalidError
from likeness.services import consents as service
from likeness.services import registry
from likeness.services.decisions import decide_request
from likeness.services.strikes import declare_strike
from tests.collaborators import DEPS
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.policy.builders import INTERACTIVE, D, consent, request, world

P1 = Principal.parse("performer:P1")
P2 = Principal.parse("performer:P2")
S1 = Principal.parse("producer:S1")
S2 = Principal.parse("producer:S2")
UNION = Principal.parse("union")
ESTATE = Principal.parse("representative:E1")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    u = FakeUnitOfWork()
    w = world(INTERACTIVE)
    for section in ("performers", "producers", "productions", "replicas"):
        getattr(u, section).items.update(getattr(w, section))
    service.grant_consent(u, OPERATOR, consent(valid_until=D(2028, 1, 1)), deps=DEPS)
    return u


def test_a_performer_gives_her_own_consent_and_the_ledger_names_her(uow):
    service.grant_consent(uow, P1, consent("C2", valid_until=D(2028, 1, 1)), deps=DEPS)
    kind, actor, _record = uow.ledger.entries[-1]
    assert (kind, actor) == ("consent-granted", "performer:P1")


def test_a_performer_may_not_record_a_consent_as_someone_else(uow):
    with pytest.raises(ForbiddenError, match="may not give consent as 'A9'"):
        service.grant_consent(
            uow, P1, consent("C2", given_by="A9", valid_until=D(2028, 1, 1)), deps=DEPS
        )


def test_another_performers_consent_answers_like_a_missing_one(uow):
    with pytest.raises(NotFoundError) as hidden:
        service.revoke_consent(uow, P2, "C1", D(2027, 1, 1), deps=DEPS)
    with pytest.raises(NotFoundError) as missing:
        service.revoke_consent(uow, P2, "C404", D(2027, 1, 1), deps=DEPS)
    assert str(hidden.value) == str(missing.value).replace("C404", "C1")


def test_a_producer_may_not_revoke_a_consent_naming_its_production(uow):
    with pytest.raises(ForbiddenError, match="producer:S1 may not revoke-consent consent C1"):
        service.revoke_consent(uow, S1, "C1", D(2027, 1, 1), deps=DEPS)


def test_the_performer_suspends_as_herself_without_saying_by(uow):
    stored = service.suspend_consent(uow, P1, "C1", D(2027, 3, 10), deps=DEPS)
    assert stored.consent.suspended_on == D(2027, 3, 10)
    assert uow.ledger.entries[-1][1:] == (
        "performer:P1",
        {"consent": "C1", "suspended_on": "2027-03-10", "by": "P1"},
    )


def test_the_operator_must_say_who_suspends(uow):
    with pytest.raises(Exception, match="say who suspends it"):
        service.suspend_consent(uow, OPERATOR, "C1", D(2027, 3, 10), deps=DEPS)


def test_lists_hold_only_what_the_principal_sees(uow):
    service.grant_consent(
        uow,
        OPERATOR,
        consent("C2", replica="D2", given_by="P2", valid_until=D(2028, 1, 1)),
        deps=DEPS,
    )
    assert [s.consent.id for s in service.list_consents(uow, P1)] == ["C1"]
    assert [s.consent.id for s in service.list_consents(uow, P2)] == ["C2"]
    assert [s.consent.id for s in service.list_consents(uow, S1)] == ["C1", "C2"]
    assert service.list_consents(uow, S2) == []
    assert [s.consent.id for s in service.list_consents(uow, UNION)] == ["C1", "C2"]
    with pytest.raises(NotFoundError, match="performer 'P2' does not exist"):
        service.list_consents(uow, P1, "P2")


def test_a_producer_sees_a_performers_id_and_name_only(uow):
    listed = {p["id"]: p for p in registry.list_performers(uow, S1)}
    assert listed["P1"] == {"id": "P1", "name": "Dana"}
    assert "born" in next(p for p in registry.list_performers(uow, P1) if p["id"] == "P1")
    assert [p["id"] for p in registry.list_performers(uow, P1)] == ["P1"]


def test_a_replica_of_someone_else_is_not_found_for_a_performer(uow):
    assert registry.get_replica(uow, P1, "D1").id == "D1"
    with pytest.raises(NotFoundError, match="replica 'D2' does not exist"):
        registry.get_replica(uow, P1, "D2")


def test_a_producer_registers_its_own_production_but_no_performer(uow):
    production = {"id": "F5", "title": "Dock Street", "producer": "S1", "kind": "theatrical"}
    registry.add_record(uow, S1, "productions", production)
    assert uow.ledger.entries[-1][:2] == ("production-registered", "producer:S1")
    # another producer's name answers exactly like a producer that does not exist
    answers = []
    for other in ("S2", "S99"):
        with pytest.raises(RecordInvalidError) as info:
            registry.add_record(
                uow, S1, "productions", {**production, "id": "F6", "producer": other}
            )
        answers.append(str(info.value).replace(other, "X"))
    assert answers[0] == answers[1]
    assert "producer" in answers[0]
    performer = {"id": "P7", "name": "Ana", "category": "background", "born": "1990-01-01"}
    with pytest.raises(ForbiddenError, match="producer:S1 may not register performer P7"):
        registry.add_record(uow, S1, "performers", performer)


def test_a_producer_asks_decisions_for_its_productions_only(uow):
    assert decide_request(uow, S1, request(date=D(2024, 8, 1)), deps=DEPS).allowed
    # asking as itself about another producer's production: refused before the engine runs,
    # as if the production did not exist (SPEC §10)
    with pytest.raises(NotFoundError, match="production 'F1' does not exist"):
        decide_request(uow, S2, request(producer="S2", date=D(2024, 8, 1)), deps=DEPS)
    assert decide_request(
        uow, OPERATOR, request(producer="S2", date=D(2024, 8, 1)), deps=DEPS
    ).reasons == ("producer-not-authorized",)
    # asking in another producer's name: as if the production did not exist
    with pytest.raises(NotFoundError, match="production 'F1' does not exist"):
        decide_request(uow, S2, request(date=D(2024, 8, 1)), deps=DEPS)
    with pytest.raises(ForbiddenError, match="performer:P1 may not decide"):
        decide_request(uow, P1, request(date=D(2024, 8, 1)), deps=DEPS)


def test_only_the_union_and_the_operator_declare_strikes(uow):
    declare_strike(uow, UNION, Strike(None, D(2027, 3, 1)))
    assert uow.ledger.entries[-1][:2] == ("strike-declared", "union")
    with pytest.raises(ForbiddenError, match="producer:S1 may not declare a strike"):
        declare_strike(uow, S1, Strike(None, D(2027, 3, 1)))


def test_after_death_the_estate_gives_consent_and_the_performer_cannot(uow):
    c = consent("C3", replica="DX", given_by="E1", signed_on=D(2024, 6, 1))
    service.grant_consent(uow, ESTATE, c, deps=DEPS)
    assert uow.ledger.entries[-1][:2] == ("consent-granted", "representative:E1")
    agent = Principal.parse("representative:A1")
    late = consent("C4", replica="DX", given_by="A1", signed_on=D(2024, 6, 1))
    with pytest.raises(ForbiddenError, match="representative:A1 may not give-consent") as info:
        service.grant_consent(uow, agent, late, deps=DEPS)
    assert info.value.errors[0].startswith("A1 may not consent for X1 on 2024-06-01")
