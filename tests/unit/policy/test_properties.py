"""Properties of the decision engine and pay (hypothesis; strategies in tests/strategies.py).

Cases start from a request and a consent that allows it (every SPEC §5 and §4.2 check passes),
then maybe give that consent or request one defect, and mix in random consents about the same
world. Each property counts how often it reached the branch it is about and asserts a floor,
so a strategy that drifts back to "always deny" fails here instead of passing vacuously. The
runs are derandomized: every run draws the same examples.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from likeness.compensation.pay import RateBookPay
from likeness.compensation.rates import load_rate_book
from likeness.domain.consents import Consent
from likeness.domain.decisions import Decision, PayBasis
from likeness.domain.requests import Request, RequestKind
from likeness.domain.world import World
from likeness.policy.engine import DecisionEngine
from likeness.rulesets import RULE_SET_IDS
from tests.strategies import (
    DEFECTS,
    VALIDITY_DEFECTS,
    allowable_requests,
    consents_over,
    covering_consents,
    defects,
    pay_terms,
    subject_performer,
)
from tests.unit.policy.builders import world as policy_world

PAY = RateBookPay()
#: the same examples on every run, and none replayed from a database of earlier failures
PROPERTY = settings(max_examples=300, deadline=None, derandomize=True, database=None)


@dataclasses.dataclass(frozen=True)
class Case:
    """A world, a request and the consents stored, in order; ``covering`` is the id of the
    consent drawn to allow the request and ``defect`` what was then done to it, if anything."""

    world: World
    request: Request
    consents: tuple[Consent, ...]
    covering: str
    defect: str | None


def _decide(case: Case, consents: list[Consent] | tuple[Consent, ...] | None = None) -> Decision:
    stored = case.consents if consents is None else consents
    w = dataclasses.replace(case.world, consents={c.id: c for c in stored})
    return DecisionEngine(w, PAY).decide(case.request)


def _pays(decision: Decision) -> bool:
    return decision.allowed and any(o.kind == "pay" for o in decision.obligations)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Half the time the covering consent (or the request) gets one defect; 0 to 3 random
    consents about the same world are stored before or after it."""
    w = policy_world(draw(st.sampled_from(RULE_SET_IDS)))
    request = draw(allowable_requests(w))
    covering = draw(covering_consents(w, request, "C0"))
    defect = None
    if draw(st.booleans()):
        found = draw(defects(w, request, covering))
        request, covering, defect = found.request, found.consent, found.defect
    noise = [draw(consents_over(w, f"N{i}")) for i in range(draw(st.integers(0, 3)))]
    at = draw(st.integers(0, len(noise)))
    return Case(w, request, (*noise[:at], covering, *noise[at:]), covering.id, defect)


def test_at_least_30_percent_of_generated_cases_are_allowed_with_a_pay_line():
    seen: Counter[str] = Counter()

    @PROPERTY
    @given(cases())
    def measure(case):
        decision = _decide(case)
        seen["cases"] += 1
        seen["allowed with pay"] += _pays(decision)
        seen[f"kind {case.request.kind}"] += _pays(decision)

    measure()
    assert seen["allowed with pay"] >= 0.30 * seen["cases"], seen
    for kind in RequestKind:  # every kind of request is allowed now and then
        assert seen[f"kind {kind}"] >= 0.05 * seen["cases"], seen


@PROPERTY
@given(st.data())
def test_a_covering_consent_alone_allows_its_request_and_pays(data):
    w = policy_world(data.draw(st.sampled_from(RULE_SET_IDS)))
    request = data.draw(allowable_requests(w))
    covering = data.draw(covering_consents(w, request, "C0"))
    decision = _decide(Case(w, request, (covering,), covering.id, None))
    assert (decision.allowed, decision.reasons, decision.consent) == (
        True,
        ("covered-by-consent",),
        "C0",
    )
    assert _pays(decision)


@pytest.mark.parametrize("defect", DEFECTS)
def test_one_defect_of_a_covering_consent_denies_with_its_codes_alone(defect):
    seen: Counter[str] = Counter()

    @settings(PROPERTY, max_examples=40)
    @given(st.data())
    def check(data):
        w = policy_world(data.draw(st.sampled_from(RULE_SET_IDS)))
        request = data.draw(allowable_requests(w))
        covering = data.draw(covering_consents(w, request, "C0"))
        found = data.draw(defects(w, request, covering, among=(defect,)))
        decision = _decide(Case(w, found.request, (found.consent,), "C0", found.defect))
        seen[found.defect] += 1
        assert (decision.allowed, decision.reasons) == (False, found.reasons), found

    check()
    assert seen[defect] >= 20, seen


def test_revoking_a_consent_never_turns_a_deny_into_an_allow():
    seen: Counter[str] = Counter()

    @PROPERTY
    @given(cases(), st.data())
    def revoke(case, data):
        before = _decide(case)
        consents = list(case.consents)
        ids = [c.id for c in consents]
        # mostly the cited consent, mostly on or before the date: the branches that matter
        cited = ids.index(before.consent) if before.consent in ids else None
        i = data.draw(st.integers(0, len(ids) - 1))
        if cited is not None and data.draw(st.integers(0, 3)):
            i = cited
        date = case.request.date
        on = date + dt.timedelta(days=data.draw(st.integers(-400, 200)))
        consents[i] = consents[i].revoked(on)
        after = _decide(case, consents)
        seen["cases"] += 1
        assert before.allowed or not after.allowed
        if not before.allowed:
            seen["denied before"] += 1
        elif i == cited and on <= date:
            seen["cited consent revoked in time"] += 1
            assert after.consent != before.consent
            assert after.allowed or "consent-revoked" in after.reasons
        elif on > date:
            seen["revoked after the date"] += 1
            assert after == before

    revoke()
    assert seen["denied before"] >= 0.2 * seen["cases"], seen
    assert seen["cited consent revoked in time"] >= 0.2 * seen["cases"], seen
    assert seen["revoked after the date"] >= 0.1 * seen["cases"], seen


