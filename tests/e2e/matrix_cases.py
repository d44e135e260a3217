"""The cases of the SPEC §10 matrix (tests/e2e/test_api_matrix.py): what each role calls its
own record and another's in the demo installation, the bodies sent, and how each kind of route
answers (a read, a write, a create, a union report)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.e2e.api_world import Installation

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


def pick(table: dict[str, str], role: str, case: str, other: str, missing: str) -> str:
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


def read(found: Callable[[str, str], bool]) -> Callable[[str, str], int]:
    """A read: 200 where the role sees the record, else 404 (401 for anonymous)."""

    def expect(role: str, case: str) -> int:
        if role == "anonymous":
            return 401
        return 200 if case != "missing" and found(role, case) else 404

    return expect


def sees_personal(role: str, case: str) -> bool:
    return role == "union" or (
        case == "own" and role in ("performer", "representative", "producer")
    )


def sees_performer(role: str, case: str) -> bool:
    return role in ("union", "producer") or (case == "own" and role != "admin")


def public(role: str, case: str) -> int:
    return 200 if case != "missing" else 404


def performer_path(suffix: str) -> Callable[[str, str, Installation], tuple[str, str, Any]]:
    def call(role: str, case: str, _: Installation) -> tuple[str, str, Any]:
        who = pick(PERFORMER, role, case, OTHER_PERFORMER, "P99")
        return "GET", f"/v1/performers/{who}{suffix}", None

    return call


def use_id(inst: Installation, performer: str) -> int:
    from likeness.domain.principals import OPERATOR
    from likeness.services.use_queries import performer_uses

    with inst.container.uow(write=False) as uow:
        page = performer_uses(uow, OPERATOR, performer, limit=10, offset=0)
    use_id = page.items[0].use_id
    assert use_id is not None
    return use_id


def consent_action(action: str, body: dict) -> Route:
    def call(role: str, case: str, _: Installation) -> tuple[str, str, Any]:
        consent = pick(CONSENT, role, case, OTHER_CONSENT, "C99")
        return "POST", f"/v1/consents/{consent}/{action}", body

    def expect(role: str, case: str) -> int:
        if role == "anonymous":
            return 401
        if case == "missing" or not sees_personal(role, case):
            return 404
        if role == "producer" or (role == "union" and case == "other"):
            return 403  # sees the consent; a producer gives none, the union not for P9
        if action == "suspend":
            return 422  # authority holds, but these productions know no suspension (SPEC §7)
        return 200

    return Route(call, expect)


def decide(
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


def create(path: str, body: Callable[[str], dict]) -> Route:
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


def request_id(role: str, case: str) -> str:
    return pick(REQUEST, role, case, OTHER_REQUEST.get(role, "CR-LEO-TRAILER"), "CR-99")


def request_action(action: str, body: dict) -> Route:
    """Grant, refuse (whoever may consent today) or withdraw (the producer that asked)."""

    def call(role: str, case: str, _: Installation) -> tuple[str, str, Any]:
        return "POST", f"/v1/consent-requests/{request_id(role, case)}/{action}", body

    def expect(role: str, case: str) -> int:
        if role == "anonymous":
            return 401
        if case == "missing" or not sees_personal(role, case):
            return 404
        if action == "withdraw":
            return 200 if role == "producer" else 403
        if role == "producer" or (role == "union" and case == "other"):
            return 403  # sees the request; a producer gives no consent, the union not for P1
        return 200

    return Route(call, expect)


def ask(path: str, allowed: int) -> Route:
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


def line_id(role: str, case: str) -> int:
    if case == "missing":
        return 9999
    if case == "other":
        return OTHER_LINE.get(role, 5)
    return LINE.get(role, 5)


def write_on_line(role: str, case: str, writer: str) -> int:
    """A write on a pay line: 404 unless the line is visible, 403 unless the role writes."""
    if role == "anonymous":
        return 401
    if case == "missing" or not sees_personal(role, case):
        return 404
    return 200 if role == writer else 403


def union_report(path: str) -> Route:
    """A report over every producer: the union's (404 for anyone else)."""
    return Route(
        lambda r, c, i: ("GET", path, None),
        lambda r, c: {"anonymous": 401, "union": 200}.get(r, 404),
    )


def listed(path: str) -> Route:
    """A list of what the caller sees (possibly empty): 200 for every signed-in role."""
    return Route(lambda r, c, i: ("GET", path, None), lambda r, c: 401 if r == "anonymous" else 200)


#: the demo installation's findings (SPEC §13): 1 about P1, 2 about P3, 3 about P2
FINDING = {"performer": 1, "representative": 2, "union": 1}


def finding_id(role: str, case: str) -> int:
    if case == "missing":
        return 9999
    return 3 if case == "other" else FINDING.get(role, 1)


def sees_finding(role: str, case: str) -> bool:
    """A finding is shown to the performer (and representative) it is about and the union."""
    return role == "union" or (case == "own" and role in ("performer", "representative"))


def expect_output(role: str, case: str) -> int:
    """Registering an output of a use: the producer of the use's production only."""
    if role == "anonymous":
        return 401
    if case == "missing" or not sees_personal(role, case):
        return 404
    return 201 if role == "producer" else 403
