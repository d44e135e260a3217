"""Sharing a success bonus among performers by largest remainder (SPEC §6.1).

The performers' part of a bonus (75% of it, rounded to the cent) is split in proportion to their
fixed residuals. Each performer first gets the whole cents of their exact quota; the cents left
over go one each to the largest fractional remainders, ties broken by performer id (ascending),
so the shares always sum to the part exactly and no share is negative.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction

from likeness.compensation.rounding import CENT, round_money
from likeness.errors import CompensationError


def allocate_largest_remainder(
    total: Decimal, weights: Mapping[str, Decimal]
) -> dict[str, Decimal]:
    """Split ``total`` (whole cents) over ``weights`` in proportion, by largest remainder.

    With every weight zero, nobody has a claim and each share is zero (the caller keeps the
    total). Returns a share for every key of ``weights``.

    >>> allocate_largest_remainder(Decimal("1.00"), {"a": Decimal("1"), "b": Decimal("2")})
    {'a': Decimal('0.33'), 'b': Decimal('0.67')}

    :raises CompensationError: when ``total`` is negative or not in whole cents, or a weight is
        negative.
    """
    if total < 0 or round_money(total) != total:
        raise CompensationError(f"bonus part {total} (expected a non-negative amount in cents)")
    negative = sorted(key for key, weight in weights.items() if weight < 0)
    if negative:
        raise CompensationError(
            f"fixed residual of {negative[0]} is {weights[negative[0]]} (expected >= 0)"
        )
    weight_sum = sum(weights.values(), Decimal(0))
    if weight_sum == 0:
        return {key: Decimal("0.00") for key in weights}
    cents = int(total / CENT)
    quotas = {
        key: Fraction(cents) * Fraction(weight) / Fraction(weight_sum)
        for key, weight in weights.items()
    }
    floors = {key: quota.numerator // quota.denominator for key, quota in quotas.items()}
    left = cents - sum(floors.values())
    # largest remainder first; equal remainders go to the smaller performer id
    order = sorted(quotas, key=lambda key: (-(quotas[key] - floors[key]), key))
    for key in order[:left]:
        floors[key] += 1
    return {key: (Decimal(floors[key]) * CENT).quantize(CENT) for key in weights}
