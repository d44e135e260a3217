"""Reading a scenario file (SPEC §9): consents, strikes, requests and expects, into domain values.

:func:`parse_scenario` reads a whole file (the world part through
:func:`~likeness.interchange.world.parse_world`); every malformed value raises
:class:`~likeness.errors.RecordInvalidError` naming its key path, e.g.
``requests[2] (Q3): date 'x' (expected a date as YYYY-MM-DD)``. The records themselves are
declared in :mod:`likeness.interchange.schemas`; the §9 output is :mod:`~.report`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from likeness.domain.consents import Consent
from likeness.domain.ids import ProducerId
from likeness.domain.requests import Request
from likeness.domain.strikes import ALL_PRODUCERS, Strike
from likeness.domain.world import World
from likeness.errors import InvalidInputError, RecordInvalidError
from likeness.interchange.production_details import DETAIL_SECTIONS
from likeness.interchange.records import build_checked, parse_record, section_of
from likeness.interchange.schemas import (
    ConsentRecord,
    RequestRecord,
    StrikeRecord,
    consent_from_record,
    request_from_record,
)
from likeness.interchange.world import WORLD_SECTIONS, parse_world

#: top-level keys a scenario file may have besides the world sections
SCENARIO_KEYS = frozenset(
    {
        "name",
        "description",
        "notes",
        "agreement",
        "consents",
        "strikes",
        "requests",
        *WORLD_SECTIONS,
        # what residual runs read (SPEC §6.1): an export carries them; decisions do not use them
        *DETAIL_SECTIONS,
    }
)


@dataclass(frozen=True, slots=True)
class ObligationExpect:
    """An obligation a request's expect lists: its kind and, where given, amount."""

    kind: str
    amount: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionExpect:
    """What a request's ``expect`` says the decision is."""

    decision: str | None = None
    reasons: tuple[str, ...] = ()
    consent: str | None = None
    obligations: tuple[ObligationExpect, ...] = ()


@dataclass(frozen=True, slots=True)
class ConsentExpect:
    """What a consent's ``expect`` says about its validity."""

    valid: bool | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario file: the world (with consents and strikes), requests and expects."""

    name: str
    world: World
    requests: tuple[Request, ...]
    consent_expects: Mapping[str, ConsentExpect] = field(default_factory=dict)
    request_expects: Mapping[str, DecisionExpect] = field(default_factory=dict)


def _label(section: str, position: int, raw: Any) -> str:
    ident = raw.get("id") if isinstance(raw, Mapping) else None
    return (
        f"{section}[{position}] ({ident})" if ident not in (None, "") else f"{section}[{position}]"
    )


def parse_consent(raw: Any, label: str, world: World) -> tuple[Consent, ConsentExpect | None]:
    """One consent of a file, its subject checked against ``world``."""
    rec = parse_record(ConsentRecord, raw, label)
    if rec.replica is not None and rec.replica not in world.replicas:
        raise RecordInvalidError(label, "replica", rec.replica, "the id of a replica")
    if rec.performer is not None and rec.performer not in world.performers:
        raise RecordInvalidError(label, "performer", rec.performer, "the id of a performer")
    if rec.replica is None and rec.performer is None:
        raise RecordInvalidError(label, "replica", None, "a replica or a performer id")
    consent: Consent = build_checked(label, lambda: consent_from_record(rec))
    expect = None
    if rec.expect is not None:
        expect = ConsentExpect(rec.expect.valid, tuple(rec.expect.problems))
    return consent, expect


def parse_request(raw: Any, label: str) -> tuple[Request, DecisionExpect | None]:
    """One request of a file (with its expect, if any)."""
    rec = parse_record(RequestRecord, raw, label)
    request: Request = build_checked(label, lambda: request_from_record(rec))
    expect = None
    if rec.expect is not None:
        e = rec.expect
        expect = DecisionExpect(
            e.decision,
            tuple(e.reasons),
            e.consent,
            tuple(ObligationExpect(o.kind.value, o.amount, o.currency) for o in e.obligations),
        )
    return request, expect


def parse_strike(raw: Any, label: str) -> Strike:
    """One strike of a file."""
    rec = parse_record(StrikeRecord, raw, label)
    against = None if rec.against == ALL_PRODUCERS else tuple(ProducerId(p) for p in rec.against)
    strike: Strike = build_checked(label, lambda: Strike(against, rec.start, rec.until))
    return strike


def parse_scenario(doc: Mapping[str, Any], *, source: str = "scenario") -> Scenario:
    """A whole scenario document as domain values.

    Raises :class:`RecordInvalidError` / :class:`InvalidInputError` naming the key path of the
    first malformed value, a duplicate id, or a consent naming an unknown replica or performer.
    Unknown ids in *requests* are not errors: the decision says ``unknown-replica`` etc.
    """
    unknown = sorted(set(doc) - SCENARIO_KEYS)
    if unknown:
        raise InvalidInputError(
            f"{source}: key {unknown[0]!r} (expected one of {', '.join(sorted(SCENARIO_KEYS))})"
        )
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RecordInvalidError(source, "name", name, "the scenario's name as text")
    world = parse_world(doc)
    consent_expects: dict[str, ConsentExpect] = {}
    for i, raw in enumerate(section_of(doc, "consents")):
        label = _label("consents", i, raw)
        consent, c_expect = parse_consent(raw, label, world)
        if consent.id in world.consents:
            raise RecordInvalidError(label, "id", consent.id, "an id not used before")
        world.consents[consent.id] = consent
        if c_expect is not None:
            consent_expects[consent.id] = c_expect
    for i, raw in enumerate(section_of(doc, "strikes")):
        world.strikes.append(parse_strike(raw, _label("strikes", i, raw)))
    requests: list[Request] = []
    request_expects: dict[str, DecisionExpect] = {}
    for i, raw in enumerate(section_of(doc, "requests")):
        label = _label("requests", i, raw)
        request, r_expect = parse_request(raw, label)
        if request.id in request_expects or any(r.id == request.id for r in requests):
            raise RecordInvalidError(label, "id", request.id, "an id not used before")
        requests.append(request)
        if r_expect is not None:
            request_expects[request.id] = r_expect
    return Scenario(name.strip(), world, tuple(requests), consent_expects, request_expects)


__all__ = [
    "ConsentExpect",
    "DecisionExpect",
    "ObligationExpect",
    "Scenario",
    "parse_consent",
    "parse_request",
    "parse_scenario",
    "parse_strike",
]
