"""Whom a consent request goes to (SPEC §4.2, §11): every party that may consent on the day."""

from __future__ import annotations

import dataclasses

from likeness.domain.performers import Representative, RepresentativeKind
from likeness.policy.consent_rules import who_may_consent
from tests.unit.policy.builders import D, world

W = world()


def test_a_living_adult_answers_herself_and_an_agent_only_with_may_consent():
    assert who_may_consent(W.performers["P1"], D(2026, 12, 1)) == ("P1",)
    assert who_may_consent(W.performers["P2"], D(2026, 12, 1)) == ("P2",)  # A2 may not
    trusted = dataclasses.replace(
        W.performers["P2"],
        representatives=(Representative("A2", RepresentativeKind.AGENT, True),),  # type: ignore[arg-type]
    )
    assert who_may_consent(trusted, D(2026, 12, 1)) == ("P2", "A2")


def test_a_minor_is_answered_for_by_the_guardian_and_answers_herself_at_eighteen():
    kit = W.performers["M1"]  # born 2012-06-01
    assert who_may_consent(kit, D(2026, 12, 1)) == ("G1",)
    assert who_may_consent(kit, D(2030, 6, 1)) == ("M1",)  # her guardian's authority ends


def test_after_death_the_estate_answers_or_the_union_when_there_is_none():
    ruth, leo = W.performers["X1"], W.performers["X2"]
    assert who_may_consent(ruth, D(2026, 12, 1)) == ("E1",)  # not her agent A1
    assert who_may_consent(ruth, D(2024, 1, 1)) == ("X1", "A1")  # while she lived
    assert who_may_consent(leo, D(2026, 12, 1)) == ("union",)
