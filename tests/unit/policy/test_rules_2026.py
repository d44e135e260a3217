"""The rules as they stand in late 2026 (SPEC §4.4, §4.5, §5, §7): suspended consent in a
video-game strike, no consent signed on a picket line, synthetic bargaining, AI labels."""

from __future__ import annotations

import pytest

from likeness.compensation.pay import RateBookPay
from likeness.domain.ids import ProducerId, ReplicaId
from likeness.domain.requests import RequestKind
from likeness.domain.strikes import Strike
from likeness.policy.engine import DecisionEngine
from tests.unit.policy.builders import (
    INTERACTIVE,
    NO_UNION,
    T2023,
    T2026,
    D,
    consent,
    decide,
    request,
    world,
)

# S1 is struck from 2027-03-01; work resumed on 2027-06-15 (not covered)
STRIKE = Strike((ProducerId("S1"),), D(2027, 3, 1), D(2027, 6, 15))


def _kinds(decision):
    return [str(o.kind) for o in decision.obligations]


class TestConsentNotSuspended:
    """``consent-suspended`` under the 2025 Interactive Media Agreement."""

    def _decide(self, day, suspended_on=D(2027, 3, 10), strikes=(STRIKE,), agreement=INTERACTIVE):
        w = world(agreement)
        w.strikes.extend(strikes)
        c = consent(valid_until=D(2028, 1, 1), suspended_on=suspended_on)
        return decide(w, request(date=day), c)

    def test_a_suspended_consent_fails_while_the_strike_lasts(self):
        d = self._decide(D(2027, 4, 1))
        assert (d.allowed, d.reasons) == (False, ("consent-suspended",))

    def test_a_suspension_on_the_day_the_strike_starts_fails_that_day(self):
        d = self._decide(D(2027, 3, 1), suspended_on=D(2027, 3, 1))
        assert d.reasons == ("consent-suspended",)

    def test_before_the_suspension_the_consent_still_allows_during_the_strike(self):
        d = self._decide(D(2027, 3, 9))
        assert (d.allowed, d.reasons) == (True, ("covered-by-consent",))

    def test_the_last_day_of_the_strike_is_suspended(self):
        assert self._decide(D(2027, 6, 14)).reasons == ("consent-suspended",)

    def test_it_passes_again_the_day_work_resumed(self):
        d = self._decide(D(2027, 6, 15))
        assert (d.allowed, d.reasons) == (True, ("covered-by-consent",))

    def test_a_suspension_with_no_strike_changes_nothing(self):
        d = self._decide(D(2027, 4, 1), strikes=())
        assert d.allowed

    def test_a_strike_against_another_producer_does_not_suspend(self):
        other = Strike((ProducerId("S2"),), D(2027, 3, 1), None)
        assert self._decide(D(2027, 4, 1), strikes=(other,)).allowed

    def test_a_strike_against_all_producers_suspends(self):
        everyone = Strike(None, D(2027, 3, 1), None)
        assert self._decide(D(2027, 4, 1), strikes=(everyone,)).reasons == ("consent-suspended",)

    def test_a_later_strike_suspends_it_again(self):
        later = Strike((ProducerId("S1"),), D(2028, 1, 1), None)
        c = consent(valid_until=D(2029, 1, 1), suspended_on=D(2027, 3, 10))
        w = world(INTERACTIVE)
        w.strikes.extend((STRIKE, later))
        assert decide(w, request(date=D(2027, 9, 1)), c).allowed
        assert decide(w, request(date=D(2028, 2, 1))).reasons == ("consent-suspended",)

    def test_without_a_suspension_a_strike_does_not_stop_a_video_game_use(self):
        d = self._decide(D(2027, 4, 1), suspended_on=None)
        assert (d.allowed, d.reasons) == (True, ("covered-by-consent",))

    @pytest.mark.parametrize("agreement", [T2023, NO_UNION])
    def test_other_rule_sets_do_not_know_suspension(self, agreement):
        assert self._decide(D(2027, 4, 1), agreement=agreement).allowed

    def test_under_2026_the_strike_itself_denies_first(self):
        assert self._decide(D(2027, 4, 1), agreement=T2026).reasons == ("strike-in-effect",)

    def test_its_code_is_listed_in_the_spec_order_with_others(self):
        w = world(INTERACTIVE)
        w.strikes.append(STRIKE)
        c = consent(valid_until=D(2028, 1, 1), suspended_on=D(2027, 3, 1))
        d = decide(w, request(date=D(2027, 4, 1), use="dubbing"), c)
        assert d.reasons == ("consent-suspended", "use-not-covered")


