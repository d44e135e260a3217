"""One test class per consent validity check of SPEC §5."""

from __future__ import annotations

from decimal import Decimal

import pytest

from likeness.domain.consents import Compensation, PayPer
from likeness.domain.ids import PerformerId
from likeness.policy.validity import (
    BASE_VALIDITY_CHECKS,
    CompensationStated,
    LimitedTerm,
    NamedScope,
    SeparatelySigned,
    SpecificDescription,
    TermWithinLegalCap,
    validity_problems,
)
from tests.unit.policy.builders import D, consent, world

STUDIO_PROPOSAL = (
    "Scanned for one day's pay; the company owns the scan and may use it for the rest of"
    " eternity on any project, with no consent and no compensation"
)


class TestSeparatelySigned:
    def test_a_consent_inside_the_employment_contract_is_invalid(self):
        assert SeparatelySigned().problems(consent(separately_signed=False), None) == (
            "not-separately-signed",
        )

    def test_a_separately_signed_consent_passes(self):
        assert SeparatelySigned().problems(consent(), None) == ()


class TestNamedScope:
    @pytest.mark.parametrize(
        "fields",
        [
            {"productions": ()},
            {"productions": ("*",)},
            {"uses": ()},
            {"uses": ("*",)},
            {"productions": ("F1", "*")},
        ],
    )
    def test_no_named_productions_or_uses_is_blanket(self, fields):
        assert NamedScope().problems(consent(**fields), None) == ("blanket-scope",)

    @pytest.mark.parametrize(
        "wording",
        [
            "may be used on any project of the company",
            "for ANY PROJECTS the studio makes in future",
            "in any and all productions of the studio and its affiliates",
            "in any-and-all media of the company group",
            "in all media now known or hereafter devised, for the stadium scene",
            "in all formats, whether now known or hereafter developed",
            "throughout the universe, for the stadium sequence in reel two",
            "throughout the known universe for the stadium sequence",
            "for any purpose whatsoever connected with the film and its sequels",
            "for any and all purposes in connection with the stadium scene",
            "without limitation, in the stadium sequence of reel two",
            "without any restriction, in the stadium sequence of reel two",
        ],
    )
    def test_blanket_wording_is_found_in_its_variants(self, wording):
        assert NamedScope().problems(consent(description=wording), None) == ("blanket-scope",)

    def test_a_description_of_named_works_passes(self):
        assert NamedScope().problems(consent(), None) == ()

    def test_ordinary_words_near_the_patterns_are_not_blanket(self):
        text = "The project manager will use the stadium sequence of reel two for all crowd shots"
        assert NamedScope().problems(consent(description=text), None) == ()


class TestLimitedTerm:
    def test_no_end_date_is_perpetual(self):
        assert LimitedTerm().problems(consent(valid_until=None), None) == ("perpetual-term",)

    @pytest.mark.parametrize(
        "wording",
        [
            "stadium sequence of reel two, in perpetuity",
            "a Perpetual licence for the stadium sequence of reel two",
            "the stadium sequence of reel two, forever",
            "the stadium sequence of reel two, for ever and ever",
            "the stadium sequence of reel two, for all time",
            "the stadium sequence for the rest of eternity",
            "the stadium sequence of reel two until the end of time",
        ],
    )
    def test_perpetual_wording_is_found_in_its_variants(self, wording):
        assert LimitedTerm().problems(consent(description=wording), None) == ("perpetual-term",)

    def test_a_dated_end_and_plain_description_pass(self):
        assert LimitedTerm().problems(consent(), None) == ()


class TestSpecificDescription:
    @pytest.mark.parametrize(
        "text", ["", "crowd multiplication", "Crowd shots in the film", "new performance"]
    )
    def test_short_descriptions_are_not_specific(self, text):
        assert SpecificDescription().problems(consent(description=text), None) == (
            "description-not-specific",
        )

    def test_a_long_restatement_of_use_codes_is_not_specific(self):
        text = "use for crowd-multiplication and new-performance and promotion and dubbing"
        assert SpecificDescription().problems(consent(description=text), None) == (
            "description-not-specific",
        )

    def test_a_description_of_what_and_where_passes(self):
        assert SpecificDescription().problems(consent(), None) == ()


class TestCompensationStated:
    def test_a_paid_use_without_terms_is_invalid(self):
        assert CompensationStated().problems(consent(compensation=None), None) == (
            "no-compensation",
        )

    def test_an_amount_of_zero_is_a_stated_term(self):
        c = consent(compensation=Compensation(Decimal("0"), PayPer.USE))
        assert CompensationStated().problems(c, None) == ()

    @pytest.mark.parametrize("uses", [("create",), ("as-scripted",), ("create", "as-scripted")])
    def test_create_and_as_scripted_need_no_terms(self, uses):
        assert CompensationStated().problems(consent(uses=uses, compensation=None), None) == ()


class TestTermWithinLegalCap:
    cap = TermWithinLegalCap(adult_years=10, minor_years=5)

    def test_an_adults_consent_may_run_ten_years_from_signing(self):
        w = world()
        p1 = w.performers[PerformerId("P1")]
        assert self.cap.problems(consent(valid_until=D(2034, 2, 28)), p1) == ()
        assert self.cap.problems(consent(valid_until=D(2034, 3, 1)), p1) == (
            "term-exceeds-legal-cap",
        )

    def test_a_minors_consent_never_runs_past_the_eighteenth_birthday(self):
        m1 = world().performers[PerformerId("M1")]
        signed = D(2027, 1, 1)  # 14; five years would reach 2032, past 2030-06-01
        assert self.cap.problems(consent(signed_on=signed, valid_until=D(2030, 6, 1)), m1) == ()
        assert self.cap.problems(consent(signed_on=signed, valid_until=D(2030, 6, 2)), m1) == (
            "term-exceeds-legal-cap",
        )

    def test_a_minors_consent_runs_at_most_five_years(self):
        m1 = world().performers[PerformerId("M1")]
        signed = D(2018, 1, 1)  # aged 5
        c = consent(signed_on=signed, valid_from=signed, valid_until=D(2023, 1, 1))
        assert self.cap.problems(c, m1) == ()
        c = consent(signed_on=signed, valid_from=signed, valid_until=D(2023, 1, 2))
        assert self.cap.problems(c, m1) == ("term-exceeds-legal-cap",)

    def test_an_unending_consent_exceeds_any_cap(self):
        p1 = world().performers[PerformerId("P1")]
        assert self.cap.problems(consent(valid_until=None), p1) == ("term-exceeds-legal-cap",)

    def test_a_consent_signed_after_death_is_not_capped(self):
        x1 = world().performers[PerformerId("X1")]
        c = consent(signed_on=D(2024, 7, 1), valid_until=D(2060, 1, 1), given_by="E1")
        assert self.cap.problems(c, x1) == ()


class TestTheStudioProposal:
    def test_the_2023_studio_proposal_is_blanket_and_perpetual(self):
        c = consent(
            separately_signed=False,
            productions=("*",),
            uses=("*",),
            description=STUDIO_PROPOSAL,
            valid_until=None,
            compensation=None,
        )
        problems = validity_problems(c, None, BASE_VALIDITY_CHECKS)
        assert {"blanket-scope", "perpetual-term"} <= set(problems)
        assert problems == (
            "not-separately-signed",
            "blanket-scope",
            "perpetual-term",
            "no-compensation",
        )
