"""Sharing the success bonus by largest remainder (SPEC §6.1): properties and examples."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from likeness.compensation.residuals.bonus import allocate_largest_remainder
from likeness.compensation.rounding import round_money
from likeness.errors import CompensationError
from tests.strategies import residual_weights

SHARE = Decimal("0.75")


@given(residual_weights())
def test_shares_sum_to_75_percent_of_the_bonus_to_the_cent_and_the_fund_gets_the_rest(weights):
    bonus = sum(weights.values(), Decimal("0.00"))
    part = round_money(bonus * SHARE)
    shares = allocate_largest_remainder(part, weights)
    assert set(shares) == set(weights)
    assert sum(shares.values(), Decimal(0)) == part
    fund = bonus - sum(shares.values(), Decimal(0))
    assert fund == bonus - part
    assert fund >= 0


@given(residual_weights())
def test_no_share_is_negative_and_every_share_is_in_cents(weights):
    bonus = sum(weights.values(), Decimal("0.00"))
    shares = allocate_largest_remainder(round_money(bonus * SHARE), weights)
    for share in shares.values():
        assert share >= 0
        assert share == round_money(share)


@given(residual_weights())
def test_each_share_is_within_a_cent_of_its_exact_proportion(weights):
    bonus = sum(weights.values(), Decimal("0.00"))
    part = round_money(bonus * SHARE)
    shares = allocate_largest_remainder(part, weights)
    if bonus == 0:
        assert all(s == 0 for s in shares.values())
        return
    for performer, weight in weights.items():
        exact = part * weight / bonus
        assert abs(shares[performer] - exact) < Decimal("0.01")


@given(residual_weights(), st.randoms())
def test_the_allocation_does_not_depend_on_the_order_performers_are_listed(weights, rng):
    bonus = sum(weights.values(), Decimal("0.00"))
    part = round_money(bonus * SHARE)
    items = list(weights.items())
    rng.shuffle(items)
    assert allocate_largest_remainder(part, dict(items)) == allocate_largest_remainder(
        part, weights
    )


def test_equal_remainders_go_to_the_smaller_performer_id():
    shares = allocate_largest_remainder(
        Decimal("0.02"), {"P3": Decimal("1"), "P1": Decimal("1"), "P2": Decimal("1")}
    )
    assert shares == {"P3": Decimal("0.00"), "P1": Decimal("0.01"), "P2": Decimal("0.01")}


def test_the_spec_example_pays_1500_to_the_performer():
    shares = allocate_largest_remainder(Decimal("1500.00"), {"P1": Decimal("2000.00")})
    assert shares == {"P1": Decimal("1500.00")}


def test_a_part_in_fractions_of_a_cent_is_refused():
    with pytest.raises(CompensationError, match=r"bonus part 1\.005 \(expected"):
        allocate_largest_remainder(Decimal("1.005"), {"P1": Decimal("1")})


def test_a_negative_fixed_residual_is_refused():
    with pytest.raises(CompensationError, match="fixed residual of P2 is -1"):
        allocate_largest_remainder(Decimal("1.00"), {"P1": Decimal("1"), "P2": Decimal("-1")})