class TestNotSignedDuringStrike:
    """``signed-during-strike``: the three union rule sets, not no-union."""

    def _decide(self, signed_on, agreement=T2023, strikes=(STRIKE,), productions=("F1",)):
        w = world(agreement)
        w.strikes.extend(strikes)
        c = consent(
            signed_on=signed_on,
            valid_from=D(2027, 7, 1),
            valid_until=D(2028, 1, 1),
            productions=productions,
        )
        engine = DecisionEngine(w, RateBookPay())
        engine.add_consent(c)
        return engine.problems_of(c), engine.decide(request(date=D(2027, 8, 1)))

    @pytest.mark.parametrize("agreement", [T2023, T2026, INTERACTIVE])
    def test_a_consent_signed_on_a_picket_line_is_invalid(self, agreement):
        problems, d = self._decide(D(2027, 4, 1), agreement)
        assert problems == ("signed-during-strike",)
        assert d.reasons == ("consent-invalid", "signed-during-strike")

    def test_the_first_day_of_the_strike_is_covered(self):
        assert self._decide(D(2027, 3, 1))[0] == ("signed-during-strike",)

    def test_a_consent_signed_the_day_before_the_strike_is_valid(self):
        problems, d = self._decide(D(2027, 2, 28))
        assert (problems, d.allowed) == ((), True)

    def test_a_consent_signed_the_day_work_resumed_is_valid(self):
        assert self._decide(D(2027, 6, 15))[0] == ()

    def test_a_strike_against_another_producer_does_not_matter(self):
        other = Strike((ProducerId("S2"),), D(2027, 3, 1), None)
        assert self._decide(D(2027, 4, 1), strikes=(other,))[0] == ()

    def test_any_production_named_counts(self):
        other = Strike((ProducerId("S2"),), D(2027, 3, 1), None)
        found = self._decide(D(2027, 4, 1), strikes=(other,), productions=("F1", "F9"))[0]
        assert found == ("signed-during-strike",)

    def test_no_union_has_no_such_rule(self):
        c_problems = self._decide(D(2027, 4, 1), agreement=NO_UNION)[0]
        assert "signed-during-strike" not in c_problems

    def test_a_strike_declared_later_invalidates_what_the_engine_had_cached(self):
        w = world(T2023)
        c = consent(signed_on=D(2027, 4, 1), valid_from=D(2027, 7, 1), valid_until=D(2028, 1, 1))
        engine = DecisionEngine(w, RateBookPay())
        engine.add_consent(c)
        assert engine.decide(request(date=D(2027, 8, 1))).allowed
        engine.add_strike(STRIKE)
        assert engine.decide(request(date=D(2027, 8, 1))).reasons == (
            "consent-invalid",
            "signed-during-strike",
        )


def _synthetic(**overrides):
    fields = {
        "kind": RequestKind.SYNTHETIC,
        "replica": None,
        "use": "new-performance",
        "date": D(2027, 1, 10),
        "human_role": True,
        "justification": "a crowd of forty digital townspeople nobody could cast in time",
    }
    fields.update(overrides)
    return request(**fields)


