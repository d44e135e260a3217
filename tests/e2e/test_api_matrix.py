"""The SPEC §10 authorization matrix, generated from the app's route table: every /v1 route, for
every role, on the role's own record, another party's record and a missing id.

Each route has an entry in :data:`MATRIX`; a route added to the app without one fails
:func:`test_every_route_has_a_matrix_entry`. Each case runs on a fresh copy of the demo
installation (tests/e2e/api_world.py), so a write in one case never changes another's answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute

from likeness.asgi import API_ROUTERS
from tests.e2e.api_world import ROLES, Installation, build_template, installation

CASES = ("own", "other", "missing")

# what each role calls "own" and "other" (SPEC §10 who sees what); the union sees both
PERFORMER = {"performer": "P1", "representative": "P3", "producer": "P1", "union": "P1"}
OTHER_PERFORMER = "P2"
REPLICA = {"performer": "D1", "representative": "D3", "producer": "D1", "union": "D1"}
OTHER_REPLICAS = {"producer": "D3"}  # D2 was made in S1's F1: Studio One sees it


def other_replica(role: str) -> str:
    return OTHER_REPLICAS.get(role, "D2")


CONSENT = {"performer": "C1", "representative": "C3", "producer": "C1", "union": "C4"}
OTHER_CONSENT = "C9"
PRODUCTION = {"producer": "F1", "union": "F1"}
PRODUCER = {"producer": "S1", "union": "S1"}
USE_OF = {"performer": "P1", "representative": "P3", "producer": "P1", "union": "P1"}


def _pick(table: dict[str, str], role: str, case: str, other: str, missing: str) -> str:
    if case == "missing":
        return missing
    if case == "other":
        return other
    return table.get(role, other)


def request_body(production: str = "F1", replica: str = "D1", producer: str = "S1") -> dict:
    return {
        "id": "QX",
        "kind": "use",
        "producer": producer,
        "production": production,
        "replica": replica,
        "use": "crowd-multiplication",
        "date": "2024-08-01",
        "days": 1,
    }


def consent_body(role: str, case: str) -> dict:
    subject = {"performer": ("D1", "P1", "F1"), "representative": ("D3", "E3", "F4")}
    subject |= {"union": ("D4", "union", "F4")}
    replica, given_by, production = subject.get(role, ("D1", "P1", "F1"))
    if case == "other":
        replica = "D1" if role == "union" else "D2"  # the union: a living performer's
    if case == "missing":
        replica = "D99"
    return {
        "id": "CX",
        "replica": replica,
        "given_by": given_by,
        "signed_on": "2026-11-01",
        "separately_signed": True,
        "productions": [production],
        "uses": ["new-performance"],
        "description": "A thirty second scene in which the character reads a letter aloud",
        "valid_from": "2026-12-01",
        "valid_until": "2027-06-30",
        "compensation": {"amount": "900.00", "per": "use"},
    }


def expect_give(role: str, case: str) -> int:
    """Giving a consent: the subject must be visible (else 404), the giver have authority."""
    if role == "anonymous":
        return 401
    if role == "producer":
        return 403  # the consent names its production F1, so it sees it; it gives none
    if role == "admin" or (case != "own" and role != "union"):
        return 404
    if role == "union":
        return 201 if case == "own" else (403 if case == "other" else 404)
    return 201


@dataclass(frozen=True)
class Route:
    """How to call a route for a role and case, and what SPEC §10 answers."""

    call: Callable[[str, str, Installation], tuple[str, str, Any]]
    expect: Callable[[str, str], int]


def _read(found: Callable[[str, str], bool]) -> Callable[[str, str], int]:
    """A read: 200 where the role sees the record, else 404 (401 for anonymous)."""

    def expect(role: str, case: str) -> int:
        if role == "anonymous":
            return 401
        return 200 if case != "missing" and found(role, case) else 404

    return expect


def _sees_personal(role: str, case: str) -> bool:
    return role == "union" or (
        case == "own" and role in ("performer", "representative", "producer")
    )


def _sees_performer(role: str, case: str) -> bool:
    return role in ("union", "producer") or (case == "own" and role != "admin")


def _public(role: str, case: str) -> int:
    return 200 if case != "missing" else 404


def _performer_path(suffix: str) -> Callable[[str, str, Installation], tuple[str, str, Any]]:
    def call(role: str, case: str, _: Installation) -> tuple[str, str, Any]:
        who = _pick(PERFORMER, role, case, OTHER_PERFORMER, "P99")
        return "GET", f"/v1/performers/{who}{suffix}", None

    return call


def _use_id(inst: Installation, performer: str) -> int:
    from likeness.domain.principals import OPERATOR
    from likeness.services.use_queries import performer_uses

    with inst.container.uow(write=False) as uow:
        page = performer_uses(uow, OPERATOR, performer, limit=10, offset=0)
    use_id = page.items[0].use_id
    assert use_id is not None
    return use_id


def _consent_action(action: str, body: dict) -> Route:
    def call(role: str, case: str, _: Installation) -> tuple[str, str, Any]:
        consent = _pick(CONSENT, role, case, OTHER_CONSENT, "C99")
        return "POST", f"/v1/consents/{consent}/{action}", body

    def expect(role: str, case: str) -> int:
        if role == "anonymous":
            return 401
        if case == "missing" or not _sees_personal(role, case):
            return 404
        if role == "producer" or (role == "union" and case == "other"):
            return 403  # sees the consent; a producer gives none, the union not for P9
        if action == "suspend":
            return 422  # authority holds, but these productions know no suspension (SPEC §7)
        return 200

    return Route(call, expect)


def _decide(
    path: str, body: Callable[[dict], Any], allowed: int, headers: dict[str, str] | None = None
) -> Route:
    def call(role: str, case: str, _: Installation) -> tuple[str, str, Any]:
        production = {"own": "F1", "other": "F4", "missing": "F99"}[case]
        producer = {"own": "S1", "other": "S2", "missing": "S1"}[case]
        return "POST", path, (body(request_body(production, "D1", producer)), headers or {})

    def expect(role: str, case: str) -> int:
        if role == "anonymous":
            return 401
        if role == "producer":
            return allowed if case == "own" else 404
        if role in ("union", "performer"):
            # the union sees every request, a performer one about their replica (D1): both
            # see it, and neither asks (producers do)
            return 403
        return 404

    return Route(call, expect)


def _create(path: str, body: Callable[[str], dict]) -> Route:
    """A create: only producers register; another's or a missing reference is bad input."""

    def call(role: str, case: str, _: Installation) -> tuple[str, str, Any]:
        return "POST", path, body(case)

    def expect(role: str, case: str) -> int:
        if role == "anonymous":
            return 401
        if role != "producer":
            return 403
        return 201 if case == "own" else 422

    return Route(call, expect)


