"""A consent's standing on a date: what the decision engine's own consent checks (SPEC §4.2,
§5) say about it on that day, whatever request would cite it.

One function, :func:`standing`, used by the CLI (``consent show|list``), the API (the
``standing`` of a consent's JSON) and the portal, so the three never disagree with a decision:
validity is :meth:`DecisionEngine.problems_of` (the §5 checks of the rule sets in force),
authority is the ``authorized`` fact the engine computes once per consent
(:func:`~likeness.policy.consent_rules.has_authority`), and the window, revocation and death
are :func:`~likeness.policy.consent_rules.out_of_force` and
:func:`~likeness.policy.consent_rules.ended_at_death`. Only what depends on a request (the
production, the use, the subject) is left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from likeness.domain.consents import Consent
from likeness.domain.decisions import Reason
from likeness.policy.consent_rules import CONSENT_CODE_ORDER, ended_at_death, out_of_force
from likeness.policy.engine import DecisionEngine

#: the state a standing is named after when several codes apply, most telling first
_STATES = (
    (Reason.CONSENT_INVALID.value, "invalid"),
    (Reason.CONSENT_NOT_AUTHORIZED.value, "not-authorized"),
    (Reason.CONSENT_REVOKED.value, "revoked"),
    (Reason.CONSENT_ENDED_AT_DEATH.value, "ended-at-death"),
    (Reason.CONSENT_SUSPENDED.value, "suspended"),
    (Reason.CONSENT_EXPIRED.value, "expired"),
    (Reason.CONSENT_NOT_YET_VALID.value, "not-yet-valid"),
)


@dataclass(frozen=True, slots=True)
class Standing:
    """What a consent is worth on ``on``: ``state`` (``valid``, or the most telling failure),
    every failing code (SPEC §4.2, with the §5 codes after ``consent-invalid``) and one line
    for a person, e.g. ``"revoked since 2024-08-02"``."""

    on: dt.date
    state: str
    codes: tuple[str, ...]
    text: str

    @property
    def valid(self) -> bool:
        """Whether the consent would pass every check that does not depend on a request."""
        return not self.codes

    def as_document(self) -> dict[str, Any]:
        """The JSON form: ``on``, ``state``, ``codes``, ``text``."""
        return {
            "on": self.on.isoformat(),
            "state": self.state,
            "codes": list(self.codes),
            "text": self.text,
        }


def standing(engine: DecisionEngine, consent: Consent, on: dt.date) -> Standing:
    """The standing of ``consent`` on ``on`` in the engine's world.

    Example: a valid consent revoked on 2024-08-02 stands, on 2024-09-01,
    ``Standing(state="revoked", codes=("consent-revoked",), text="revoked since 2024-08-02")``.
    """
    facts = engine.consent_facts(consent)
    problems = engine.problems_of(consent)
    codes: list[str] = []
    lines: list[str] = []
    if problems:
        codes += [Reason.CONSENT_INVALID.value, *problems]
        lines.append(f"invalid: {', '.join(problems)}")
    if not facts.authorized:
        codes.append(Reason.CONSENT_NOT_AUTHORIZED.value)
        lines.append(f"not authorized: {consent.given_by} had no authority on {consent.signed_on}")
    timing = (*ended_at_death(facts, on), *out_of_force(facts, on))
    performer = facts.performer
    for code in sorted(timing, key=CONSENT_CODE_ORDER.__getitem__):
        codes.append(code)
        if code == Reason.CONSENT_REVOKED.value:
            lines.append(f"revoked since {consent.revoked_on}")
        elif code == Reason.CONSENT_ENDED_AT_DEATH.value and performer is not None:
            lines.append(f"ended at death on {performer.died}")
        elif code == Reason.CONSENT_EXPIRED.value:
            lines.append(f"expired after {consent.valid_until}")
        elif code == Reason.CONSENT_NOT_YET_VALID.value:
            lines.append(f"not yet valid: from {consent.valid_from}")
    suspended_on = consent.suspended_on
    if suspended_on is not None and suspended_on <= on and engine.struck(consent.productions, on):
        codes.append(Reason.CONSENT_SUSPENDED.value)
        lines.append(f"suspended since {suspended_on} while the strike lasts")
    state = next((name for code, name in _STATES if code in codes), "valid")
    return Standing(on, state, tuple(codes), "; ".join(lines) or "valid")