class TestUnionBargain:
    def test_a_synthetic_performer_in_a_human_role_carries_it_beside_notify_union(self):
        d = decide(world(T2026), _synthetic())
        assert d.allowed
        assert _kinds(d)[:3] == ["record-use", "notify-union", "union-bargain"]

    def test_not_in_a_human_role_there_is_no_bargaining(self):
        d = decide(world(T2026), _synthetic(human_role=False, justification=None))
        assert "union-bargain" not in _kinds(d) and "notify-union" in _kinds(d)

    @pytest.mark.parametrize("agreement", [T2023, INTERACTIVE, NO_UNION])
    def test_only_the_2026_agreement_requires_it(self, agreement):
        assert "union-bargain" not in _kinds(decide(world(agreement), _synthetic()))

    def test_a_resembling_synthetic_allowed_by_consent_carries_it_too(self):
        c = consent(
            replica=None,
            performer="P2",
            given_by="P2",
            productions=("F1",),
            uses=("new-performance",),
            valid_from=D(2026, 1, 1),
            valid_until=D(2028, 1, 1),
        )
        d = decide(world(T2026), _synthetic(resembles="P2", recognizable_features=("eyes",)), c)
        assert d.reasons == ("covered-by-consent",)
        assert "union-bargain" in _kinds(d)


class TestLabelAiOutput:
    def test_the_day_before_the_ai_act_applies_there_is_no_label(self):
        c = consent(valid_until=D(2027, 1, 1))
        assert "label-ai-output" not in _kinds(decide(world(), request(date=D(2026, 8, 1)), c))

    @pytest.mark.parametrize("agreement", [T2023, T2026, INTERACTIVE, NO_UNION])
    def test_from_2026_08_02_every_allowed_use_is_labelled_under_every_rule_set(self, agreement):
        c = consent(valid_until=D(2027, 1, 1), signed_on=D(2024, 2, 28))
        d = decide(world(agreement), request(date=D(2026, 8, 2)), c)
        assert d.allowed
        assert _kinds(d)[-1] == "label-ai-output"

    def test_an_as_scripted_use_in_the_original_production_is_labelled(self):
        c = consent(uses=("create",), valid_until=D(2027, 1, 1))
        d = decide(world(), request(use="as-scripted", date=D(2026, 9, 1)), c)
        assert d.reasons == ("as-scripted-in-original-production",)
        assert "label-ai-output" in _kinds(d)

    def test_an_exempt_alteration_is_not_labelled(self):
        req = request(
            kind=RequestKind.ALTERATION,
            use="alteration",
            purpose="cosmetic",
            substantially_as_scripted=True,
            date=D(2026, 9, 1),
        )
        d = decide(world(), req)
        assert (d.reasons, _kinds(d)) == (("alteration-exempt",), ["record-use"])

    def test_a_consented_alteration_is_labelled(self):
        c = consent(uses=("alteration",), valid_until=D(2027, 1, 1))
        req = request(kind=RequestKind.ALTERATION, use="alteration", date=D(2026, 9, 1))
        d = decide(world(), req, c)
        assert d.allowed and "label-ai-output" in _kinds(d)

    def test_a_synthetic_performer_is_labelled(self):
        d = decide(world(), _synthetic(date=D(2026, 9, 1), human_role=False))
        assert d.reasons == ("synthetic-no-resemblance",)
        assert _kinds(d) == ["record-use", "notify-union", "label-ai-output"]

    def test_a_scan_session_is_not_labelled(self):
        c = consent(
            replica=None,
            performer="P1",
            uses=("create",),
            valid_until=D(2027, 1, 1),
        )
        req = request(
            kind=RequestKind.CREATE,
            replica=None,
            performer="P1",
            use="create",
            date=D(2026, 9, 1),
        )
        d = decide(world(), req, c)
        assert d.allowed
        assert "label-ai-output" not in _kinds(d)

    def test_a_denied_request_carries_no_obligation(self):
        d = decide(world(), request(date=D(2026, 9, 1), replica=ReplicaId("D2")))
        assert not d.allowed and d.obligations == ()
