"""Scenario files (SPEC §9): consents, strikes, requests and expects; the §9 JSON report.

:func:`parse_scenario` reads a whole file into domain values (the world part through
:func:`~likeness.interchange.world.parse_world`); every malformed value raises
:class:`~likeness.errors.RecordInvalidError` naming its key path, e.g.
``requests[2] (Q3): date 'x' (expected a date as YYYY-MM-DD)``.

:func:`scenario_report` gives exactly the §9 output shape and :func:`missed_expects` lists each
``expect`` that does not hold. Deciding is not done here (interchange does not import the
policy engine): ``services.scenarios.run_scenario`` puts the two together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, field_validator

from likeness.compensation.rounding import format_money
from likeness.domain.consents import Compensation, Consent, PayPer, UseKind
from likeness.domain.decisions import Decision, ObligationKind
from likeness.domain.ids import (
    ConsentId,
    PerformerId,
    ProducerId,
    ProductionId,
    ReplicaId,
    RequestId,
)
from likeness.domain.requests import DEFAULT_USE, Request, RequestKind
from likeness.domain.strikes import Strike
from likeness.domain.world import World
from likeness.errors import InvalidInputError, RecordInvalidError
from likeness.interchange.records import Record, build_checked, parse_record, section_of
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
    }
)


def _utc_naive(value: Any) -> Any:
    """Datetimes compare as UTC without a zone; a bare date means its midnight."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return value


def _stated(value: Any) -> Any:
    """``business_reason: true`` states a reason without words; ``false`` states none."""
    if value is True:
        return "stated"
    if value is False:
        return None
    return value


#: a use code of SPEC §3, or ``*`` (a blanket grant, recorded and found invalid)
UseCode = Literal[
    "create",
    "as-scripted",
    "new-performance",
    "crowd-multiplication",
    "stunt",
    "dubbing",
    "promotion",
    "training",
    "alteration",
    "nudity",
    "sexual-content",
    "*",
]


class CompensationRecord(Record):
    amount: Decimal = Field(ge=0)
    per: PayPer
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


class ConsentExpectRecord(Record):
    valid: bool | None = None
    problems: list[str] = Field(default_factory=list)


