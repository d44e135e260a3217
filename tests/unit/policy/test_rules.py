"""One test class per rule of SPEC §4 (sigstore's test_policy.py layout)."""

from __future__ import annotations

import datetime as dt

import pytest

from likeness.domain.consents import UseKind
from likeness.domain.ids import PerformerId, ProducerId, ProductionId, ReplicaId
from likeness.domain.requests import RequestKind
from likeness.domain.strikes import Strike
from likeness.policy.combinators import AllOf, AllOfConsent
from likeness.policy.consent_rules import has_authority
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


def _at(day: str, hour: int) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour))


def _create(**overrides):
    fields = {
        "kind": RequestKind.CREATE,
        "use": UseKind.CREATE,
        "replica": None,
        "performer": PerformerId("P1"),
        "date": D(2024, 4, 10),
        "session_at": _at("2024-04-10", 9),
        "notice_at": _at("2024-04-07", 9),
        "engaged_at": _at("2024-04-01", 9),
        "business_reason": "crowd scenes of the stadium sequence",
    }
    fields.update(overrides)
    return request(**fields)


def _create_consent(**overrides):
    fields = {
        "replica": None,
        "performer": PerformerId("P1"),
        "uses": ("create",),
        "compensation": None,
        "valid_from": D(2024, 3, 1),
    }
    fields.update(overrides)
    return consent("CC", **fields)


class TestAllOf:
    def test_an_empty_all_of_cannot_be_built_so_it_never_allows(self):
        with pytest.raises(ValueError, match="at least one rule"):
            AllOf(())
        with pytest.raises(ValueError, match="at least one rule"):
            AllOfConsent(())


class TestProducerIsAuthorized:
    def test_a_producer_asking_about_another_producers_production_is_denied(self):
        d = decide(world(), request(producer=ProducerId("S2")), consent())
        assert not d.allowed
        assert d.reasons == ("producer-not-authorized",)

    def test_the_producer_of_the_production_passes(self):
        assert decide(world(), request(), consent()).allowed


class TestIdsAreKnown:
    def test_an_unknown_replica_is_denied(self):
        d = decide(world(), request(replica=ReplicaId("NOPE")), consent())
        assert d.reasons == ("unknown-replica",)

    def test_an_unknown_production_is_denied_without_blaming_the_producer(self):
        d = decide(world(), request(production=ProductionId("F404")), consent())
        assert d.reasons == ("unknown-production",)

    def test_an_unknown_performer_in_a_create_is_denied(self):
        d = decide(world(), _create(performer=PerformerId("P404")))
        assert d.reasons == ("unknown-performer",)

    def test_every_failing_check_is_listed_and_consent_is_not_looked_at(self):
        d = decide(
            world(),
            request(producer=ProducerId("S2"), replica=ReplicaId("NOPE")),
            consent(),
        )
        assert d.reasons == ("producer-not-authorized", "unknown-replica")
        assert "consent" not in d.ran


