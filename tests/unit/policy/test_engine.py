"""Paths of the engine beyond single rules: exemptions (§4.3), synthetic performers (§4.4),
obligations (§4.5), explanations and determinism."""

from __future__ import annotations

from decimal import Decimal

from likeness.compensation.pay import RateBookPay
from likeness.domain.consents import Compensation, PayPer, UseKind
from likeness.domain.ids import PerformerId, ProductionId, ReplicaId
from likeness.domain.requests import RequestKind
from likeness.policy.engine import DecisionEngine
from tests.unit.policy.builders import INTERACTIVE, D, amounts, consent, decide, request, world


def _creation_consent(**kw):
    fields = {
        "replica": None,
        "performer": PerformerId("P2"),
        "given_by": "P2",
        "signed_on": D(2024, 2, 1),
        "uses": ("create",),
        "compensation": None,
    }
    fields.update(kw)
    return consent("CC", **fields)


def _as_scripted(**kw):
    fields = {
        "replica": ReplicaId("D2"),
        "use": UseKind.AS_SCRIPTED,
        "days": 2,
        "date": D(2024, 9, 15),
    }
    fields.update(kw)
    return request(**fields)


class TestAsScriptedInOriginalProduction:
    def test_with_a_creation_consent_it_is_exempt_and_pays_the_floor(self):
        d = decide(world(), _as_scripted(), _creation_consent())
        assert d.allowed and d.reasons == ("as-scripted-in-original-production",)
        # $8,000 a week: 1,600 a day > 1,204 minimum; 2 days
        assert amounts(d)["pay"] == Decimal("3200.00")
        assert amounts(d)["pension-health"] == Decimal("672.00")
        assert list(amounts(d)) == [
            "record-use",
            "pay",
            "pension-health",
            "residuals-as-if-performed",
        ]

    def test_a_consent_naming_the_replica_counts_as_creation_consent(self):
        c = _creation_consent(performer=None, replica=ReplicaId("D2"), productions=("F9",))
        assert decide(world(), _as_scripted(), c).allowed

    def test_without_a_creation_consent_it_is_denied(self):
        d = decide(world(), _as_scripted())
        assert d.reasons == ("no-creation-consent",)

    def test_an_invalid_creation_consent_does_not_count(self):
        d = decide(world(), _as_scripted(), _creation_consent(separately_signed=False))
        assert d.reasons == ("no-creation-consent",)

    def test_a_performer_creation_consent_for_another_production_does_not_count(self):
        d = decide(world(), _as_scripted(), _creation_consent(productions=("F2",)))
        assert d.reasons == ("no-creation-consent",)

    def test_outside_the_original_production_it_needs_consent_like_any_use(self):
        d = decide(world(), _as_scripted(production=ProductionId("F2")), _creation_consent())
        # the consent to create names the performer, so it names neither this production,
        # this use nor this replica
        assert d.reasons == ("production-not-covered", "use-not-covered", "replica-not-covered")

    def test_an_independently_created_replica_is_never_exempt(self):
        d = decide(world(), _as_scripted(replica=ReplicaId("I2")), _creation_consent())
        assert d.reasons == ("use-not-covered", "replica-not-covered")


class TestAlteration:
    def _alteration(self, **kw):
        fields = {
            "kind": RequestKind.ALTERATION,
            "use": UseKind.ALTERATION,
            "replica": ReplicaId("D2"),
            "purpose": "noise-reduction",
            "substantially_as_scripted": True,
        }
        fields.update(kw)
        return request(**fields)

    def test_an_exempt_purpose_substantially_as_scripted_needs_no_consent_and_no_pay(self):
        d = decide(world(), self._alteration())
        assert d.allowed and d.reasons == ("alteration-exempt",)
        assert list(amounts(d)) == ["record-use"]

    def test_an_exempt_purpose_that_changes_the_performance_needs_consent(self):
        d = decide(world(), self._alteration(substantially_as_scripted=False))
        assert d.reasons == ("no-consent",)

    def test_a_creation_only_consent_does_not_cover_new_dialogue(self):
        d = decide(world(), self._alteration(purpose="new-dialogue"), _creation_consent())
        assert d.reasons == ("use-not-covered", "replica-not-covered")

    def test_an_alteration_naming_the_performer_needs_a_consent_naming_the_performer(self):
        req = self._alteration(purpose="new-dialogue", replica=None, performer=PerformerId("P2"))
        c = _creation_consent(
            uses=("alteration",), compensation=Compensation(Decimal("500.00"), PayPer.USE)
        )
        d = decide(world(), req, c)
        assert d.allowed and d.consent == "CC"
        assert amounts(d)["pay"] == Decimal("1204.00")  # floor: 1 day minimum > 500

    def test_a_replica_consent_does_not_cover_an_alteration_naming_the_performer(self):
        req = self._alteration(purpose="new-dialogue", replica=None, performer=PerformerId("P2"))
        c = consent(replica=ReplicaId("D2"), given_by="P2", uses=("alteration",))
        d = decide(world(), req, c)
        assert d.reasons == ("no-consent",)


