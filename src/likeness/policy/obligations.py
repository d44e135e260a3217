"""The obligations of an allowed decision (SPEC §4.5), as rule objects.

``record-use`` comes first on every allowed decision and ``pay`` / ``pension-health`` come from the
pay calculator (§6); every other obligation is a rule here, named by its SPEC code. The rules in
:data:`BASE_OBLIGATION_RULES` run under every rule set; a rule set adds others by naming their
code in ``obligations`` of its ruleset.yaml (:data:`OPTIONAL_OBLIGATION_RULES`). Whichever order a
rule set names them in, obligations are listed in :data:`OBLIGATION_RULE_ORDER`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from likeness.domain.consents import UseKind
from likeness.domain.decisions import Obligation, ObligationKind, Reason
from likeness.domain.requests import RequestKind
from likeness.policy.combinators import ObligationRule
from likeness.policy.facts import RequestFacts

#: EU AI Act Art. 50(2): providers mark AI output machine-readably from this day on
AI_ACT_MARKING_FROM = dt.date(2026, 8, 2)

_NOTIFY_UNION = (Obligation(ObligationKind.NOTIFY_UNION),)
_RESIDUALS = (Obligation(ObligationKind.RESIDUALS_AS_IF_PERFORMED),)
_UNION_BARGAIN = (Obligation(ObligationKind.UNION_BARGAIN),)
_LABEL_AI_OUTPUT = (Obligation(ObligationKind.LABEL_AI_OUTPUT),)
_EXEMPT_ALTERATION = Reason.ALTERATION_EXEMPT.value
_TRAINING = UseKind.TRAINING.value


def _is_exempt_alteration(reasons: tuple[str, ...]) -> bool:
    return _EXEMPT_ALTERATION in reasons


@dataclass(frozen=True, slots=True)
class ResidualsAsIfPerformed:
    """``residuals-as-if-performed``: a replica put to use (a ``use``, or an alteration of a
    replica that needed consent) earns residuals as if performed in person."""

    name: str = "residuals-as-if-performed"

    def obligations(self, facts: RequestFacts, reasons: tuple[str, ...]) -> tuple[Obligation, ...]:
        """See the class docstring."""
        kind = facts.request.kind
        if facts.replica is None or kind is RequestKind.CREATE or kind is RequestKind.SYNTHETIC:
            return ()
        if kind is RequestKind.ALTERATION and (
            _is_exempt_alteration(reasons) or facts.request.replica is None
        ):
            return ()
        return _RESIDUALS


@dataclass(frozen=True, slots=True)
class NotifyUnion:
    """``notify-union``: every synthetic performer, and every use for ``training``."""

    name: str = "notify-union"

    def obligations(self, facts: RequestFacts, reasons: tuple[str, ...]) -> tuple[Obligation, ...]:
        """See the class docstring."""
        request = facts.request
        if request.kind is RequestKind.SYNTHETIC or request.use == _TRAINING:
            return _NOTIFY_UNION
        return ()


@dataclass(frozen=True, slots=True)
class UnionBargain:
    """``union-bargain`` (§4.4, 2026): a synthetic performer in a human role; the producer
    notifies the union and bargains before the use."""

    name: str = "union-bargain"

    def obligations(self, facts: RequestFacts, reasons: tuple[str, ...]) -> tuple[Obligation, ...]:
        """See the class docstring."""
        request = facts.request
        if request.kind is RequestKind.SYNTHETIC and request.human_role:
            return _UNION_BARGAIN
        return ()


@dataclass(frozen=True, slots=True)
class LabelAiOutput:
    """``label-ai-output`` (EU AI Act Art. 50): every allowed ``use``, non-exempt ``alteration``
    and ``synthetic`` request dated on or after ``since``; the output is marked as AI-generated,
    machine-readably. A ``create`` (the scan) and an exempt alteration make no AI output."""

    since: dt.date = AI_ACT_MARKING_FROM
    name: str = "label-ai-output"

    def obligations(self, facts: RequestFacts, reasons: tuple[str, ...]) -> tuple[Obligation, ...]:
        """See the class docstring."""
        request = facts.request
        if request.date < self.since:
            return ()
        kind = request.kind
        if kind is RequestKind.CREATE:
            return ()
        if kind is RequestKind.ALTERATION and _is_exempt_alteration(reasons):
            return ()
        return _LABEL_AI_OUTPUT


#: obligations every rule set adds to an allowed decision (after record-use and pay)
BASE_OBLIGATION_RULES: tuple[ObligationRule, ...] = (ResidualsAsIfPerformed(), NotifyUnion())

#: obligations a rule set may add by naming their code in ``obligations`` of its ruleset.yaml
OPTIONAL_OBLIGATION_RULES: dict[str, ObligationRule] = {
    ObligationKind.UNION_BARGAIN.value: UnionBargain(),
    ObligationKind.LABEL_AI_OUTPUT.value: LabelAiOutput(),
}

#: the order obligations are listed in after record-use, pay and pension-health
OBLIGATION_RULE_ORDER = (
    "residuals-as-if-performed",
    "notify-union",
    "union-bargain",
    "label-ai-output",
)