class TestStrikeNotInEffect:
    strike = Strike((ProducerId("S1"),), D(2027, 3, 1), D(2027, 6, 15))

    def _decide(self, agreement, day, **kw):
        w = world(agreement)
        w.strikes.append(self.strike)
        c = consent(valid_until=D(2028, 1, 1), signed_on=D(2024, 2, 28))
        return decide(w, request(date=day, **kw), c)

    def test_a_use_during_a_strike_is_denied_under_2026(self):
        assert self._decide(T2026, D(2027, 4, 1)).reasons == ("strike-in-effect",)

    def test_the_day_work_resumed_is_not_covered(self):
        assert self._decide(T2026, D(2027, 6, 15)).allowed

    def test_the_first_day_of_the_strike_is_covered(self):
        assert not self._decide(T2026, D(2027, 3, 1)).allowed

    def test_the_interactive_agreement_has_no_automatic_strike_rule(self):
        # 2025 Interactive Media Agreement: only a consent the performer suspended stops
        assert self._decide(INTERACTIVE, D(2027, 4, 1)).reasons == ("covered-by-consent",)

    def test_the_2023_agreement_has_no_strike_rule(self):
        d = self._decide(T2023, D(2027, 4, 1))
        assert (d.allowed, d.reasons, d.consent) == (True, ("covered-by-consent",), "C1")

    def test_a_strike_against_all_covers_every_producer(self):
        w = world(T2026)
        w.strikes.append(Strike(None, D(2027, 3, 1), None))
        d = decide(w, request(date=D(2027, 4, 1)), consent(valid_until=D(2028, 1, 1)))
        assert d.reasons == ("strike-in-effect",)

    def test_a_strike_against_another_producer_does_not_apply(self):
        w = world(T2026)
        w.strikes.append(Strike((ProducerId("S2"),), D(2027, 3, 1), None))
        d = decide(w, request(date=D(2027, 4, 1)), consent(valid_until=D(2028, 1, 1)))
        assert (d.allowed, d.reasons) == (True, ("covered-by-consent",))

    def test_an_alteration_is_not_a_use_or_create_so_no_strike_check(self):
        w = world(T2026)
        w.strikes.append(Strike(None, D(2027, 3, 1), None))
        d = decide(
            w,
            request(
                kind=RequestKind.ALTERATION,
                use=UseKind.ALTERATION,
                purpose="noise-reduction",
                substantially_as_scripted=True,
                date=D(2027, 4, 1),
            ),
        )
        assert d.allowed and d.reasons == ("alteration-exempt",)


class TestMinorNotInProtectedUse:
    def _nudity(self, agreement, day=D(2024, 8, 1)):
        c = consent(
            replica=ReplicaId("DM"),
            given_by="G1",
            uses=("nudity",),
            signed_on=D(2024, 1, 5),
            valid_until=D(2025, 6, 1),
        )
        return decide(world(agreement), request(replica=ReplicaId("DM"), use="nudity", date=day), c)

    @pytest.mark.parametrize("agreement", [T2026, INTERACTIVE, NO_UNION])
    def test_a_minors_replica_is_never_used_for_nudity_whatever_the_consent(self, agreement):
        assert self._nudity(agreement).reasons == ("minor-protected-use",)

    def test_sexual_content_is_protected_too(self):
        c = consent(replica=ReplicaId("DM"), given_by="G1", uses=("sexual-content",))
        d = decide(world(T2026), request(replica=ReplicaId("DM"), use="sexual-content"), c)
        assert d.reasons == ("minor-protected-use",)

    def test_the_2023_agreement_leaves_it_to_the_guardians_consent(self):
        assert self._nudity(T2023).allowed

    def test_once_eighteen_the_protection_no_longer_applies(self):
        d = self._nudity(T2026, day=D(2030, 6, 1))
        # past the protection, the consent is looked at (and has ended by then)
        assert d.reasons == ("consent-expired",)


class TestBackgroundNotCounted:
    def test_a_background_replica_counted_as_a_hired_extra_is_denied(self):
        d = decide(world(), request(counts_toward_background=True), consent())
        assert d.reasons == ("background-count-substitution",)

    def test_a_principals_replica_is_not_a_background_replica(self):
        c = consent(replica=ReplicaId("D2"), given_by="P2", signed_on=D(2024, 2, 1))
        d = decide(world(), request(replica=ReplicaId("D2"), counts_toward_background=True), c)
        assert (d.allowed, d.reasons) == (True, ("covered-by-consent",))


class TestScanNoticeGiven:
    def test_notice_48_hours_or_more_before_the_session_passes(self):
        d = decide(world(), _create(notice_at=_at("2024-04-08", 9)), _create_consent())
        assert d.allowed

    def test_notice_under_48_hours_before_the_session_is_late(self):
        d = decide(world(), _create(notice_at=_at("2024-04-08", 10)), _create_consent())
        assert d.reasons == ("scan-notice-late",)

    def test_a_performer_engaged_late_and_noticed_at_engagement_is_not_late(self):
        d = decide(
            world(),
            _create(notice_at=_at("2024-04-09", 8), engaged_at=_at("2024-04-09", 8)),
            _create_consent(),
        )
        assert d.allowed

    def test_engaged_late_but_noticed_after_engagement_is_late(self):
        d = decide(
            world(),
            _create(notice_at=_at("2024-04-09", 10), engaged_at=_at("2024-04-09", 8)),
            _create_consent(),
        )
        assert d.reasons == ("scan-notice-late",)

    def test_a_session_with_no_notice_at_all_is_late(self):
        d = decide(world(), _create(notice_at=None), _create_consent())
        assert d.reasons == ("scan-notice-late",)


