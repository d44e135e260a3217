"""Rate tables as data (SPEC §6): rows in force, provenance, and the derived rows recomputed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import resources

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


def _book_file(rule_set, **keys):
    """A complete rates.yaml (as loaded) for ``rule_set``, with ``keys`` replacing its own."""
    data = {
        "rule_set": rule_set,
        "currency": "USD",
        "pension_health": {"rate": "0.21", "provenance": "sample"},
        "real_time_floor_multiplier": None,
        "day_minimum": {"default": "day"},
        "tables": {
            "day": {
                "unit": "day",
                "rows": [
                    {"from": D(2000, 1, 1), "amount": "100.00", "provenance": "sourced"},
                    {"from": D(2024, 1, 1), "amount": "110.00", "provenance": "derived"},
                ],
            },
            "week": {
                "unit": "week",
                "rows": [{"from": D(2000, 1, 1), "amount": "500.00", "provenance": "sample"}],
            },
        },
    }
    data.update(keys)
    return data


def _reader(*files):
    """A fake of the packaged files: reads ``files`` by rule set id, refuses any other id."""
    by_id = {data["rule_set"]: data for data in files}

    def read(rule_set):
        if rule_set not in by_id:
            raise InvalidInputError(f"rule set {rule_set!r} is not known")
        return by_id[rule_set]

    return read


def _later(table, *amounts, unit=None):
    spec = {
        "continues": "base",
        "rows": [
            {"from": D(2030 + i, 7, 1), "amount": amount, "provenance": "derived"}
            for i, amount in enumerate(amounts)
        ],
    }
    if unit is not None:
        spec["unit"] = unit
    return {table: spec}


class TestPackagedReferences:
    """The packaged files refer to the 2023 rates instead of repeating them."""

    @pytest.mark.parametrize("rule_set", ["no-union", "sag-aftra-interactive-2025"])
    def test_a_rule_set_on_the_2023_tables_has_exactly_the_2023_rates(self, rule_set):
        book = load_rate_book(rule_set)
        base = load_rate_book("sag-aftra-tv-theatrical-2023")
        assert book.rule_set == rule_set
        assert book.tables == base.tables
        assert book.day_minimum_tables == base.day_minimum_tables
        assert (book.currency, book.pension_health_rate, book.pension_health_provenance) == (
            base.currency,
            base.pension_health_rate,
            base.pension_health_provenance,
        )

    def test_only_the_interactive_rule_set_has_a_real_time_multiplier(self):
        assert load_rate_book("sag-aftra-interactive-2025").real_time_floor_multiplier == Decimal(
            "7.5"
        )
        assert load_rate_book("no-union").real_time_floor_multiplier is None
        assert load_rate_book("sag-aftra-tv-theatrical-2023").real_time_floor_multiplier is None

    @pytest.mark.parametrize("table", ["background-day-rate", "day-performer-minimum"])
    def test_the_2026_tables_are_the_2023_rows_then_four_july_rises(self, table):
        rows = load_rate_book("sag-aftra-tv-theatrical-2026").tables[table].rows
        base = load_rate_book("sag-aftra-tv-theatrical-2023").tables[table].rows
        assert rows[: len(base)] == base
        assert [row.start for row in rows[len(base) :]] == [D(y, 7, 1) for y in range(2026, 2030)]

    @pytest.mark.parametrize(
        "rule_set", ["no-union", "sag-aftra-interactive-2025", "sag-aftra-tv-theatrical-2026"]
    )
    def test_the_files_that_refer_write_no_row_of_2023(self, rule_set):
        text = (resources.files("likeness.rulesets") / rule_set / "rates.yaml").read_text()
        assert "same_as: sag-aftra-tv-theatrical-2023" in text
        assert "2023-11-09" not in text


class TestSameAs:
    def test_every_key_not_written_comes_from_the_rule_set_named(self):
        read = _reader(_book_file("base"))
        book = parse_rate_book({"rule_set": "mine", "same_as": "base"}, "mine", read=read)
        assert book == parse_rate_book(_book_file("mine"), "mine")

    def test_a_key_written_replaces_the_referenced_one_whole(self):
        read = _reader(_book_file("base"))
        data = {
            "rule_set": "mine",
            "same_as": "base",
            "pension_health": {"rate": "0.19", "provenance": "sourced"},
            "real_time_floor_multiplier": {"factor": "7.5", "provenance": "sourced"},
        }
        book = parse_rate_book(data, "mine", read=read)
        assert book.rule_set == "mine"
        assert book.pension_health_rate == Decimal("0.19")
        assert book.pension_health_provenance is Provenance.SOURCED
        assert book.real_time_floor_multiplier == Decimal("7.5")
        assert book.tables == parse_rate_book(_book_file("x"), "x").tables

    def test_tables_are_merged_by_name_and_a_table_written_replaces_its_namesake(self):
        read = _reader(_book_file("base"))
        own = {
            "unit": "day",
            "rows": [{"from": D(2010, 1, 1), "amount": "1", "provenance": "sample"}],
        }
        book = parse_rate_book(
            {"rule_set": "mine", "same_as": "base", "tables": {"day": own}}, "mine", read=read
        )
        assert [str(row.amount) for row in book.tables["day"].rows] == ["1"]
        assert [str(row.amount) for row in book.tables["week"].rows] == ["500.00"]

    def test_references_chain_through_several_files(self):
        read = _reader(
            _book_file("base"),
            {"rule_set": "middle", "same_as": "base", "currency": "CAD"},
        )
        book = parse_rate_book({"rule_set": "mine", "same_as": "middle"}, "mine", read=read)
        assert book.currency == "CAD"
        assert book.day_minimum("any", D(2024, 1, 1)).amount == Decimal("110.00")

    def test_an_unknown_rule_set_is_refused_naming_the_file_and_the_key(self):
        with pytest.raises(
            CompensationError,
            match=r"^mine: same_as 'nope' names no rule set with rates \(rule set 'nope' is not "
            r"known \(expected one of .*sag-aftra-tv-theatrical-2023",
        ):
            parse_rate_book({"rule_set": "mine", "same_as": "nope"}, "mine")

    def test_a_file_naming_itself_is_a_cycle(self):
        data = {"rule_set": "mine", "same_as": "mine"}
        with pytest.raises(
            CompensationError, match=r"same_as 'mine' refers back to .* \(mine -> mine\)"
        ):
            parse_rate_book(data, "mine", read=_reader(data))

    def test_a_cycle_through_another_file_is_refused_with_its_path(self):
        a = {"rule_set": "a", "same_as": "b"}
        b = {"rule_set": "b", "same_as": "a"}
        with pytest.raises(
            CompensationError,
            match=r"^rulesets/b/rates.yaml: same_as 'a' refers back to a file it is read from "
            r"\(a -> b -> a\); expected references that end in a file with its own rates$",
        ):
            parse_rate_book(a, "rulesets/a/rates.yaml", read=_reader(a, b))

    def test_a_reference_must_be_a_rule_set_id(self):
        with pytest.raises(
            CompensationError, match=r"same_as \['base'\] \(expected a rule set id\)"
        ):
            parse_rate_book({"rule_set": "mine", "same_as": ["base"]}, "mine")

    def test_a_referenced_file_must_name_the_rule_set_it_belongs_to(self):
        def read(rule_set):
            return _book_file("other")

        with pytest.raises(
            CompensationError,
            match=r"^rulesets/base/rates.yaml: rule_set 'other' \(expected 'base'\)$",
        ):
            parse_rate_book({"rule_set": "mine", "same_as": "base"}, "mine", read=read)

    def test_the_packaged_files_are_read_by_default(self):
        book = parse_rate_book(
            {"rule_set": "mine", "same_as": "sag-aftra-tv-theatrical-2023"}, "mine"
        )
        assert book.tables == load_rate_book("sag-aftra-tv-theatrical-2023").tables


class TestContinues:
    def test_a_table_continues_the_rows_of_its_namesake_with_its_own(self):
        data = _book_file("mine", tables=_later("day", "120.00", "130.00"))
        book = parse_rate_book(data, "mine", read=_reader(_book_file("base")))
        rows = book.tables["day"].rows
        assert [str(row.amount) for row in rows] == ["100.00", "110.00", "120.00", "130.00"]
        assert [row.provenance for row in rows[:2]] == [Provenance.SOURCED, Provenance.DERIVED]
        assert book.tables["day"].unit == "day"
        assert "week" not in book.tables  # no same_as: only the tables written here

    def test_a_table_may_continue_without_rows_of_its_own(self):
        data = _book_file(
            "mine", tables={"week": {"continues": "base"}}, day_minimum={"default": "week"}
        )
        book = parse_rate_book(data, "mine", read=_reader(_book_file("base")))
        assert [str(row.amount) for row in book.tables["week"].rows] == ["500.00"]
        assert book.tables["week"].unit == "week"

    def test_rows_that_do_not_start_after_the_continued_ones_are_refused(self):
        early = {"continues": "base", "rows": [_book_file("x")["tables"]["day"]["rows"][1]]}
        data = _book_file("mine", tables={"day": early})
        with pytest.raises(CompensationError, match="rows not in increasing order of 'from'"):
            parse_rate_book(data, "mine", read=_reader(_book_file("base")))

    def test_another_unit_than_the_continued_tables_is_refused(self):
        data = _book_file("mine", tables=_later("day", "120.00", unit="week"))
        with pytest.raises(
            CompensationError,
            match=r"^mine: tables.day.unit 'week' \(expected 'day', the unit of the table it "
            r"continues in base\)$",
        ):
            parse_rate_book(data, "mine", read=_reader(_book_file("base")))

    def test_continuing_a_table_the_rule_set_lacks_is_refused(self):
        data = _book_file("mine", tables=_later("hour", "1.00"), day_minimum={"default": "hour"})
        with pytest.raises(
            CompensationError,
            match=r"^mine: tables.hour.continues 'base': that rule set has no table 'hour' "
            r"\(expected one of \['day', 'week'\]\)$",
        ):
            parse_rate_book(data, "mine", read=_reader(_book_file("base")))

    def test_continuing_an_unknown_rule_set_is_refused(self):
        data = _book_file("mine", tables=_later("day", "120.00"))
        with pytest.raises(
            CompensationError, match=r"^mine: tables.day.continues 'base' names no rule set"
        ):
            parse_rate_book(data, "mine", read=_reader())

    def test_a_table_continuing_its_own_file_is_a_cycle(self):
        data = _book_file("base", tables=_later("day", "120.00"))
        with pytest.raises(
            CompensationError,
            match=r"tables.day.continues 'base' refers back to a file it is read from "
            r"\(base -> base\)",
        ):
            parse_rate_book(data, "base", read=_reader(data))

    def test_a_cycle_between_same_as_and_continues_is_refused(self):
        a = _book_file("a", tables={"day": {"continues": "b"}})
        b = {"rule_set": "b", "same_as": "a"}
        with pytest.raises(CompensationError, match=r"\(a -> b -> a\)"):
            parse_rate_book(a, "a", read=_reader(a, b))
