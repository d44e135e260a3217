"""Who is told what (SPEC §11), on SQLite and PostgreSQL: each notice is written with the change
it reports, addressed to whom it concerns, and read only by its recipient (a representative
also reads those of the performer they act for)."""

from __future__ import annotations

import datetime as dt

import pytest

from likeness.cli.main import _demo_document
from likeness.domain.principals import OPERATOR, Principal
from likeness.errors import ForbiddenError
from likeness.services.consents import grant_consent, parse_consent_document, revoke_consent
from likeness.services.demo import load_demo
from likeness.services.notices import list_notices
from likeness.services.uses import record_use
from tests.collaborators import CHEAP_HASHER, DEPS


@pytest.fixture
def demo(container):
    with container.uow() as uow:
        load_demo(uow, OPERATOR, _demo_document(), deps=DEPS, hasher=CHEAP_HASHER)
    return container


def notices(container, who: str) -> list:
    with container.uow(write=False) as uow:
        return list(list_notices(uow, Principal.parse(who), limit=1000).items)


def kinds(container, who: str) -> list[tuple[str, str]]:
    return [(str(n.kind), n.subject) for n in notices(container, who)]


def test_the_demo_tells_each_party_what_concerns_it(demo):
    union = {str(n.kind) for n in notices(demo, "union")}
    # the synthetic anchor obliges notify-union (2023 rules: no union-bargain yet)
    assert "union-notice" in union
    anchor = next(n for n in notices(demo, "union") if n.kind == "union-notice")
    assert anchor.data["obligations"] == ["notify-union"]
    assert anchor.data["production"] == "F10"
    # Rosa suspended her own consent: the studio is told, she is not told of her own act
    studio = [n for n in notices(demo, "producer:S4") if n.kind == "consent-suspended"]
    assert [n.data["consent"] for n in studio] == ["C7"]
    assert not [n for n in notices(demo, "performer:P7") if n.kind == "consent-suspended"]
    # Dana's crowd use: the use and the pay (two days at $216)
    dana = {str(n.kind): n for n in notices(demo, "performer:P1")}
    assert dana["pay-due"].data["amount"] == "432.00"
    assert dana["use-recorded"].data["consent"] == "C1"
    # a producer reads only its own; the admin none; the operator all
    assert all(n.recipient == "S4" for n in notices(demo, "producer:S4"))
    assert notices(demo, "admin") == []
    everyone = notices(demo, "operator")
    assert len(everyone) > len(notices(demo, "union"))


def test_a_representative_reads_the_performers_notices_and_its_own(demo):
    estate = notices(demo, "representative:E3")
    assert {(n.recipient_role, n.recipient) for n in estate} == {
        ("performer", "P3"),  # her replica was used in the flashback
        ("representative", "E3"),  # the trailer request waits for the estate
    }
    assert not [n for n in notices(demo, "performer:P1") if n.recipient != "P1"]


def test_an_allowed_create_tells_the_performer_a_scan_is_scheduled(demo):
    consent = {
        "id": "CS1",
        "performer": "P2",
        "given_by": "P2",
        "signed_on": "2026-11-20",
        "separately_signed": True,
        "productions": ["F2"],
        "uses": ["create"],
        "description": "A full body scan on the pier set for the harbour festival crowd scenes",
        "valid_until": "2027-12-31",
    }
    with demo.uow() as uow:
        grant_consent(uow, OPERATOR, parse_consent_document(consent), deps=DEPS)
    scan = {
        "id": "QS1",
        "kind": "create",
        "producer": "S1",
        "production": "F2",
        "performer": "P2",
        "use": "create",
        "date": "2027-01-12",
        "session_at": "2027-01-12T09:00:00Z",
        "notice_at": "2027-01-08T09:00:00Z",
    }
    with demo.uow() as uow:
        recorded = record_use(uow, Principal.parse("producer:S1"), scan, "scan-1", deps=DEPS)
    assert recorded.record.decision.allowed, recorded.record.decision.reasons
    told = [n for n in notices(demo, "performer:P2") if n.kind == "scan-scheduled"]
    assert len(told) == 1
    assert told[0].data["use"] == recorded.record.use_id
    assert "2027-01-12" in told[0].subject and "F2" in told[0].message
    # the scan session is paid: a pay-due notice with the day at the background rate
    assert [n.kind for n in notices(demo, "performer:P2")][:2] == ["pay-due", "scan-scheduled"]


def test_a_revocation_tells_the_producers_and_the_performer_when_someone_else_acts(demo):
    with demo.uow() as uow:
        revoke_consent(uow, Principal.parse("performer:P1"), "C1", dt.date(2026, 12, 1), deps=DEPS)
    told = [n for n in notices(demo, "producer:S1") if n.kind == "consent-revoked"]
    assert [(n.data["consent"], n.data["revoked_on"], n.data["by"]) for n in told] == [
        ("C1", "2026-12-01", "P1")
    ]
    assert not [n for n in notices(demo, "performer:P1") if n.kind == "consent-revoked"]
    # the estate revokes Ruth's consent: the producer and Ruth (read by her representatives)
    with demo.uow() as uow:
        revoke_consent(
            uow, Principal.parse("representative:E3"), "C3", dt.date(2026, 12, 1), deps=DEPS
        )
    assert [
        n.data["consent"] for n in notices(demo, "producer:S2") if n.kind == "consent-revoked"
    ] == ["C3"]
    assert [
        n.recipient for n in notices(demo, "representative:A3") if n.kind == "consent-revoked"
    ] == ["P3"]


def test_a_failed_change_leaves_no_notice(demo):
    before = len(notices(demo, "operator"))
    with demo.uow() as uow, pytest.raises(ForbiddenError):
        revoke_consent(
            uow, Principal.parse("representative:A3"), "C3", dt.date(2026, 12, 1), deps=DEPS
        )
    assert len(notices(demo, "operator")) == before


def test_a_synthetic_performer_in_a_human_role_under_2026_rules_gives_the_union_notice(demo):
    from likeness.services.registry import add_record

    production = {
        "id": "F26",
        "title": "Evening Edition: Season Two",
        "producer": "S3",
        "kind": "television",
        "agreement": "sag-aftra-tv-theatrical-2026",
        "principal_photography": "2026-10-01",
    }
    with demo.uow() as uow:
        add_record(uow, OPERATOR, "productions", production)
    anchor = {
        "id": "QN1",
        "kind": "synthetic",
        "producer": "S3",
        "production": "F26",
        "use": "new-performance",
        "resembles": None,
        "human_role": True,
        "justification": "A news anchor who reads the election results in six languages at once",
        "date": "2026-12-10",
    }
    with demo.uow() as uow:
        recorded = record_use(uow, Principal.parse("producer:S3"), anchor, "anchor-2", deps=DEPS)
    assert recorded.record.decision.allowed, recorded.record.decision.reasons
    latest = notices(demo, "union")[0]
    assert (str(latest.kind), latest.data["obligations"]) == (
        "union-notice",
        ["notify-union", "union-bargain"],
    )
    assert latest.data["use"] == recorded.record.use_id
    assert "union-bargain" in latest.message