class TestBusinessReasonGiven:
    def test_a_create_without_business_reason_is_denied_under_2026(self):
        d = decide(world(T2026), _create(business_reason=None), _create_consent())
        assert d.reasons == ("no-business-reason",)

    def test_a_blank_business_reason_is_no_reason(self):
        d = decide(world(T2026), _create(business_reason="  "), _create_consent())
        assert d.reasons == ("no-business-reason",)

    def test_the_2023_agreement_does_not_ask_for_one(self):
        assert decide(world(T2023), _create(business_reason=None), _create_consent()).allowed


class TestSyntheticJustified:
    def _synthetic(self, agreement, **kw):
        fields = {
            "kind": RequestKind.SYNTHETIC,
            "use": UseKind.NEW_PERFORMANCE,
            "replica": None,
            "human_role": True,
        }
        fields.update(kw)
        return decide(world(agreement), request(**fields))

    def test_a_human_role_without_justification_is_denied_under_2026(self):
        d = self._synthetic(T2026)
        assert d.reasons == ("synthetic-needs-justification",)

    def test_a_justified_human_role_is_allowed(self):
        d = self._synthetic(T2026, justification="a crowd of robots needs one human face")
        assert d.allowed and d.reasons == ("synthetic-no-resemblance",)

    def test_the_2023_agreement_does_not_ask_for_one(self):
        assert self._synthetic(T2023).allowed

    def test_a_resemblance_without_consent_lists_both_problems(self):
        d = self._synthetic(T2026, resembles=PerformerId("P2"), prompted_with_name=True)
        assert d.reasons == (
            "needs-performer-consent",
            "no-consent",
            "synthetic-needs-justification",
        )


class TestConsentIsValid:
    def test_an_invalid_consent_is_listed_with_its_problems(self):
        d = decide(world(), request(), consent(separately_signed=False))
        assert d.reasons == ("consent-invalid", "not-separately-signed")

    def test_the_no_union_term_cap_applies_only_under_no_union(self):
        c = consent(valid_until=D(2036, 1, 1))
        assert decide(world(T2023), request(), c).allowed
        d = decide(world(NO_UNION), request(), c)
        assert d.reasons == ("consent-invalid", "term-exceeds-legal-cap")


class TestConsentIsAuthorized:
    @pytest.mark.parametrize(
        ("given_by", "replica", "signed_on", "allowed"),
        [
            ("P1", "D1", D(2024, 2, 28), True),  # the adult performer herself
            ("A2", "D2", D(2024, 2, 28), False),  # agent without may_consent
            ("M1", "DM", D(2024, 2, 28), False),  # a minor cannot consent alone
            ("G1", "DM", D(2024, 2, 28), True),  # the guardian of a minor
            ("A1", "DX", D(2024, 7, 1), False),  # agent after death
            ("E1", "DX", D(2024, 7, 1), True),  # the estate after death
            ("union", "DX", D(2024, 7, 1), False),  # union when an estate exists
            ("union", "DY", D(2024, 7, 1), True),  # union, no estate
            ("union", "D1", D(2024, 2, 28), False),  # union for a living performer
            ("A1", "DX", D(2024, 1, 1), True),  # agent with may_consent, in life
            ("stranger", "D1", D(2024, 2, 28), False),
        ],
    )
    def test_authority_on_the_day_of_signing(self, given_by, replica, signed_on, allowed):
        w = world()
        c = consent(given_by=given_by, replica=ReplicaId(replica), signed_on=signed_on)
        performer = w.performers[w.replicas[ReplicaId(replica)].performer]
        assert has_authority(c, performer) is allowed

    def test_an_unauthorized_consent_denies_with_its_code(self):
        c = consent(given_by="A2", replica=ReplicaId("D2"))
        d = decide(world(), request(replica=ReplicaId("D2")), c)
        assert d.reasons == ("consent-not-authorized",)

    def test_a_guardians_consent_for_a_minor_covers_the_use(self):
        c = consent(given_by="G1", replica=ReplicaId("DM"))
        assert decide(world(), request(replica=ReplicaId("DM")), c).allowed


