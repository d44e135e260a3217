"""Ids in the /v1 API follow one grammar (issue #17): a malformed id in a path, a body or the
``Idempotency-Key`` header answers 422 problem details naming the field and the grammar, and
nothing is stored. On SQLite and PostgreSQL (the ``container`` fixture)."""

from __future__ import annotations

import pytest

from likeness.domain.ids import ID_GRAMMAR, KEY_GRAMMAR
from tests.e2e.test_api_v1 import make_api, use_request

#: malformed ids as they travel in a URL path (percent-encoded), by what is wrong with them
BAD_PATH_IDS = {
    "NUL": "P1%00",
    "right-to-left override": "P1%E2%80%AE",
    "zero-width space": "P1%E2%80%8B",
    "65 characters": "P" * 65,
    "a space": "P%201",
}
#: malformed ids in a JSON body
BAD_IDS = {
    "NUL": "D9\x00",
    "right-to-left override": "D9\u202e",
    "zero-width space": "D9\u200b",
    "65 characters": "D" * 65,
    "empty": "",
}
PATHS = [
    "/v1/performers/{id}",
    "/v1/producers/{id}",
    "/v1/productions/{id}",
    "/v1/replicas/{id}",
    "/v1/consents/{id}",
    "/v1/consent-requests/{id}",
    "/v1/performers/{id}/consents",
    "/v1/performers/{id}/uses",
    "/v1/performers/{id}/pay-lines",
]


@pytest.fixture
def api(container):
    return make_api(container)


def _ledger_size(api) -> int:
    with api.container.uow(write=False) as uow:
        return uow.ledger.size()  # type: ignore[attr-defined,no-any-return]


def _assert_refused(response, field: str, grammar: str = ID_GRAMMAR) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 422
    assert body["errors"][0]["field"] == field
    assert body["errors"][0]["message"] == f"expected {grammar}"
    assert body["detail"] == f"{field}: expected {grammar}"


@pytest.mark.parametrize("bad", BAD_PATH_IDS.values(), ids=BAD_PATH_IDS.keys())
def test_a_malformed_id_in_a_path_answers_422_naming_it_for_every_role(api, bad):
    for path in PATHS:
        field = "performer_id" if path.startswith("/v1/performers/") else None
        for role in ("union", "performer", "producer"):
            response = api.get(role, path.format(id=bad))
            expected = (
                field
                or {
                    "producers": "producer_id",
                    "productions": "production_id",
                    "replicas": "replica_id",
                    "consents": "consent_id",
                    "consent-requests": "request_id",
                }[path.split("/")[2]]
            )
            _assert_refused(response, expected)


def test_a_well_formed_id_nobody_has_answers_404_like_a_record_one_may_not_see(api):
    assert api.get("union", "/v1/performers/P" + "9" * 63).status_code == 404
    # an empty id names no route at all
    assert api.get("union", "/v1/performers/").status_code == 404


@pytest.mark.parametrize("bad", BAD_PATH_IDS.values(), ids=BAD_PATH_IDS.keys())
def test_a_write_to_a_malformed_id_is_refused_and_stores_nothing(api, bad):
    before = _ledger_size(api)
    revoke = api.post("union", f"/v1/consents/{bad}/revoke", {"on": "2024-09-01"})
    _assert_refused(revoke, "consent_id")
    grant = api.post("performer", f"/v1/consent-requests/{bad}/grant", {})
    _assert_refused(grant, "request_id")
    upload = api.client.put(
        f"/v1/replicas/{bad}/assets/scan.bin", content=b"x", headers=api.as_("producer")
    )
    _assert_refused(upload, "replica_id")
    assert _ledger_size(api) == before


def test_a_malformed_number_in_a_path_answers_422(api):
    for path in ("/v1/uses/0", "/v1/pay-lines/-1", f"/v1/uses/{2**64}"):
        response = api.get("union", path)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["errors"][0]["field"] in ("use_id", "line_id")


@pytest.mark.parametrize("bad", BAD_IDS.values(), ids=BAD_IDS.keys())
def test_a_replica_body_with_a_malformed_id_is_refused_and_stores_nothing(api, bad):
    before = _ledger_size(api)
    for field in ("id", "performer", "made_in"):
        body = {"id": "D9", "performer": "P1", "kind": "employment-based", "media": ["face"]}
        body[field] = bad
        _assert_refused(api.post("producer", "/v1/replicas", body), field)
    assert api.get("union", "/v1/replicas/D9").status_code == 404
    assert _ledger_size(api) == before


def test_a_strike_against_a_malformed_id_is_refused(api):
    before = _ledger_size(api)
    response = api.post("union", "/v1/strikes", {"against": ["S1\u202e"], "from": "2024-09-01"})
    assert response.status_code == 422
    first = response.json()["errors"][0]
    assert first == {"field": "against.0", "message": f"expected {ID_GRAMMAR}"}
    assert _ledger_size(api) == before


#: malformed idempotency keys as raw header bytes (a header carries no NUL)
BAD_KEYS = {
    "right-to-left override": "k\u202e".encode(),
    "zero-width space": "k\u200b".encode(),
    "129 characters": b"k" * 129,
    "a slash": b"S2/k",
    "empty": b"",
}


@pytest.mark.parametrize("bad", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_a_malformed_idempotency_key_is_refused_and_stores_nothing(api, bad):
    before = _ledger_size(api)
    response = api.post("producer", "/v1/uses", use_request(), {"Idempotency-Key": bad})
    _assert_refused(response, "Idempotency-Key", KEY_GRAMMAR)
    assert _ledger_size(api) == before


def test_a_key_of_128_id_characters_is_recorded(api):
    key = "k" * 120 + ".:_-0123"
    response = api.post("producer", "/v1/uses", use_request(), {"Idempotency-Key": key})
    assert response.status_code == 201, response.text


def test_a_correction_amount_out_of_bounds_is_refused(api):
    before = _ledger_size(api)
    for amount in ("1000000000.01", "1E+400", "-1", "1.001"):
        response = api.post(
            "union", "/v1/pay-lines/1/correct", {"reason": "wrong", "amount": amount}
        )
        assert response.status_code == 422, (amount, response.text)
        assert response.json()["errors"][0]["field"] == "amount"
    assert _ledger_size(api) == before
