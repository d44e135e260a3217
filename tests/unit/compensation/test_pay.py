"""Pay and pension-health lines (SPEC §6): floors, bargained amounts, rounding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from likeness.compensation.pay import RateBookPay, daily_rate
from likeness.domain.consents import Compensation, PayPer
from likeness.domain.decisions import PayBasis, PayTerms
from likeness.domain.ids import PerformerId
from likeness.domain.performers import Performer, PerformerCategory
from likeness.errors import CompensationError

T2023 = "sag-aftra-tv-theatrical-2023"
D = dt.date


def _performer(category=PerformerCategory.PRINCIPAL, **kw):
    return Performer(PerformerId("P"), "Pat", category, D(1980, 1, 1), **kw)


def _pay(basis, performer, day, days=1, compensation=None, rule_set=T2023, real_time=False):
    lines = RateBookPay().pay_obligations(
        PayTerms(rule_set, basis, performer, day, days, compensation, real_time)
    )
    return {str(line.kind): line for line in lines}


class TestDailyRate:
    def test_day_rate_wins_then_weekly_salary_over_five_then_the_minimum(self):
        minimum = Decimal("1204")
        assert daily_rate(_performer(day_rate=Decimal("900")), minimum) == Decimal("900")
        assert daily_rate(_performer(weekly_salary=Decimal("10000")), minimum) == Decimal("2000")
        assert daily_rate(_performer(), minimum) == minimum


class TestFloors:
    def test_the_spec_example_weekly_salary_in_the_original_production(self):
        lines = _pay(
            PayBasis.ORIGINAL_PRODUCTION,
            _performer(weekly_salary=Decimal("10000")),
            D(2024, 8, 1),
            days=3,
        )
        assert lines["pay"].amount == Decimal("6000.00")

    def test_the_spec_example_day_rate_below_the_minimum(self):
        lines = _pay(
            PayBasis.ORIGINAL_PRODUCTION,
            _performer(day_rate=Decimal("1000")),
            D(2024, 8, 1),
            days=3,
        )
        assert lines["pay"].amount == Decimal("3612.00")

    def test_other_uses_pay_the_day_minimum_whatever_the_salary(self):
        lines = _pay(
            PayBasis.OTHER_USE, _performer(weekly_salary=Decimal("50000")), D(2024, 8, 1), days=2
        )
        assert lines["pay"].amount == Decimal("2408.00")
        assert lines["pay"].rate_row == "day-performer-minimum@2024-07-01"

    def test_a_scan_session_is_one_day_whatever_days_say(self):
        lines = _pay(
            PayBasis.SCAN_SESSION, _performer(day_rate=Decimal("1300")), D(2024, 4, 10), days=5
        )
        assert lines["pay"].amount == Decimal("1300.00")

    def test_background_performers_use_the_background_table(self):
        lines = _pay(PayBasis.OTHER_USE, _performer(PerformerCategory.BACKGROUND), D(2025, 8, 1))
        assert lines["pay"].amount == Decimal("224.00")


class TestBargained:
    def test_bargained_above_the_floor_is_paid(self):
        comp = Compensation(Decimal("5000.00"), PayPer.USE)
        lines = _pay(PayBasis.OTHER_USE, _performer(), D(2024, 10, 1), compensation=comp)
        assert lines["pay"].amount == Decimal("5000.00")
        assert lines["pay"].basis == (
            "bargained: 5000.00 per use (floor 1204.00: 1 x day minimum 1204.00)"
        )

    def test_bargained_per_day_counts_each_day(self):
        comp = Compensation(Decimal("2000.00"), PayPer.DAY)
        lines = _pay(PayBasis.OTHER_USE, _performer(), D(2024, 10, 1), days=2, compensation=comp)
        assert lines["pay"].amount == Decimal("4000.00")

    def test_the_floor_wins_over_a_lower_bargain(self):
        comp = Compensation(Decimal("216.00"), PayPer.DAY)
        lines = _pay(
            PayBasis.ORIGINAL_PRODUCTION,
            _performer(PerformerCategory.BACKGROUND),
            D(2025, 8, 1),
            days=3,
            compensation=comp,
        )
        assert lines["pay"].amount == Decimal("672.00")
        assert lines["pay"].basis == (
            "floor: 3 x max(daily rate 224.00, day minimum 224.00) (bargained 648.00 is below it)"
        )

    def test_another_currency_cannot_be_set_against_the_minimums(self):
        comp = Compensation(Decimal("10.00"), PayPer.USE, "EUR")
        with pytest.raises(CompensationError, match="EUR"):
            _pay(PayBasis.OTHER_USE, _performer(), D(2024, 10, 1), compensation=comp)


class TestPensionHealth:
    def test_it_is_21_percent_of_the_pay_line_rounded_half_up(self):
        comp = Compensation(Decimal("100.05"), PayPer.USE)
        lines = _pay(
            PayBasis.OTHER_USE,
            _performer(PerformerCategory.BACKGROUND),
            D(2020, 1, 1),
            compensation=comp,
        )
        assert lines["pay"].amount == Decimal("187.00")
        assert lines["pension-health"].amount == Decimal("39.27")
        assert lines["pension-health"].currency == "USD"

    def test_weekly_salary_thirds_round_half_up_at_the_end_of_the_line(self):
        lines = _pay(
            PayBasis.ORIGINAL_PRODUCTION,
            _performer(weekly_salary=Decimal("10000.01")),
            D(2024, 8, 1),
            days=3,
        )
        assert lines["pay"].amount == Decimal("6000.01")  # 3 x 2000.002 = 6000.006
