"""Pay and pension-health lines of an allowed request (SPEC §6, without §6.1).

- daily rate of a performer: ``day_rate``, else ``weekly_salary`` / 5, else their day minimum;
- scan session (``create``): one day at max(daily rate, day minimum);
- replica performance in the production the replica was made in: days x max(daily, minimum);
- any other consented use: days x day minimum;
- a ``real_time_generation`` use under a rule set with a real-time multiplier (interactive 2025):
  the per-day floor is at least multiplier x day minimum;
- pay = max(bargained, floor), rounded half up to cents; pension-health = rate x pay, its own line.

Every line names its rule and the rate-table row it read.

>>> import datetime as dt
>>> from likeness.domain.performers import Performer, PerformerCategory
>>> dana = Performer("P1", "Dana", PerformerCategory.BACKGROUND, dt.date(1990, 4, 2))
>>> terms = PayTerms("sag-aftra-tv-theatrical-2023", PayBasis.ORIGINAL_PRODUCTION, dana,
...                  dt.date(2025, 8, 1), 3)
>>> [str(line.amount) for line in RateBookPay().pay_obligations(terms)]
['672.00', '141.12']
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from likeness.compensation.rates import RateBook, load_rate_book
from likeness.compensation.rounding import round_money
from likeness.domain.consents import PayPer
from likeness.domain.decisions import Obligation, ObligationKind, PayBasis, PayTerms
from likeness.domain.performers import Performer
from likeness.errors import CompensationError

_FIVE = Decimal(5)

_RULE_TEXT = {
    PayBasis.SCAN_SESSION: "§6 scan session: one day at max(daily rate, day minimum)",
    PayBasis.ORIGINAL_PRODUCTION: (
        "§6 replica performance in its original production: days x max(daily rate, day minimum)"
    ),
    PayBasis.OTHER_USE: "§6 other consented use: days x day minimum",
}
#: the rule of a pay line whose bargained amount is at or above the floor
_BARGAINED_RULE = "§6 pay = max(bargained, floor): bargained, the consent's compensation"


def daily_rate(performer: Performer, day_minimum: Decimal) -> Decimal:
    """``day_rate``, else ``weekly_salary`` / 5, else the day minimum of their category."""
    if performer.day_rate is not None:
        return performer.day_rate
    if performer.weekly_salary is not None:
        return performer.weekly_salary / _FIVE
    return day_minimum


class RateBookPay:
    """Computes pay lines from the rate books of the rule sets (``PayCalculator`` of policy).

    ``books`` maps a rule set id to its :class:`RateBook`; by default the packaged data files.
    """

    def __init__(self, books: Callable[[str], RateBook] = load_rate_book) -> None:
        self._books = books
        # per rule set: the book and the texts that do not depend on the request (decisions
        # are on the hot path; see bench/bench_decisions.py)
        self._texts: dict[str, tuple[RateBook, dict[PayBasis, str], str, str, str]] = {}

    def _context(self, rule_set: str) -> tuple[RateBook, dict[PayBasis, str], str, str, str]:
        found = self._texts.get(rule_set)
        if found is None:
            book = self._books(rule_set)
            rate = book.pension_health_rate
            found = (
                book,
                {basis: f"{rule_set} {text}" for basis, text in _RULE_TEXT.items()},
                f"{(rate * 100).normalize():f}% of pay ",
                f"{rule_set} §6 pension and health ({book.pension_health_provenance})",
                f"pension_health@{rate}",
            )
            self._texts[rule_set] = found
        return found

    def floor(self, terms: PayTerms) -> tuple[Decimal, str, str]:
        """The floor of ``terms`` with the text of how it came about and the rate row used."""
        book = self._context(terms.rule_set)[0]
        performer = terms.performer
        row = book.day_minimum(performer.category, terms.date)
        minimum = row.amount
        basis = terms.basis
        days = 1 if basis is PayBasis.SCAN_SESSION else terms.days
        if basis is PayBasis.OTHER_USE:
            per_day = minimum
            how = f"{days} x day minimum {minimum}"
        else:
            daily = daily_rate(performer, minimum)
            per_day = daily if daily > minimum else minimum
            how = f"{days} x max(daily rate {round_money(daily)}, day minimum {minimum})"
        factor = book.real_time_floor_multiplier
        if terms.real_time_generation and factor is not None and factor * minimum > per_day:
            per_day = factor * minimum
            how = f"{days} x {factor} x day minimum {minimum} (real-time generation)"
        return round_money(per_day * days), how, row.name

    def pay_obligations(self, terms: PayTerms) -> tuple[Obligation, ...]:
        """The ``pay`` line and its ``pension-health`` line for an allowed request.

        Raises :class:`CompensationError` when the consent's currency is not the table's, or no
        rate is in force on the date.
        """
        book, rules, ph_basis, ph_rule, ph_row = self._context(terms.rule_set)
        floor, how, row_name = self.floor(terms)
        comp = terms.compensation
        currency = book.currency
        rule = rules[terms.basis]
        if comp is None:
            amount, basis = floor, "floor: " + how
        else:
            if comp.currency != currency:
                raise CompensationError(
                    f"compensation in {comp.currency} cannot be set against the {currency}"
                    f" minimums of {terms.rule_set} (expected {currency})"
                )
            days = 1 if terms.basis is PayBasis.SCAN_SESSION else terms.days
            per_day = comp.per is PayPer.DAY
            bargained = round_money(comp.amount * days if per_day else comp.amount)
            if bargained >= floor:
                per = f"{comp.amount} per day x {days}" if per_day else f"{comp.amount} per use"
                amount, basis = bargained, f"bargained: {per} (floor {floor}: {how})"
                # the rule that set the amount is the bargain, not the floor it is above
                rule = f"{terms.rule_set} {_BARGAINED_RULE}"
            else:
                amount, basis = floor, f"floor: {how} (bargained {bargained} is below it)"
        return (
            Obligation(ObligationKind.PAY, amount, currency, basis, rule, row_name),
            Obligation(
                ObligationKind.PENSION_HEALTH,
                round_money(amount * book.pension_health_rate),
                currency,
                ph_basis + str(amount),
                ph_rule,
                ph_row,
            ),
        )