class TestSyntheticPerformers:
    def _synthetic(self, **kw):
        fields = {
            "kind": RequestKind.SYNTHETIC,
            "use": UseKind.NEW_PERFORMANCE,
            "replica": None,
            "resembles": PerformerId("P2"),
            "recognizable_features": ("eyes",),
        }
        fields.update(kw)
        return request(**fields)

    def _consent(self, **kw):
        fields = {
            "replica": None,
            "performer": PerformerId("P2"),
            "given_by": "P2",
            "signed_on": D(2024, 2, 1),
            "uses": ("new-performance",),
            "compensation": Compensation(Decimal("4000.00"), PayPer.USE),
        }
        fields.update(kw)
        return consent("CS", **fields)

    def test_a_resemblance_with_the_performers_consent_is_allowed_and_notifies_the_union(self):
        d = decide(world(), self._synthetic(), self._consent())
        assert d.allowed and d.consent == "CS"
        assert amounts(d)["pay"] == Decimal("4000.00")
        # no replica is put to use: no residuals as if performed
        assert list(amounts(d)) == ["record-use", "pay", "pension-health", "notify-union"]

    def test_the_pay_floor_is_days_times_the_day_minimum(self):
        c = self._consent(compensation=Compensation(Decimal("10.00"), PayPer.USE))
        d = decide(world(), self._synthetic(days=3), c)
        assert amounts(d)["pay"] == Decimal("3612.00")  # 3 x 1,204; weekly salary ignored

    def test_a_resemblance_without_consent_needs_the_performers_consent(self):
        d = decide(world(), self._synthetic(production=ProductionId("F2")), self._consent())
        assert d.reasons == ("needs-performer-consent", "production-not-covered")

    def test_being_prompted_with_the_name_is_a_resemblance(self):
        d = decide(world(), self._synthetic(recognizable_features=(), prompted_with_name=True))
        assert d.reasons == ("needs-performer-consent", "no-consent")

    def test_features_that_are_not_recognizable_ones_do_not_make_a_resemblance(self):
        d = decide(world(), self._synthetic(recognizable_features=("hair",)))
        assert d.allowed and d.reasons == ("synthetic-no-resemblance",)
        assert list(amounts(d)) == ["record-use", "notify-union"]

    def test_a_replica_consent_is_not_the_performers_consent(self):
        c = consent(replica=ReplicaId("D2"), given_by="P2", uses=("new-performance",))
        d = decide(world(), self._synthetic(), c)
        assert d.reasons == ("needs-performer-consent", "no-consent")


