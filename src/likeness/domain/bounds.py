"""Bounds on the numbers Likeness accepts, checked at every door (files, CLI, API).

Amounts are money in a currency's major unit with at most two decimals; days of replica
performance are whole days. A value outside them is refused with a message naming the field,
never stored (an absurd pay line in the append-only ledger cannot be taken back).
"""

from __future__ import annotations

from decimal import Decimal

#: the largest amount of money accepted (one billion, in the currency's major unit)
MAX_AMOUNT = Decimal("1000000000.00")
#: the most decimals an amount may have
AMOUNT_DECIMALS = 2
#: the most days of replica performance one request may ask for (ten years)
MAX_DAYS = 3650
#: the largest asset file size accepted, in bytes (1 TiB)
MAX_ASSET_BYTES = 1024**4

AMOUNT_RULE = f"a finite amount from 0 to {MAX_AMOUNT:,} with at most {AMOUNT_DECIMALS} decimals"
DAYS_RULE = f"a whole number of days from 1 to {MAX_DAYS:,}"


def amount_problem(value: Decimal) -> str | None:
    """Why ``value`` is no acceptable amount, or None when it is one.

    >>> amount_problem(Decimal("216.00")), amount_problem(Decimal("1E+400")) is not None
    (None, True)
    """
    if not value.is_finite():
        return "not finite"
    if value < 0 or value > MAX_AMOUNT:
        return "out of range"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -AMOUNT_DECIMALS and value != round(value, 2):
        return "too many decimals"
    return None
