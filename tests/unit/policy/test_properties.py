"""Properties of the decision engine and pay (hypothesis; strategies in tests/strategies.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from likeness.compensation.pay import RateBookPay
from likeness.compensation.rates import load_rate_book
from likeness.domain.decisions import Decision, PayBasis
from likeness.domain.world import World
from likeness.policy.engine import DecisionEngine
from likeness.rulesets import RULE_SET_IDS
from tests.strategies import consents_over, pay_terms, requests_over
from tests.unit.policy.builders import world as policy_world

PAY = RateBookPay()


def _decide(base: World, consents, request) -> Decision:
    w = dataclasses.replace(base, consents={c.id: c for c in consents})
    return DecisionEngine(w, PAY).decide(request)


@st.composite
def cases(draw):
    agreement = draw(st.sampled_from(RULE_SET_IDS))
    w = policy_world(agreement)
    n = draw(st.integers(0, 4))
    consents = [draw(consents_over(w, f"C{i}")) for i in range(n)]
    return w, consents, draw(requests_over(w))


@settings(max_examples=300, deadline=None)
@given(cases(), st.data())
def test_revoking_a_consent_never_turns_a_deny_into_an_allow(case, data):
    w, consents, request = case
    before = _decide(w, consents, request)
    if before.allowed or not consents:
        return
    i = data.draw(st.integers(0, len(consents) - 1))
    on = data.draw(st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2028, 1, 1)))
    consents[i] = consents[i].revoked(on)
    assert not _decide(w, consents, request).allowed


@settings(max_examples=300, deadline=None)
@given(cases(), st.data())
def test_expiring_a_consent_earlier_never_turns_a_deny_into_an_allow(case, data):
    w, consents, request = case
    before = _decide(w, consents, request)
    if before.allowed or not consents:
        return
    i = data.draw(st.integers(0, len(consents) - 1))
    c = consents[i]
    floor = c.valid_from or dt.date(2023, 1, 1)
    until = data.draw(st.dates(min_value=floor, max_value=c.valid_until or dt.date(2028, 1, 1)))
    consents[i] = dataclasses.replace(c, valid_until=until)
    assert not _decide(w, consents, request).allowed


@settings(max_examples=300, deadline=None)
@given(cases(), st.data())
def test_adding_an_invalid_consent_never_changes_a_decision(case, data):
    w, consents, request = case
    before = _decide(w, consents, request)
    extra = data.draw(consents_over(w, "CX"))
    invalid = dataclasses.replace(extra, separately_signed=False)
    position = data.draw(st.integers(0, len(consents)))
    after = _decide(w, [*consents[:position], invalid, *consents[position:]], request)
    assert after.allowed == before.allowed
    if before.allowed:
        assert (after.consent, after.obligations) == (before.consent, before.obligations)


@settings(max_examples=300, deadline=None)
@given(cases(), st.randoms(use_true_random=False))
def test_the_order_consents_are_stored_in_never_changes_allow_or_deny(case, rnd):
    w, consents, request = case
    before = _decide(w, consents, request)
    shuffled = list(consents)
    rnd.shuffle(shuffled)
    assert _decide(w, shuffled, request).allowed == before.allowed


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(RULE_SET_IDS).flatmap(pay_terms))
def test_pay_is_never_below_the_floor(terms):
    lines = PAY.pay_obligations(terms)
    pay = lines[0].amount
    minimum = load_rate_book(terms.rule_set).day_minimum(str(terms.performer.category), terms.date)
    days = 1 if terms.basis is PayBasis.SCAN_SESSION else terms.days
    assert pay is not None
    assert pay >= minimum.amount * days
    if terms.basis is not PayBasis.OTHER_USE:
        performer = terms.performer
        if performer.day_rate is not None:
            daily = performer.day_rate
        elif performer.weekly_salary is not None:
            daily = performer.weekly_salary / 5
        else:
            daily = Decimal(0)
        assert pay >= (daily * days).quantize(Decimal("0.01"))
    if terms.compensation is not None:
        assert pay >= terms.compensation.bargained(days)
    assert lines[1].amount == (pay * Decimal("0.21")).quantize(Decimal("0.01"), "ROUND_HALF_UP")


@settings(max_examples=300, deadline=None)
@given(cases())
def test_an_allowed_decision_never_pays_below_the_day_minimum_per_day(case):
    w, consents, request = case
    decision = _decide(w, consents, request)
    pay = next((o for o in decision.obligations if o.kind == "pay"), None)
    if pay is None:
        return
    who = request.resembles if request.kind == "synthetic" else request.performer
    if request.replica is not None and request.kind != "synthetic":
        who = w.replicas[request.replica].performer
    performer = w.performers[who]
    minimum = load_rate_book(decision.rule_set).day_minimum(str(performer.category), request.date)
    days = 1 if request.kind == "create" else request.days
    assert pay.amount is not None
    assert pay.amount >= minimum.amount * days
