"""Whether a match is covered, and the finding an uncovered one makes (SPEC §13), over the fake
unit of work: each branch of :func:`likeness.services.findings.coverage` on its own."""

from __future__ import annotations

import datetime as dt

import pytest

from likeness.domain.findings import Coverage, Match, MatchMedium
from likeness.domain.principals import OPERATOR, Principal
from likeness.services import consents as consent_service
from likeness.services.detection_ports import Credential
from likeness.services.findings import coverage, list_findings, record_finding
from likeness.services.outputs import register_output_digest
from likeness.services.uses import record_use
from tests.collaborators import DEPS
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.policy.builders import consent, world

SHA = "ab" * 32
NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
UNION = Principal.parse("union")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    """The builders' world with consent C1 for D1 (P1) and use 1 of D1 recorded."""
    fake = FakeUnitOfWork()
    w = world()
    for section in ("performers", "producers", "productions", "replicas"):
        getattr(fake, section).items.update(getattr(w, section))
    consent_service.grant_consent(fake, OPERATOR, consent(), deps=DEPS)
    document = {
        "id": "Q1",
        "kind": "use",
        "producer": "S1",
        "production": "F1",
        "replica": "D1",
        "use": "crowd-multiplication",
        "date": "2024-08-01",
    }
    assert record_use(fake, OPERATOR, document, "k-1", deps=DEPS).record.use_id == 1
    return fake


def _valid(**use) -> Credential:
    return Credential("valid", {"use": 1, "replica": "D1", **use})


def test_no_credential_and_no_registered_output_is_not_covered(uow):
    found = coverage(uow, SHA, Credential("absent"), "P1")
    assert not found.covered and found.reason.startswith("it carries no Likeness credential")


def test_a_registered_output_of_a_use_of_the_performer_covers_it(uow):
    register_output_digest(uow, OPERATOR, 1, SHA, clock=lambda: NOW)
    assert coverage(uow, SHA, Credential("absent"), "P1") == Coverage(
        True, "registered as an output of use 1", 1, "output"
    )
    assert not coverage(uow, SHA, Credential("absent"), "P2").covered  # another performer


def test_a_valid_credential_naming_a_use_of_the_performer_covers_it(uow):
    assert coverage(uow, SHA, _valid(), "P1") == Coverage(
        True, "its C2PA credential names use 1", 1, "manifest"
    )


@pytest.mark.parametrize(
    ("credential", "performer", "reason"),
    [
        (_valid(use=7), "P1", "its C2PA credential names use 7, not recorded here"),
        (_valid(replica="D2"), "P1", "names replica 'D2' for use 1, which is of replica D1"),
        (_valid(), "P2", "names use 1, of another performer's replica"),
        (_valid(use="1"), "P1", "its C2PA credential names no use"),
        (Credential("invalid", problems=("content was changed",)), "P1", "content was changed"),
    ],
)
def test_a_credential_that_does_not_license_the_performer_says_why(
    uow, credential, performer, reason
):
    found = coverage(uow, SHA, credential, performer)
    assert not found.covered and reason in found.reason


def test_an_invalid_credential_yields_to_a_registered_output(uow):
    register_output_digest(uow, OPERATOR, 1, SHA, clock=lambda: NOW)
    found = coverage(uow, SHA, Credential("invalid", problems=("x",)), "P1")
    assert found.covered and found.via == "output"


def _match(replica: str = "D1", performer: str = "P1") -> Match:
    return Match(
        "/media/leak.png",
        SHA,
        2.5,
        MatchMedium.FACE,
        performer,
        replica,
        0.31,
        0.5,
        Coverage(False, "it carries no Likeness credential"),
    )


def test_a_finding_is_stored_once_with_its_entry_and_notices(uow):
    finding, new = record_finding(uow, UNION, _match(), NOW, "https://x.example/1")
    assert new and finding.id is not None and finding.source == "https://x.example/1"
    kinds = [entry[0] for entry in uow.ledger.entries]
    assert kinds[-1] == "finding-recorded"
    told = [(n.recipient_role.value, n.recipient) for n in uow.notices.items]
    assert told[-2:] == [("performer", "P1"), ("union", "union")]
    again, new_again = record_finding(uow, UNION, _match(), NOW)
    assert (again.id, new_again) == (finding.id, False)
    assert len(uow.notices.items) == len(told)


def test_findings_are_listed_for_the_performer_and_the_union_only(uow):
    record_finding(uow, UNION, _match(), NOW)
    record_finding(uow, UNION, _match("D2", "P2"), NOW)
    assert list_findings(uow, UNION).total == 2
    assert [f.performer for f in list_findings(uow, Principal.parse("performer:P1")).items] == [
        "P1"
    ]
    assert list_findings(uow, Principal.parse("producer:S1")).total == 0
    assert list_findings(uow, UNION, performer="P2").total == 1
