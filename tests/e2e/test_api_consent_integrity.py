"""Nothing silent, nothing partial (issue #17) through the /v1 API: a revocation never rewrites
the past, a registration names what is wrong, and each consent carries its standing."""

from __future__ import annotations

import pytest

from tests.e2e.test_api_v1 import Api, make_api


@pytest.fixture
def api(container) -> Api:
    return make_api(container)


def _stored(api: Api) -> tuple[int, object]:
    """The ledger's size and consent C1 as stored."""
    with api.container.uow(write=False) as uow:
        return uow.ledger.size(), uow.consents.get("C1")  # type: ignore[attr-defined]


def test_a_revocation_that_would_undo_a_recorded_use_answers_409(api):
    before = _stored(api)
    refused = api.post("performer", "/v1/consents/C1/revoke", {"on": "2024-08-01"})
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "consent C1: revoked_on 2024-08-01 would undo use 1 (key demo-dana-crowd, dated 2024-08-01)"
        " recorded under it (expected a date after 2024-08-01: a revocation never rewrites"
        " the past)"
    )
    assert _stored(api) == before


def test_a_revocation_before_the_signature_answers_422(api):
    before = _stored(api)
    refused = api.post("performer", "/v1/consents/C1/revoke", {"on": "2024-02-01"})
    assert refused.status_code in (400, 422)
    assert refused.json()["detail"] == (
        "consent C1: revoked_on 2024-02-01 is before it was signed on 2024-02-28"
        " (expected a date on or after the signature)"
    )
    assert _stored(api) == before


def test_a_revocation_after_the_last_use_is_recorded(api):
    size = _stored(api)[0]
    done = api.post("performer", "/v1/consents/C1/revoke", {"on": "2024-08-02"})
    assert done.status_code == 200, done.text
    assert done.json()["revoked_on"] == "2024-08-02"
    assert _stored(api)[0] == size + 1


def test_a_consent_s_json_carries_its_standing_today(api):
    assert api.post("performer", "/v1/consents/C1/revoke", {"on": "2024-08-02"}).status_code == 200
    today = api.container.deps.clock().date().isoformat()
    shown = api.get("performer", "/v1/consents/C1")
    assert shown.status_code == 200, shown.text
    standing = shown.json()["standing"]
    assert (standing["on"], standing["state"]) == (today, "revoked")
    assert "revoked since 2024-08-02" in standing["text"]
    assert "consent-revoked" in standing["codes"]
    listed = api.get("performer", "/v1/performers/P1/consents").json()["items"]
    assert [(c["id"], c["standing"]["state"]) for c in listed] == [("C1", "revoked")]
    union = api.get("union", "/v1/consents/C2").json()["standing"]
    assert union["state"] == "invalid"
    assert union["codes"][:2] == ["consent-invalid", "not-separately-signed"]


def test_the_api_refuses_a_replica_whose_made_in_contradicts_its_kind(api):
    size = _stored(api)[0]
    body = {"id": "D70", "performer": "P1", "kind": "independently-created", "media": ["face"]}
    refused = api.post("producer", "/v1/replicas", body | {"made_in": "F1"})
    assert refused.status_code in (400, 422)
    assert refused.json()["detail"].startswith(
        "replica D70: made_in 'F1' (expected no made_in for an independently-created replica"
    )
    assert _stored(api)[0] == size


def test_the_api_refuses_a_consent_given_by_a_stranger_or_for_an_unknown_production(api):
    size = _stored(api)[0]
    consent = {
        "id": "C70",
        "replica": "D1",
        "given_by": "P1",
        "signed_on": "2024-02-28",
        "separately_signed": True,
        "productions": ["F99"],
        "uses": ["crowd-multiplication"],
        "description": "Crowd duplication in the harbour festival scene, scenes 12 to 14",
        "valid_until": "2025-06-30",
        "compensation": {"amount": "216.00", "per": "day"},
    }
    unknown = api.post("performer", "/v1/consents", consent)
    assert unknown.status_code in (400, 422)
    assert unknown.json()["detail"] == (
        "consent C70: productions 'F99' (expected the id of a registered production)"
    )
    assert _stored(api)[0] == size