REQUEST = {
    "performer": "CR-DANA-SEQUEL",
    "representative": "CR-RUTH-TRAILER",
    "producer": "CR-DANA-SEQUEL",
    "union": "CR-LEO-TRAILER",  # Leo Marsh died without an estate: the union answers
}
OTHER_REQUEST = {"representative": "CR-DANA-SEQUEL", "union": "CR-DANA-SEQUEL"}


def _request_id(role: str, case: str) -> str:
    return _pick(REQUEST, role, case, OTHER_REQUEST.get(role, "CR-LEO-TRAILER"), "CR-99")


def _request_action(action: str, body: dict) -> Route:
    """Grant, refuse (whoever may consent today) or withdraw (the producer that asked)."""

    def call(role: str, case: str, _: Installation) -> tuple[str, str, Any]:
        return "POST", f"/v1/consent-requests/{_request_id(role, case)}/{action}", body

    def expect(role: str, case: str) -> int:
        if role == "anonymous":
            return 401
        if case == "missing" or not _sees_personal(role, case):
            return 404
        if action == "withdraw":
            return 200 if role == "producer" else 403
        if role == "producer" or (role == "union" and case == "other"):
            return 403  # sees the request; a producer gives no consent, the union not for P1
        return 200

    return Route(call, expect)


