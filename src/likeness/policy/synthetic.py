"""The rules of SPEC §4.4 on synthetic performers, as rule objects.

A ``synthetic`` request that passed §4.1 runs the synthetic rules of its rule set (§7 adds
``synthetic-needs-justification``: :data:`OPTIONAL_SYNTHETIC_RULES`), then
:data:`RESEMBLANCE`: a synthetic performer resembling someone needs that performer's consent,
which the engine looks for on the §4.2 consent path; one resembling no one is allowed with
``synthetic-no-resemblance``. Both run, so a request can be denied for both.

Each rule's name is the SPEC code it denies with.
"""

from __future__ import annotations

from dataclasses import dataclass

from likeness.domain.consents import UseKind
from likeness.domain.decisions import Reason
from likeness.domain.requests import RequestKind
from likeness.policy.combinators import RequestRule
from likeness.policy.facts import RequestFacts

_SYNTHETIC_NEEDS_JUSTIFICATION = (Reason.SYNTHETIC_NEEDS_JUSTIFICATION.value,)


@dataclass(frozen=True, slots=True)
class SyntheticJustified:
    """``synthetic-needs-justification`` (§7): a synthetic performer in a human role, with no
    justification given."""

    name: str = Reason.SYNTHETIC_NEEDS_JUSTIFICATION.value

    def failures(self, facts: RequestFacts) -> tuple[str, ...]:
        """See the class docstring; a blank justification is none."""
        request = facts.request
        if (
            request.kind is RequestKind.SYNTHETIC
            and request.human_role
            and not (request.justification or "").strip()
        ):
            return _SYNTHETIC_NEEDS_JUSTIFICATION
        return ()


@dataclass(frozen=True, slots=True)
class ResemblanceNeedsConsent:
    """``needs-performer-consent``: a synthetic performer that resembles a performer (through
    ``recognizable_features`` or ``prompted_with_name``) needs a consent of that performer,
    naming the performer, for ``new-performance`` in the production, that passes §4.2.

    Denied, the decision lists this code first, then the §4.2 codes. A synthetic performer that
    resembles no one is allowed with :attr:`no_resemblance` and no pay line.
    """

    name: str = Reason.NEEDS_PERFORMER_CONSENT.value
    #: the use the performer's consent must cover
    use: str = UseKind.NEW_PERFORMANCE.value
    #: the reasons of a synthetic performer resembling no one
    no_resemblance: tuple[str, ...] = (Reason.SYNTHETIC_NO_RESEMBLANCE.value,)

    def applies(self, facts: RequestFacts) -> bool:
        """Whether the synthetic performer resembles someone (so consent is needed)."""
        return facts.request.resembles_someone

    def failures(self, consent_codes: tuple[str, ...]) -> tuple[str, ...]:
        """The codes of a resemblance that no consent covers: this rule's, then §4.2's."""
        return (self.name, *consent_codes)


#: the §4.4 resemblance rule every rule set runs on synthetic requests
RESEMBLANCE = ResemblanceNeedsConsent()

#: synthetic rules a rule set may add by naming their code in ``checks`` of its ruleset.yaml
OPTIONAL_SYNTHETIC_RULES: dict[str, RequestRule] = {
    rule.name: rule for rule in (SyntheticJustified(),)
}

#: the order synthetic rules run in, before :data:`RESEMBLANCE`
SYNTHETIC_RULE_ORDER = (Reason.SYNTHETIC_NEEDS_JUSTIFICATION.value,)
