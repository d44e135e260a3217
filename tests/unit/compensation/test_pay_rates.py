"""Rate tables as data (SPEC §6): rows in force, provenance, and the derived rows recomputed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from likeness.compensation.rates import Provenance, load_rate_book, parse_rate_book
from likeness.compensation.rounding import round_money, round_to
from likeness.errors import CompensationError, InvalidInputError
from likeness.rulesets import RULE_SET_IDS

D = dt.date


class TestRateInForce:
    @pytest.mark.parametrize(
        ("day", "background", "performer"),
        [
            (D(2023, 11, 8), "187.00", "1082.00"),
            (D(2023, 11, 9), "208.00", "1158.00"),
            (D(2024, 6, 30), "208.00", "1158.00"),
            (D(2024, 7, 1), "216.00", "1204.00"),
            (D(2025, 7, 1), "224.00", "1246.00"),
            (D(2030, 1, 1), "224.00", "1246.00"),
        ],
    )
    def test_the_2023_row_in_force_is_the_latest_on_or_before_the_day(
        self, day, background, performer
    ):
        book = load_rate_book("sag-aftra-tv-theatrical-2023")
        assert book.day_minimum("background", day).amount == Decimal(background)
        assert book.day_minimum("stunt", day).amount == Decimal(performer)

    def test_the_2026_tables_rise_each_july_first(self):
        book = load_rate_book("sag-aftra-tv-theatrical-2026")
        assert book.day_minimum("background", D(2026, 6, 30)).amount == Decimal("224.00")
        assert book.day_minimum("background", D(2026, 7, 1)).amount == Decimal("230.72")
        assert book.day_minimum("background", D(2027, 7, 1)).amount == Decimal("237.64")

    @pytest.mark.parametrize("rule_set", RULE_SET_IDS)
    def test_every_rule_set_has_rates_with_provenance_on_every_row(self, rule_set):
        book = load_rate_book(rule_set)
        assert book.pension_health_rate == Decimal("0.21")
        for table in book.tables.values():
            for row in table.rows:
                assert isinstance(row.provenance, Provenance)

    def test_a_day_before_every_row_is_an_error_naming_the_table(self):
        book = load_rate_book("no-union")
        with pytest.raises(CompensationError, match="background-day-rate: no rate in force"):
            book.day_minimum("background", D(1899, 1, 1))

    def test_an_unknown_rule_set_has_no_rates(self):
        with pytest.raises(InvalidInputError, match="'sag-aftra-commercials-2099' is not known"):
            load_rate_book("sag-aftra-commercials-2099")

    def test_a_float_amount_is_refused(self):
        data = {
            "rule_set": "x",
            "pension_health": {"rate": "0.21", "provenance": "sample"},
            "day_minimum": {"default": "t"},
            "tables": {
                "t": {
                    "unit": "day",
                    "rows": [{"from": D(2000, 1, 1), "amount": 1.1, "provenance": "sample"}],
                }
            },
        }
        with pytest.raises(CompensationError, match="expected a quoted string"):
            parse_rate_book(data, "x")


class TestDerivedRows:
    """The rows marked ``derived`` follow from their rule; recompute them here."""

    @pytest.mark.parametrize(
        ("table", "base", "steps"),
        [
            ("background-day-rate", "187", ("1.11", "1.04", "1.035")),
            ("day-performer-minimum", "1082", ("1.07", "1.04", "1.035")),
        ],
    )
    def test_the_2023_steps_are_rounded_to_whole_dollars(self, table, base, steps):
        rows = load_rate_book("sag-aftra-tv-theatrical-2023").tables[table].rows
        value = Decimal(base)
        expected = [value]
        for step in steps:
            value = round_to(value * Decimal(step), Decimal("1"))
            expected.append(value)
        assert [row.amount for row in rows] == expected
        assert [row.provenance for row in rows[1:]] == [Provenance.DERIVED] * 3

    @pytest.mark.parametrize("table", ["background-day-rate", "day-performer-minimum"])
    def test_the_2026_rows_are_three_percent_a_year_on_the_2025_rate_rounded_to_cents(self, table):
        rows = load_rate_book("sag-aftra-tv-theatrical-2026").tables[table].rows
        by_start = {row.start: row for row in rows}
        value = by_start[D(2025, 7, 1)].amount
        for year in range(2026, 2030):
            value = round_money(value * Decimal("1.03"))
            row = by_start[D(year, 7, 1)]
            assert row.amount == value
            assert row.provenance is Provenance.DERIVED

    def test_the_2026_background_rates_match_the_spec(self):
        rows = load_rate_book("sag-aftra-tv-theatrical-2026").tables["background-day-rate"].rows
        assert [str(r.amount) for r in rows[-4:-2]] == ["230.72", "237.64"]