def _ask(path: str, allowed: int) -> Route:
    """Asking for consent (or previewing): producers, for their own productions."""

    def call(role: str, case: str, _: Installation) -> tuple[str, str, Any]:
        production = {"own": "F2", "other": "F4", "missing": "F99"}[case]
        return (
            "POST",
            path,
            {
                "replica": "D1",
                "productions": [production],
                "uses": ["crowd-multiplication"],
                "description": "Crowd duplication in the harbour festival scenes as a spectator",
                "valid_until": "2027-12-31",
                "compensation": {"amount": "250.00", "per": "day"},
            },
        )

    def expect(role: str, case: str) -> int:
        if role == "anonymous":
            return 401
        if role != "producer":
            return 403
        return allowed if case == "own" else 404

    return Route(call, expect)


# the demo's pay lines: 1-2 are P1's (S1, F1), 3-4 P3's (S2, F4), 5-6 P4's (S2, F4)
LINE = {"performer": 1, "representative": 3, "producer": 1, "union": 1}
OTHER_LINE = {"producer": 3}


def _line_id(role: str, case: str) -> int:
    if case == "missing":
        return 9999
    if case == "other":
        return OTHER_LINE.get(role, 5)
    return LINE.get(role, 5)


def _write_on_line(role: str, case: str, writer: str) -> int:
    """A write on a pay line: 404 unless the line is visible, 403 unless the role writes."""
    if role == "anonymous":
        return 401
    if case == "missing" or not _sees_personal(role, case):
        return 404
    return 200 if role == writer else 403


def _union_report(path: str) -> Route:
    """A report over every producer: the union's (404 for anyone else)."""
    return Route(
        lambda r, c, i: ("GET", path, None),
        lambda r, c: {"anonymous": 401, "union": 200}.get(r, 404),
    )


def _listed(path: str) -> Route:
    """A list of what the caller sees (possibly empty): 200 for every signed-in role."""
    return Route(lambda r, c, i: ("GET", path, None), lambda r, c: 401 if r == "anonymous" else 200)


