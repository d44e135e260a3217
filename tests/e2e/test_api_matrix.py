"""The SPEC §10 authorization matrix, generated from the app's route table: every /v1 route, for
every role, on the role's own record, another party's record and a missing id.

Each route has an entry in :data:`MATRIX`; a route added to the app without one fails
:func:`test_every_route_has_a_matrix_entry`. Each case runs on a fresh copy of the demo
installation (tests/e2e/api_world.py), so a write in one case never changes another's answer.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from likeness.asgi import API_ROUTERS
from tests.e2e.api_world import ROLES, build_template, installation
from tests.e2e.matrix_cases import (
    CASES,
    CONSENT,
    OTHER_CONSENT,
    PRODUCER,
    PRODUCTION,
    REPLICA,
    USE_OF,
    Route,
    ask,
    consent_action,
    consent_body,
    create,
    decide,
    expect_give,
    expect_output,
    finding_id,
    line_id,
    listed,
    other_replica,
    performer_path,
    pick,
    public,
    read,
    request_action,
    request_id,
    sees_finding,
    sees_performer,
    sees_personal,
    union_report,
    use_id,
    write_on_line,
)

MATRIX: dict[tuple[str, str], Route] = {
    ("GET", "/v1/health"): Route(lambda r, c, i: ("GET", "/v1/health", None), lambda r, c: 200),
    ("GET", "/v1/performers/{performer_id}"): Route(performer_path(""), read(sees_performer)),
    ("GET", "/v1/producers/{producer_id}"): Route(
        lambda r, c, i: ("GET", f"/v1/producers/{pick(PRODUCER, r, c, 'S2', 'S99')}", None),
        read(lambda r, c: r == "union" or (r == "producer" and c == "own")),
    ),
    ("GET", "/v1/productions/{production_id}"): Route(
        lambda r, c, i: ("GET", f"/v1/productions/{pick(PRODUCTION, r, c, 'F4', 'F99')}", None),
        read(lambda r, c: r == "union" or (r == "producer" and c == "own")),
    ),
    ("GET", "/v1/replicas/{replica_id}"): Route(
        lambda r, c, i: (
            "GET",
            f"/v1/replicas/{pick(REPLICA, r, c, other_replica(r), 'D99')}",
            None,
        ),
        read(sees_personal),
    ),
    ("POST", "/v1/productions"): create(
        "/v1/productions",
        lambda c: {
            "id": "F50",
            "title": "Dock Street",
            "producer": {"own": "S1", "other": "S2", "missing": "S99"}[c],
            "kind": "theatrical",
        },
    ),
    ("POST", "/v1/replicas"): create(
        "/v1/replicas",
        lambda c: {
            "id": "D50",
            "performer": "P2",
            "kind": "employment-based",
            "media": ["face"],
            "made_in": {"own": "F1", "other": "F4", "missing": "F99"}[c],
            "made_on": "2026-11-01",
        },
    ),
    ("PUT", "/v1/replicas/{replica_id}/assets/{name}"): Route(
        lambda r, c, i: (
            "PUT",
            f"/v1/replicas/{pick(REPLICA, r, c, other_replica(r), 'D99')}/assets/scan.bin",
            b"scan bytes",
        ),
        lambda r, c: (
            401
            if r == "anonymous"
            else (
                404
                if c == "missing" or not sees_personal(r, c)
                else (201 if r == "producer" else 403)
            )
        ),
    ),
    ("GET", "/v1/consents/{consent_id}"): Route(
        lambda r, c, i: ("GET", f"/v1/consents/{pick(CONSENT, r, c, OTHER_CONSENT, 'C99')}", None),
        read(sees_personal),
    ),
    ("GET", "/v1/performers/{performer_id}/consents"): Route(
        performer_path("/consents"), read(sees_performer)
    ),
    ("POST", "/v1/consents"): Route(
        lambda r, c, i: ("POST", "/v1/consents", consent_body(r, c)),
        expect_give,
    ),
    ("POST", "/v1/consents/{consent_id}/revoke"): consent_action("revoke", {"on": "2026-11-30"}),
    ("POST", "/v1/consents/{consent_id}/suspend"): consent_action("suspend", {"on": "2026-11-30"}),
    ("POST", "/v1/consent-requests"): ask("/v1/consent-requests", 201),
    ("POST", "/v1/consent-requests/preview"): ask("/v1/consent-requests/preview", 200),
    ("GET", "/v1/consent-requests"): listed("/v1/consent-requests"),
    ("GET", "/v1/consent-requests/{request_id}"): Route(
        lambda r, c, i: ("GET", f"/v1/consent-requests/{request_id(r, c)}", None),
        read(sees_personal),
    ),
    ("POST", "/v1/consent-requests/{request_id}/grant"): request_action("grant", {}),
    ("POST", "/v1/consent-requests/{request_id}/refuse"): request_action(
        "refuse", {"reason": "Not for this production"}
    ),
    ("POST", "/v1/consent-requests/{request_id}/withdraw"): request_action("withdraw", {}),
    ("GET", "/v1/notices"): listed("/v1/notices"),
    ("GET", "/v1/findings"): listed("/v1/findings"),
    ("GET", "/v1/findings/{finding_id}"): Route(
        lambda r, c, i: ("GET", f"/v1/findings/{finding_id(r, c)}", None), read(sees_finding)
    ),
    ("POST", "/v1/uses/{use_id}/outputs"): Route(
        lambda r, c, i: (
            "POST",
            "/v1/uses/"
            + str(9999 if c == "missing" else use_id(i, pick(USE_OF, r, c, "P4", "P99")))
            + "/outputs",
            {"sha256": "0" * 64},
        ),
        expect_output,
    ),
    ("POST", "/v1/decisions"): decide("/v1/decisions", lambda b: b, 200),
    ("POST", "/v1/decisions/batch"): decide(
        "/v1/decisions/batch", lambda b: {"requests": [b, {**b, "id": "QY"}]}, 200
    ),
    ("POST", "/v1/uses"): decide("/v1/uses", lambda b: b, 201, {"Idempotency-Key": "k-1"}),
    ("GET", "/v1/uses/{use_id}"): Route(
        lambda r, c, i: (
            "GET",
            "/v1/uses/"
            + str(9999 if c == "missing" else use_id(i, pick(USE_OF, r, c, "P4", "P99"))),
            None,
        ),
        read(sees_personal),
    ),
    ("GET", "/v1/performers/{performer_id}/uses"): Route(
        performer_path("/uses"), read(sees_performer)
    ),
    ("GET", "/v1/performers/{performer_id}/pay-lines"): Route(
        performer_path("/pay-lines"), read(sees_performer)
    ),
    ("GET", "/v1/performers/{performer_id}/statement"): Route(
        performer_path("/statement?from=2024-01-01&until=2026-12-31"),
        read(lambda r, c: r == "union" or (c == "own" and r in ("performer", "representative"))),
    ),
    ("GET", "/v1/pay-lines/{line_id}"): Route(
        lambda r, c, i: ("GET", f"/v1/pay-lines/{line_id(r, c)}", None),
        read(sees_personal),
    ),
    ("POST", "/v1/pay-lines/{line_id}/paid"): Route(
        lambda r, c, i: (
            "POST",
            f"/v1/pay-lines/{line_id(r, c)}/paid",
            {"reference": "ACH 0042", "paid_on": "2026-11-30"},
        ),
        lambda r, c: write_on_line(r, c, "producer"),
    ),
    ("POST", "/v1/pay-lines/{line_id}/correct"): Route(
        lambda r, c, i: (
            "POST",
            f"/v1/pay-lines/{line_id(r, c)}/correct",
            {"reason": "entered twice"},
        ),
        lambda r, c: write_on_line(r, c, "union"),
    ),
    ("GET", "/v1/reports/dues"): union_report("/v1/reports/dues"),
    ("GET", "/v1/reports/unpaid"): union_report("/v1/reports/unpaid?days=30"),
    ("GET", "/v1/reports/funds"): union_report("/v1/reports/funds"),
    ("POST", "/v1/strikes"): Route(
        lambda r, c, i: ("POST", "/v1/strikes", {"against": ["S1"], "from": "2027-01-01"}),
        lambda r, c: {"anonymous": 401, "union": 201}.get(r, 403),
    ),
    ("POST", "/v1/strikes/{strike_id}/end"): Route(
        lambda r, c, i: (
            "POST",
            f"/v1/strikes/{ {'own': 2, 'other': 2, 'missing': 99}[c] }/end",
            {"on": "2027-06-01"},
        ),
        lambda r, c: 401 if r == "anonymous" else (200 if r == "union" and c != "missing" else 404),
    ),
    ("GET", "/v1/ledger/checkpoint"): Route(
        lambda r, c, i: ("GET", "/v1/ledger/checkpoint", None), lambda r, c: 200
    ),
    ("GET", "/v1/ledger/proofs/inclusion"): Route(
        lambda r, c, i: (
            "GET",
            f"/v1/ledger/proofs/inclusion?index=3&size={9999 if c == 'missing' else 10}",
            None,
        ),
        public,
    ),
    ("GET", "/v1/ledger/proofs/consistency"): Route(
        lambda r, c, i: (
            "GET",
            f"/v1/ledger/proofs/consistency?from=3&to={9999 if c == 'missing' else 10}",
            None,
        ),
        public,
    ),
    ("GET", "/v1/ledger/entries"): Route(
        lambda r, c, i: ("GET", "/v1/ledger/entries?start=0&end=100", None),
        lambda r, c: 401 if r == "anonymous" else 200,
    ),
}


def _api_routes() -> set[tuple[str, str]]:
    found = set()
    for router in API_ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute) and route.include_in_schema:
                found.update((m, route.path) for m in route.methods)
    return found


def test_every_route_has_a_matrix_entry():
    assert _api_routes() == set(MATRIX)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    home = tmp_path_factory.mktemp("template") / "home"
    return home, build_template(home)


@pytest.mark.parametrize(
    ("route", "role", "case"),
    list(itertools.product(MATRIX, ROLES, CASES)),
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else str(v),
)
def test_the_spec_10_answer(route, role, case, template, tmp_path):
    inst = installation(*template, tmp_path / "home")
    spec = MATRIX[route]
    method, path, body = spec.call(role, case, inst)
    headers = inst.headers(role)
    if isinstance(body, tuple):
        body, extra = body
        headers |= extra
    if isinstance(body, bytes):
        response = inst.client.request(method, path, content=body, headers=headers)
    else:
        response = inst.client.request(method, path, json=body, headers=headers)
    expected = spec.expect(role, case)
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == expected
        assert {"type", "title", "status", "detail"} <= set(problem)