class TestObligations:
    def test_training_notifies_the_union(self):
        c = consent(uses=("training",))
        d = decide(world(), request(use="training"), c)
        assert d.allowed
        assert list(amounts(d)) == [
            "record-use",
            "pay",
            "pension-health",
            "residuals-as-if-performed",
            "notify-union",
        ]

    def test_every_allowed_use_of_a_replica_earns_residuals_as_if_performed(self):
        d = decide(world(), request(), consent())
        assert [str(o.kind) for o in d.obligations] == [
            "record-use",
            "pay",
            "pension-health",
            "residuals-as-if-performed",
        ]

    def test_a_scan_session_pays_one_day_at_the_daily_rate(self):
        c = consent(
            replica=None,
            performer=PerformerId("P2"),
            given_by="P2",
            uses=("create",),
            compensation=None,
            signed_on=D(2024, 2, 1),
        )
        req = request(
            kind=RequestKind.CREATE,
            use=UseKind.CREATE,
            replica=None,
            performer=PerformerId("P2"),
            days=3,
        )
        d = decide(world(), req, c)
        assert amounts(d)["pay"] == Decimal("1600.00")

    def test_pay_lines_name_the_bargain_as_their_rule_when_it_set_the_amount(self):
        d = decide(world(), request(), consent())
        pay = next(o for o in d.obligations if o.kind == "pay")
        assert pay.rate_row == "background-day-rate@2024-07-01"
        assert pay.basis is not None and pay.basis.startswith("bargained: ")
        assert pay.rule == (
            "sag-aftra-tv-theatrical-2023 §6 pay = max(bargained, floor): bargained,"
            " the consent's compensation"
        )

    def test_pay_lines_name_the_floor_rule_when_the_floor_set_the_amount(self):
        d = decide(
            world(), request(), consent(compensation=Compensation(Decimal("1.00"), PayPer.USE))
        )
        pay = next(o for o in d.obligations if o.kind == "pay")
        assert pay.rate_row == "background-day-rate@2024-07-01"
        assert pay.basis is not None and pay.basis.startswith("floor: ")
        assert pay.rule == (
            "sag-aftra-tv-theatrical-2023 §6 replica performance in its original production:"
            " days x max(daily rate, day minimum)"
        )

    def test_real_time_generation_floors_at_seven_and_a_half_day_minimums(self):
        c = consent(
            replica=ReplicaId("I2"),
            given_by="P2",
            uses=("new-performance",),
            signed_on=D(2024, 2, 1),
        )
        req = request(
            replica=ReplicaId("I2"), use="new-performance", real_time_generation=True, days=2
        )
        d = decide(world(INTERACTIVE), req, c)
        assert amounts(d)["pay"] == Decimal("18060.00")  # 2 x 7.5 x 1,204

    def test_real_time_generation_has_no_multiplier_outside_the_interactive_agreement(self):
        c = consent(
            replica=ReplicaId("I2"),
            given_by="P2",
            uses=("new-performance",),
            signed_on=D(2024, 2, 1),
        )
        req = request(replica=ReplicaId("I2"), use="new-performance", real_time_generation=True)
        assert amounts(decide(world(), req, c))["pay"] == Decimal("1204.00")


class TestExplanationAndDeterminism:
    def test_a_decision_says_which_checks_ran_and_which_failed(self):
        d = decide(world(), request(production=ProductionId("F2")), consent())
        assert d.explain() == [
            "producer-not-authorized: ok",
            "ids-known: ok",
            "background-count-substitution: ok",
            "scan-notice-late: ok",
            "consent (consent C1): failed production-not-covered",
        ]

    def test_the_explanation_of_a_deny_for_no_consent_says_so(self):
        d = decide(world(), request())
        assert d.reasons == ("no-consent",)
        assert d.explain()[-1] == "consent: failed no-consent"

    def test_the_same_world_and_request_give_the_same_decision(self):
        w = world()
        w.consents[consent().id] = consent()
        engine = DecisionEngine(w, RateBookPay())
        assert engine.decide(request()) == engine.decide(request())
        assert engine.decide(request()) == DecisionEngine(w, RateBookPay()).decide(request())

    def test_revoking_through_the_engine_replaces_the_indexed_consent(self):
        w = world()
        engine = DecisionEngine(w, RateBookPay())
        engine.add_consent(consent())
        assert engine.decide(request()).allowed
        engine.add_consent(consent().revoked(D(2024, 7, 1)))
        assert engine.decide(request()).reasons == ("consent-revoked",)

    def test_replacing_a_consent_keeps_its_place_in_the_examined_order(self):
        engine = DecisionEngine(world(), RateBookPay())
        engine.add_consent(consent("C1"))
        engine.add_consent(consent("C2"))
        engine.add_consent(consent("C1", revoked_on=D(2030, 1, 1)))
        assert engine.decide(request()).consent == "C1"