def test_expiring_a_consent_earlier_never_turns_a_deny_into_an_allow():
    seen: Counter[str] = Counter()

    @PROPERTY
    @given(cases(), st.data())
    def expire(case, data):
        before = _decide(case)
        consents = list(case.consents)
        # only consents that end: giving an end to a perpetual one would cure perpetual-term
        ending = [i for i, c in enumerate(consents) if c.valid_until is not None]
        if not ending:
            return
        ids = [c.id for c in consents]
        cited = ids.index(before.consent) if before.consent in ids else None
        i = data.draw(st.sampled_from(ending))
        if cited in ending and data.draw(st.integers(0, 3)):
            i = cited
        c = consents[i]
        assert c.valid_until is not None
        start = c.valid_from or c.valid_until - dt.timedelta(days=700)
        until = data.draw(st.dates(min_value=start, max_value=c.valid_until))
        consents[i] = dataclasses.replace(c, valid_until=until)
        after = _decide(case, consents)
        seen["cases"] += 1
        assert before.allowed or not after.allowed
        if not before.allowed:
            seen["denied before"] += 1
        elif i == cited and until < case.request.date:
            seen["cited consent expired before the date"] += 1
            assert after.consent != before.consent
            assert after.allowed or "consent-expired" in after.reasons

    expire()
    assert seen["denied before"] >= 0.2 * seen["cases"], seen
    assert seen["cited consent expired before the date"] >= 0.2 * seen["cases"], seen


def test_adding_an_invalid_consent_never_changes_a_decision():
    seen: Counter[str] = Counter()

    @PROPERTY
    @given(cases(), st.data())
    def add_invalid(case, data):
        before = _decide(case)
        covering = next(c for c in case.consents if c.id == case.covering)
        if data.draw(st.integers(0, 3)):
            # a twin of the covering consent that fails one check of §5, and only that one
            twin = dataclasses.replace(covering, id="CX")
            among = VALIDITY_DEFECTS
            invalid = data.draw(defects(case.world, case.request, twin, among=among)).consent
        else:
            random = data.draw(consents_over(case.world, "CX"))
            invalid = dataclasses.replace(random, separately_signed=False)
        at = data.draw(st.integers(0, len(case.consents)))
        after = _decide(case, [*case.consents[:at], invalid, *case.consents[at:]])
        seen["cases"] += 1
        assert after.allowed == before.allowed
        if before.allowed:
            assert (after.consent, after.obligations) == (before.consent, before.obligations)
            cited = [c.id for c in case.consents].index(before.consent)
            if at <= cited and invalid.subject == covering.subject:
                seen["examined before the cited consent"] += 1

    add_invalid()
    assert seen["examined before the cited consent"] >= 0.15 * seen["cases"], seen


def test_the_order_consents_are_stored_in_never_changes_allow_or_deny():
    seen: Counter[str] = Counter()

    @PROPERTY
    @given(cases(), st.randoms(use_true_random=False))
    def shuffle(case, rnd):
        before = _decide(case)
        shuffled = list(case.consents)
        rnd.shuffle(shuffled)
        # a random order, and the reverse order (which differs whenever there are two or more)
        for order in (shuffled, list(reversed(case.consents))):
            after = _decide(case, order)
            assert after.allowed == before.allowed
            if not before.allowed:
                # every consent examined is listed, whatever the order (SPEC §4.2)
                assert sorted(after.reasons) == sorted(before.reasons)
        seen["cases"] += 1
        if before.allowed and len(case.consents) > 1:
            seen["allowed, reordered"] += 1

    shuffle()
    assert seen["allowed, reordered"] >= 0.15 * seen["cases"], seen


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
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


def test_an_allowed_decision_never_pays_below_the_day_minimum_per_day_or_the_bargain():
    seen: Counter[str] = Counter()

    @PROPERTY
    @given(cases())
    def paid(case):
        decision = _decide(case)
        seen["cases"] += 1
        pay = next((o for o in decision.obligations if o.kind == "pay"), None)
        if pay is None:
            return
        seen["paid"] += 1
        request = case.request
        performer = subject_performer(case.world, request)
        book = load_rate_book(decision.rule_set)
        minimum = book.day_minimum(str(performer.category), request.date)
        days = 1 if request.kind == "create" else request.days
        assert pay.amount is not None
        assert pay.amount >= minimum.amount * days
        cited = next((c for c in case.consents if c.id == decision.consent), None)
        if cited is not None and cited.compensation is not None:
            seen["paid under a bargain"] += 1
            assert pay.amount >= cited.compensation.bargained(days)

    paid()
    assert seen["paid"] >= 0.3 * seen["cases"], seen
    assert seen["paid under a bargain"] >= 0.2 * seen["cases"], seen