MATRIX: dict[tuple[str, str], Route] = {
    ("GET", "/v1/health"): Route(lambda r, c, i: ("GET", "/v1/health", None), lambda r, c: 200),
    ("GET", "/v1/performers/{performer_id}"): Route(_performer_path(""), _read(_sees_performer)),
    ("GET", "/v1/producers/{producer_id}"): Route(
        lambda r, c, i: ("GET", f"/v1/producers/{_pick(PRODUCER, r, c, 'S2', 'S99')}", None),
        _read(lambda r, c: r == "union" or (r == "producer" and c == "own")),
    ),
    ("GET", "/v1/productions/{production_id}"): Route(
        lambda r, c, i: ("GET", f"/v1/productions/{_pick(PRODUCTION, r, c, 'F4', 'F99')}", None),
        _read(lambda r, c: r == "union" or (r == "producer" and c == "own")),
    ),
    ("GET", "/v1/replicas/{replica_id}"): Route(
        lambda r, c, i: (
            "GET",
            f"/v1/replicas/{_pick(REPLICA, r, c, other_replica(r), 'D99')}",
            None,
        ),
        _read(_sees_personal),
    ),
    ("POST", "/v1/productions"): _create(
        "/v1/productions",
        lambda c: {
            "id": "F50",
            "title": "Dock Street",
            "producer": {"own": "S1", "other": "S2", "missing": "S99"}[c],
            "kind": "theatrical",
        },
    ),
    ("POST", "/v1/replicas"): _create(
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
            f"/v1/replicas/{_pick(REPLICA, r, c, other_replica(r), 'D99')}/assets/scan.bin",
            b"scan bytes",
        ),
        lambda r, c: (
            401
            if r == "anonymous"
            else (
                404
                if c == "missing" or not _sees_personal(r, c)
                else (201 if r == "producer" else 403)
            )
        ),
    ),
    ("GET", "/v1/consents/{consent_id}"): Route(
        lambda r, c, i: ("GET", f"/v1/consents/{_pick(CONSENT, r, c, OTHER_CONSENT, 'C99')}", None),
        _read(_sees_personal),
    ),
    ("GET", "/v1/performers/{performer_id}/consents"): Route(
        _performer_path("/consents"), _read(_sees_performer)
    ),
    ("POST", "/v1/consents"): Route(
        lambda r, c, i: ("POST", "/v1/consents", consent_body(r, c)),
        expect_give,
    ),
    ("POST", "/v1/consents/{consent_id}/revoke"): _consent_action("revoke", {"on": "2026-11-30"}),
    ("POST", "/v1/consents/{consent_id}/suspend"): _consent_action("suspend", {"on": "2026-11-30"}),
    ("POST", "/v1/consent-requests"): _ask("/v1/consent-requests", 201),
    ("POST", "/v1/consent-requests/preview"): _ask("/v1/consent-requests/preview", 200),
    ("GET", "/v1/consent-requests"): _listed("/v1/consent-requests"),
    ("GET", "/v1/consent-requests/{request_id}"): Route(
        lambda r, c, i: ("GET", f"/v1/consent-requests/{_request_id(r, c)}", None),
        _read(_sees_personal),
    ),
    ("POST", "/v1/consent-requests/{request_id}/grant"): _request_action("grant", {}),
    ("POST", "/v1/consent-requests/{request_id}/refuse"): _request_action(
        "refuse", {"reason": "Not for this production"}
    ),
    ("POST", "/v1/consent-requests/{request_id}/withdraw"): _request_action("withdraw", {}),
    ("GET", "/v1/notices"): _listed("/v1/notices"),
    ("POST", "/v1/decisions"): _decide("/v1/decisions", lambda b: b, 200),
    ("POST", "/v1/decisions/batch"): _decide(
        "/v1/decisions/batch", lambda b: {"requests": [b, {**b, "id": "QY"}]}, 200
    ),
    ("POST", "/v1/uses"): _decide("/v1/uses", lambda b: b, 201, {"Idempotency-Key": "k-1"}),
    ("GET", "/v1/uses/{use_id}"): Route(
        lambda r, c, i: (
            "GET",
            "/v1/uses/"
            + str(9999 if c == "missing" else _use_id(i, _pick(USE_OF, r, c, "P4", "P99"))),
            None,
        ),
        _read(_sees_personal),
    ),
    ("GET", "/v1/performers/{performer_id}/uses"): Route(
        _performer_path("/uses"), _read(_sees_performer)
    ),
    ("GET", "/v1/performers/{performer_id}/pay-lines"): Route(
        _performer_path("/pay-lines"), _read(_sees_performer)
    ),
    ("GET", "/v1/performers/{performer_id}/statement"): Route(
        _performer_path("/statement?from=2024-01-01&until=2026-12-31"),
        _read(lambda r, c: r == "union" or (c == "own" and r in ("performer", "representative"))),
    ),
    ("GET", "/v1/pay-lines/{line_id}"): Route(
        lambda r, c, i: ("GET", f"/v1/pay-lines/{_line_id(r, c)}", None),
        _read(_sees_personal),
    ),
    ("POST", "/v1/pay-lines/{line_id}/paid"): Route(
        lambda r, c, i: (
            "POST",
            f"/v1/pay-lines/{_line_id(r, c)}/paid",
            {"reference": "ACH 0042", "paid_on": "2026-11-30"},
        ),
        lambda r, c: _write_on_line(r, c, "producer"),
    ),
    ("POST", "/v1/pay-lines/{line_id}/correct"): Route(
        lambda r, c, i: (
            "POST",
            f"/v1/pay-lines/{_line_id(r, c)}/correct",
            {"reason": "entered twice"},
        ),
        lambda r, c: _write_on_line(r, c, "union"),
    ),
    ("GET", "/v1/reports/dues"): _union_report("/v1/reports/dues"),
    ("GET", "/v1/reports/unpaid"): _union_report("/v1/reports/unpaid?days=30"),
    ("GET", "/v1/reports/funds"): _union_report("/v1/reports/funds"),
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
        _public,
    ),
    ("GET", "/v1/ledger/proofs/consistency"): Route(
        lambda r, c, i: (
            "GET",
            f"/v1/ledger/proofs/consistency?from=3&to={9999 if c == 'missing' else 10}",
            None,
        ),
        _public,
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