class ConsentRecord(Record):
    id: str = Field(min_length=1)
    replica: str | None = None
    performer: str | None = None
    given_by: str = Field(min_length=1)
    signed_on: dt.date
    separately_signed: bool = False
    productions: list[str] = Field(default_factory=list)
    uses: list[UseCode] = Field(default_factory=list)
    description: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    compensation: CompensationRecord | None = None
    lifetime_only: bool = False
    revoked_on: dt.date | None = None
    suspended_on: dt.date | None = None
    expect: ConsentExpectRecord | None = None

    @field_validator("productions", "uses", mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        """``uses: dubbing`` is a list of one; ``uses: null`` names none (a blanket grant)."""
        if value is None:
            return []
        return [value] if isinstance(value, str) else value


class StrikeRecord(Record):
    against: list[str] | Literal["all"]
    start: dt.date = Field(alias="from")
    until: dt.date | None = None


class ObligationExpectRecord(Record):
    kind: ObligationKind
    amount: Decimal | None = None
    currency: str | None = None


class DecisionExpectRecord(Record):
    decision: Literal["allow", "deny"] | None = None
    reasons: list[str] = Field(default_factory=list)
    consent: str | None = None
    obligations: list[ObligationExpectRecord] = Field(default_factory=list)


class RequestRecord(Record):
    id: str = Field(min_length=1)
    kind: RequestKind
    producer: str = Field(min_length=1)
    production: str = Field(min_length=1)
    replica: str | None = None
    performer: str | None = None
    use: UseKind | None = None
    description: str | None = None
    date: dt.date
    days: int = Field(default=1, ge=1)
    purpose: str | None = None
    substantially_as_scripted: bool = False
    session_at: dt.datetime | None = None
    notice_at: dt.datetime | None = None
    engaged_at: dt.datetime | None = None
    business_reason: str | None = None
    counts_toward_background: bool = False
    resembles: str | None = None
    recognizable_features: list[str] = Field(default_factory=list)
    prompted_with_name: bool = False
    human_role: bool = False
    justification: str | None = None
    real_time_generation: bool = False
    expect: DecisionExpectRecord | None = None

    @field_validator("session_at", "notice_at", "engaged_at", mode="before")
    @classmethod
    def _dates_as_midnight(cls, value: Any) -> Any:
        return _utc_naive(value)

    @field_validator("session_at", "notice_at", "engaged_at", mode="after")
    @classmethod
    def _times_in_utc(cls, value: Any) -> Any:
        return _utc_naive(value)

    @field_validator("recognizable_features", mode="before")
    @classmethod
    def _features(cls, value: Any) -> Any:
        if value is None:
            return []
        return [value] if isinstance(value, str) else value

    @field_validator("business_reason", "justification", mode="before")
    @classmethod
    def _statement(cls, value: Any) -> Any:
        return _stated(value)


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


@dataclass(frozen=True, slots=True)
class ConsentOutcome:
    """A consent's validity as the runner found it."""

    id: str
    problems: tuple[str, ...]

    @property
    def valid(self) -> bool:
        """Valid when no SPEC §5 problem was found."""
        return not self.problems


def _label(section: str, position: int, raw: Any) -> str:
    ident = raw.get("id") if isinstance(raw, Mapping) else None
    return (
        f"{section}[{position}] ({ident})" if ident not in (None, "") else f"{section}[{position}]"
    )


def consent_from_record(rec: ConsentRecord) -> Consent:
    """The domain consent of a parsed record (raises ValueError on a structural problem)."""
    comp = rec.compensation
    return Consent(
        id=ConsentId(rec.id),
        given_by=rec.given_by,
        signed_on=rec.signed_on,
        separately_signed=rec.separately_signed,
        productions=tuple(rec.productions),
        uses=tuple(str(u) for u in rec.uses),
        description=rec.description,
        replica=ReplicaId(rec.replica) if rec.replica else None,
        performer=PerformerId(rec.performer) if rec.performer else None,
        valid_from=rec.valid_from,
        valid_until=rec.valid_until,
        compensation=None if comp is None else Compensation(comp.amount, comp.per, comp.currency),
        lifetime_only=rec.lifetime_only,
        revoked_on=rec.revoked_on,
        suspended_on=rec.suspended_on,
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


def request_from_record(rec: RequestRecord) -> Request:
    """The domain request of a parsed record (raises ValueError on a structural problem)."""
    kind = rec.kind
    use = rec.use or DEFAULT_USE.get(kind)
    if use is None:
        raise ValueError("use missing (expected a use of SPEC §3 for a use request)")
    return Request(
        id=RequestId(rec.id),
        kind=kind,
        producer=ProducerId(rec.producer),
        production=ProductionId(rec.production),
        use=use,
        date=rec.date,
        replica=ReplicaId(rec.replica) if rec.replica else None,
        performer=PerformerId(rec.performer) if rec.performer else None,
        description=rec.description,
        days=rec.days,
        purpose=rec.purpose,
        substantially_as_scripted=rec.substantially_as_scripted,
        session_at=rec.session_at,
        notice_at=rec.notice_at,
        engaged_at=rec.engaged_at,
        business_reason=rec.business_reason,
        counts_toward_background=rec.counts_toward_background,
        resembles=PerformerId(rec.resembles) if rec.resembles else None,
        recognizable_features=tuple(rec.recognizable_features),
        prompted_with_name=rec.prompted_with_name,
        human_role=rec.human_role,
        justification=rec.justification,
        real_time_generation=rec.real_time_generation,
    )


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
    against = None if rec.against == "all" else tuple(ProducerId(p) for p in rec.against)
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


# --- output -------------------------------------------------------------------------------


def consent_to_document(consent: Consent, problems: Sequence[str] | None = None) -> dict[str, Any]:
    """A consent in the file format (the inverse of :func:`parse_consent`), with ``problems``
    added when given (for listing)."""
    comp = consent.compensation
    doc: dict[str, Any] = {"id": consent.id}
    if consent.replica is not None:
        doc["replica"] = consent.replica
    else:
        doc["performer"] = consent.performer
    doc.update(
        {
            "given_by": consent.given_by,
            "signed_on": consent.signed_on,
            "separately_signed": consent.separately_signed,
            "productions": list(consent.productions),
            "uses": list(consent.uses),
            "description": consent.description,
            "valid_from": consent.valid_from,
            "valid_until": consent.valid_until,
            "compensation": None
            if comp is None
            else {"amount": comp.amount, "per": comp.per.value, "currency": comp.currency},
            "lifetime_only": consent.lifetime_only,
            "revoked_on": consent.revoked_on,
        }
    )
    if consent.suspended_on is not None:
        # written only when set, so files from before suspensions existed round-trip unchanged
        doc["suspended_on"] = consent.suspended_on
    if problems is not None:
        doc["valid"] = not problems
        doc["problems"] = list(problems)
    return doc


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else format_money(amount)


def decision_json(decision: Decision) -> dict[str, Any]:
    """One decision in the §9 shape: request, decision, reasons, consent, obligations."""
    return {
        "request": decision.request,
        "decision": decision.outcome,
        "reasons": list(decision.reasons),
        "consent": decision.consent,
        "obligations": [
            {
                "kind": str(o.kind),
                "amount": _money(o.amount),
                "currency": o.currency,
                "basis": o.basis,
            }
            for o in decision.obligations
        ],
    }


def scenario_report(
    scenario: Scenario, consents: Sequence[ConsentOutcome], decisions: Sequence[Decision]
) -> dict[str, Any]:
    """Exactly the §9 ``--json`` output of a run."""
    return {
        "scenario": scenario.name,
        "consents": [
            {"id": c.id, "valid": c.valid, "problems": list(c.problems)} for c in consents
        ],
        "decisions": [decision_json(d) for d in decisions],
    }


def _decision_misses(expect: DecisionExpect, decision: Decision) -> list[str]:
    rid = decision.request
    misses: list[str] = []
    if expect.decision is not None and expect.decision != decision.outcome:
        misses.append(
            f"request {rid}: decision {decision.outcome} (expected {expect.decision};"
            f" reasons {', '.join(decision.reasons)})"
        )
    missing = [r for r in expect.reasons if r not in decision.reasons]
    if missing:
        misses.append(
            f"request {rid}: reasons {list(decision.reasons)} lack {missing} (expected among them)"
        )
    if expect.consent is not None and expect.consent != decision.consent:
        misses.append(f"request {rid}: consent {decision.consent} (expected {expect.consent})")
    for want in expect.obligations:
        found = [o for o in decision.obligations if o.kind == want.kind]
        if not found:
            misses.append(f"request {rid}: no {want.kind} obligation (expected one)")
        elif want.amount is not None and all(o.amount != want.amount for o in found):
            got = ", ".join(str(_money(o.amount)) for o in found)
            misses.append(
                f"request {rid}: {want.kind} {got} (expected {format_money(want.amount)})"
            )
        elif want.currency is not None and all(o.currency != want.currency for o in found):
            got = ", ".join(str(o.currency) for o in found)
            misses.append(f"request {rid}: {want.kind} in {got} (expected {want.currency})")
    return misses


def missed_expects(
    scenario: Scenario, consents: Sequence[ConsentOutcome], decisions: Sequence[Decision]
) -> list[str]:
    """One line per ``expect`` of the file that does not hold (empty: all hold)."""
    misses: list[str] = []
    for outcome in consents:
        c_expect = scenario.consent_expects.get(outcome.id)
        if c_expect is None:
            continue
        if c_expect.valid is not None and c_expect.valid != outcome.valid:
            misses.append(
                f"consent {outcome.id}: valid {str(outcome.valid).lower()} (expected"
                f" {str(c_expect.valid).lower()}; problems {list(outcome.problems)})"
            )
        missing = [p for p in c_expect.problems if p not in outcome.problems]
        if missing:
            misses.append(
                f"consent {outcome.id}: problems {list(outcome.problems)} lack {missing}"
                " (expected among them)"
            )
    for decision in decisions:
        d_expect = scenario.request_expects.get(decision.request)
        if d_expect is not None:
            misses.extend(_decision_misses(d_expect, decision))
    return misses


__all__ = [
    "ConsentExpect",
    "ConsentOutcome",
    "DecisionExpect",
    "ObligationExpect",
    "Scenario",
    "consent_to_document",
    "decision_json",
    "missed_expects",
    "parse_scenario",
    "scenario_report",
]
