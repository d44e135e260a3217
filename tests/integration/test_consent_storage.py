"""Consents and strikes in the database (SQLite and PostgreSQL), and decisions made from it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from likeness.domain.consents import Compensation, PayPer
from likeness.domain.ids import ProducerId
from likeness.domain.principals import OPERATOR
from likeness.domain.strikes import Strike
from likeness.errors import ConflictError, InvalidInputError, NotFoundError
from likeness.interchange.documents import read_document
from likeness.interchange.parsing import parse_scenario
from likeness.services import consents as service
from likeness.services.decisions import decide_request, load_engine
from likeness.services.registry import import_world
from likeness.services.scenarios import run_scenario
from tests.collaborators import DEPS

SHARED = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
OURS = Path(__file__).resolve().parents[1] / "scenarios"


def _load(container, path: Path, *, store_invalid: bool = True):
    """Register the world of a scenario file, record its consents and strikes; the scenario."""
    document = read_document(path)
    scenario = parse_scenario(document, source=str(path))
    with container.uow() as uow:
        import_world(uow, OPERATOR, document)
    for consent in scenario.world.consents.values():
        with container.uow() as uow:
            service.grant_consent(uow, OPERATOR, consent, store_invalid=store_invalid, deps=DEPS)
    with container.uow() as uow:
        for strike in scenario.world.strikes:
            uow.strikes.add(strike)
        uow.commit()
    return scenario


def test_a_consent_round_trips_through_the_database(container):
    scenario = _load(container, SHARED / "03-deceased-performers.yaml")
    with container.uow(write=False) as uow:
        for consent in scenario.world.consents.values():
            stored = uow.consents.get(consent.id)
            assert stored is not None and stored.consent == consent and stored.valid
    assert stored.consent.compensation == Compensation(Decimal("3000.00"), PayPer.USE)


def test_an_invalid_consent_is_refused_with_its_problems_and_nothing_is_written(container):
    scenario = parse_scenario(read_document(SHARED / "02-studio-proposal-2023.yaml"))
    with container.uow() as uow:
        import_world(uow, OPERATOR, read_document(SHARED / "02-studio-proposal-2023.yaml"))
    with (
        container.uow() as uow,
        pytest.raises(InvalidInputError, match="consent C2 is invalid") as info,
    ):
        service.grant_consent(uow, OPERATOR, scenario.world.consents["C2"], deps=DEPS)
    assert info.value.errors == [
        "not-separately-signed",
        "blanket-scope",
        "perpetual-term",
        "no-compensation",
    ]
    with container.uow(write=False) as uow:
        assert uow.consents.get("C2") is None


def test_an_invalid_consent_is_kept_marked_invalid_when_asked(container):
    _load(container, SHARED / "02-studio-proposal-2023.yaml")
    with container.uow(write=False) as uow:
        stored = uow.consents.get("C2")
        assert stored is not None and not stored.valid
        assert stored.problems == (
            "not-separately-signed",
            "blanket-scope",
            "perpetual-term",
            "no-compensation",
        )
        assert stored.consent.productions == ("*",)


def test_a_consent_id_is_recorded_once(container):
    scenario = _load(container, SHARED / "01-background-scan.yaml")
    with container.uow() as uow, pytest.raises(ConflictError, match="C1 already exists"):
        service.grant_consent(uow, OPERATOR, scenario.world.consents["C1"], deps=DEPS)


def test_a_consent_about_an_unknown_replica_is_not_found(container):
    scenario = parse_scenario(read_document(SHARED / "01-background-scan.yaml"))
    with container.uow() as uow, pytest.raises(NotFoundError, match="replica 'D1' does not exist"):
        service.grant_consent(uow, OPERATOR, scenario.world.consents["C1"], deps=DEPS)


def test_revocation_sets_revoked_on_and_keeps_the_row(container):
    _load(container, SHARED / "01-background-scan.yaml")
    with container.uow() as uow:
        service.revoke_consent(uow, OPERATOR, "C1", dt.date(2024, 9, 1), deps=DEPS)
    with container.uow() as uow:
        stored = uow.consents.get("C1")
        assert stored is not None and stored.consent.revoked_on == dt.date(2024, 9, 1)
        with pytest.raises(ConflictError, match="already revoked on 2024-09-01"):
            service.revoke_consent(uow, OPERATOR, "C1", dt.date(2024, 10, 1), deps=DEPS)
        with pytest.raises(NotFoundError):
            service.revoke_consent(uow, OPERATOR, "C404", dt.date(2024, 10, 1), deps=DEPS)


def test_listing_by_performer_includes_consents_naming_their_replicas(container):
    _load(container, OURS / "10-request-checks-2023.yaml")
    with container.uow(write=False) as uow:
        assert [s.consent.id for s in service.list_consents(uow, OPERATOR, "P2")] == [
            "C2",
            "C4",
            "C5",
        ]
        assert [s.consent.id for s in service.list_consents(uow, OPERATOR)] == [
            "C1",
            "C2",
            "C3",
            "C4",
            "C5",
        ]
        with pytest.raises(NotFoundError):
            service.list_consents(uow, OPERATOR, "P404")


def test_strikes_round_trip(container):
    with container.uow() as uow:
        uow.strikes.add(Strike((ProducerId("S1"), ProducerId("S2")), dt.date(2027, 1, 1), None))
        uow.strikes.add(Strike(None, dt.date(2027, 3, 1), dt.date(2027, 6, 15)))
        uow.commit()
    with container.uow(write=False) as uow:
        assert uow.strikes.list() == [
            Strike(("S1", "S2"), dt.date(2027, 1, 1), None),  # type: ignore[arg-type]
            Strike(None, dt.date(2027, 3, 1), dt.date(2027, 6, 15)),
        ]


@pytest.mark.parametrize(
    "path",
    [*sorted(SHARED.glob("*.yaml")), *sorted(OURS.glob("*.yaml"))],
    ids=lambda p: p.name,
)
def test_deciding_from_the_database_gives_the_in_memory_decisions(container, path):
    scenario = _load(container, path)
    expected = run_scenario(scenario, deps=DEPS).decisions
    with container.uow(write=False) as uow:
        from_db = [
            decide_request(uow, OPERATOR, request, deps=DEPS) for request in scenario.requests
        ]
        engine = load_engine(uow, deps=DEPS)
    assert from_db == list(expected)
    assert [engine.decide(r) for r in scenario.requests] == list(expected)


def test_a_revocation_in_the_database_changes_the_next_decision(container):
    scenario = _load(container, SHARED / "01-background-scan.yaml")
    first = scenario.requests[0]
    with container.uow(write=False) as uow:
        assert decide_request(uow, OPERATOR, first, deps=DEPS).allowed
    with container.uow() as uow:
        service.revoke_consent(uow, OPERATOR, "C1", first.date, deps=DEPS)
    with container.uow(write=False) as uow:
        assert decide_request(uow, OPERATOR, first, deps=DEPS).reasons == ("consent-revoked",)
