"""The one rounding rule for money: half up to cents (SPEC §6)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_money(amount: Decimal) -> Decimal:
    """Round ``amount`` half up to cents.

    >>> round_money(Decimal("1.005"))
    Decimal('1.01')
    """
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def round_to(amount: Decimal, step: Decimal) -> Decimal:
    """Round ``amount`` half up to a multiple of ``step`` given as a power of ten (``Decimal('1')``,
    ``Decimal('0.1')``).

    >>> round_to(Decimal("207.57"), Decimal("1"))
    Decimal('208')
    """
    return amount.quantize(step, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal) -> str:
    """Money as a string with exactly two decimals, as every output of Likeness shows it."""
    return str(round_money(amount))
