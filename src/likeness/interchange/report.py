"""The §9 output of a scenario run, and consents written back in the file format.

:func:`scenario_report` gives exactly the §9 ``--json`` shape and :func:`missed_expects` lists
each ``expect`` that does not hold; :func:`decision_json` is one decision of that shape, also
printed by ``likeness decide`` and ``likeness use``. Deciding is not done here (interchange
does not import the policy engine): ``services.scenarios.run_scenario`` puts the two together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from likeness.compensation.rounding import format_money
from likeness.domain.consents import Consent
from likeness.domain.decisions import Decision
from likeness.interchange.parsing import DecisionExpect, Scenario
from likeness.interchange.statements import basis_of


@dataclass(frozen=True, slots=True)
class ConsentOutcome:
    """A consent's validity as the runner found it."""

    id: str
    problems: tuple[str, ...]

    @property
    def valid(self) -> bool:
        """Valid when no SPEC §5 problem was found."""
        return not self.problems


def consent_to_document(consent: Consent, problems: Sequence[str] | None = None) -> dict[str, Any]:
    """A consent in the file format (the inverse of
    :func:`~likeness.interchange.parsing.parse_consent`), with ``problems``
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
    if consent.request is not None:
        doc["request"] = consent.request
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
                "basis": basis_of(o),
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
    "ConsentOutcome",
    "consent_to_document",
    "decision_json",
    "missed_expects",
    "scenario_report",
]