class TestConsentOutlivesPerformer:
    def _c(self, **kw):
        return consent(
            replica=ReplicaId("DX"),
            given_by="A1",
            signed_on=D(2024, 1, 2),
            productions=("F1",),
            uses=("new-performance",),
            **kw,
        )

    def test_a_lifetime_only_consent_ends_at_death(self):
        d = decide(
            world(),
            request(replica=ReplicaId("DX"), use="new-performance"),
            self._c(lifetime_only=True),
        )
        assert d.reasons == ("consent-ended-at-death",)

    def test_a_consent_given_in_life_otherwise_survives_death(self):
        d = decide(world(), request(replica=ReplicaId("DX"), use="new-performance"), self._c())
        assert d.allowed

    def test_on_the_day_of_death_the_performer_is_still_alive(self):
        d = decide(
            world(),
            request(replica=ReplicaId("DX"), use="new-performance", date=D(2024, 5, 10)),
            self._c(lifetime_only=True),
        )
        assert d.allowed


class TestConsentInForce:
    def test_before_valid_from_is_not_yet_valid(self):
        d = decide(world(), request(date=D(2024, 2, 29)), consent())
        assert d.reasons == ("consent-not-yet-valid",)

    def test_the_last_day_is_still_covered_and_the_next_is_expired(self):
        assert decide(world(), request(date=D(2025, 12, 31)), consent()).allowed
        d = decide(world(), request(date=D(2026, 1, 1)), consent())
        assert d.reasons == ("consent-expired",)

    def test_revoked_on_the_date_of_use_is_revoked(self):
        d = decide(world(), request(date=D(2024, 8, 1)), consent(revoked_on=D(2024, 8, 1)))
        assert d.reasons == ("consent-revoked",)

    def test_uses_before_the_revocation_stay_allowed(self):
        assert decide(
            world(), request(date=D(2024, 7, 31)), consent(revoked_on=D(2024, 8, 1))
        ).allowed


class TestConsentCoversRequest:
    def test_another_production_and_use_are_both_listed(self):
        d = decide(
            world(), request(production=ProductionId("F2"), use="new-performance"), consent()
        )
        assert d.reasons == ("production-not-covered", "use-not-covered")

    def test_a_use_needs_a_consent_naming_the_replica(self):
        c = consent(replica=None, performer=PerformerId("P1"))
        d = decide(world(), request(), c)
        assert d.reasons == ("replica-not-covered",)

    def test_a_create_needs_a_consent_naming_the_performer(self):
        c = _create_consent(performer=None, replica=ReplicaId("D1"))
        d = decide(world(), _create(replica=ReplicaId("D1")), c)
        assert (d.allowed, d.reasons) == (False, ("replica-not-covered",))

    def test_codes_of_every_consent_examined_are_listed(self):
        other = consent("C2", productions=("F2",))
        late = consent("C3", valid_until=D(2024, 6, 1))
        d = decide(world(), request(), other, late)
        assert d.reasons == ("consent-expired", "production-not-covered")

    def test_with_no_consent_at_all_the_reason_is_no_consent(self):
        assert decide(world(), request()).reasons == ("no-consent",)

    def test_the_first_passing_consent_is_cited(self):
        d = decide(
            world(), request(), consent("C0", productions=("F2",)), consent("C1"), consent("C2")
        )
        assert d.consent == "C1"
