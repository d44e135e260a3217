"""The one "row in force on a date" lookup, shared by rate tables and subscriber counts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from likeness.compensation.dated import DatedRows
from likeness.compensation.rates import RateTable, load_rate_book
from likeness.compensation.residuals.compute import SubscriberIndex, SubscriberRow
from likeness.errors import CompensationError

D = dt.date


class TestDatedRows:
    def test_the_row_in_force_is_the_one_with_the_latest_date_on_or_before_the_day(self):
        rows = DatedRows([(D(2023, 11, 9), "b"), (D(2000, 1, 1), "a"), (D(2024, 7, 1), "c")])
        assert rows.in_force(D(2023, 11, 8)) == "a"
        assert rows.in_force(D(2023, 11, 9)) == "b"
        assert rows.in_force(D(2024, 6, 30)) == "b"
        assert rows.in_force(D(2024, 7, 1)) == "c"
        assert rows.in_force(D(2099, 1, 1)) == "c"

    def test_no_row_is_in_force_before_the_first_date(self):
        assert DatedRows([(D(2024, 1, 1), 1)]).in_force(D(2023, 12, 31)) is None

    def test_no_row_is_in_force_in_an_empty_table(self):
        assert DatedRows[int]([]).in_force(D(2024, 1, 1)) is None

    def test_the_rows_are_kept_in_order_of_their_dates(self):
        rows = DatedRows([(D(2024, 1, 1), "b"), (D(2020, 1, 1), "a")])
        assert rows.starts == (D(2020, 1, 1), D(2024, 1, 1))
        assert rows.rows == ("a", "b")

    def test_of_rows_sharing_a_date_the_last_given_is_in_force(self):
        rows = DatedRows([(D(2024, 1, 1), "first"), (D(2024, 1, 1), "second")])
        assert rows.in_force(D(2024, 1, 1)) == "second"

    @given(
        st.lists(st.tuples(st.dates(), st.integers()), unique_by=lambda e: e[0], max_size=20),
        st.dates(),
    )
    def test_it_agrees_with_a_linear_search(self, entries, day):
        on_or_before = [entry for entry in entries if entry[0] <= day]
        expected = max(on_or_before)[1] if on_or_before else None
        assert DatedRows(entries).in_force(day) == expected


class TestBothTablesUseIt:
    def test_a_rate_table_looks_up_its_rows_through_dated_rows(self):
        table = load_rate_book("sag-aftra-tv-theatrical-2023").tables["background-day-rate"]
        assert isinstance(table.dated, DatedRows)
        assert table.dated.rows == table.rows
        assert table.in_force(D(2024, 7, 1)) is table.dated.in_force(D(2024, 7, 1))

    def test_a_rate_table_turns_no_row_in_force_into_an_error_naming_it(self):
        table = load_rate_book("no-union").tables["day-performer-minimum"]
        with pytest.raises(
            CompensationError,
            match=r"day-performer-minimum: no rate in force on 1899-12-31 \(expected a date on or "
            r"after 1900-01-01\)",
        ):
            table.in_force(D(1899, 12, 31))

    def test_a_rate_table_still_refuses_rows_out_of_order(self):
        rows = load_rate_book("no-union").tables["day-performer-minimum"].rows
        with pytest.raises(CompensationError, match="rows not in increasing order of 'from'"):
            RateTable("t", "day", (rows[1], rows[0]))

    def test_subscriber_counts_sharing_an_as_of_resolve_to_the_largest(self):
        day = D(2024, 1, 1)
        for order in ((7, 3), (3, 7)):
            index = SubscriberIndex(SubscriberRow("sf", "US", day, count) for count in order)
            assert index.latest("sf", "US", day) == 7

    def test_a_platform_or_territory_without_counts_has_none(self):
        index = SubscriberIndex([SubscriberRow("sf", "US", D(2024, 1, 1), 5)])
        assert index.latest("sf", "CA", D(2024, 1, 1)) is None
        assert index.latest("other", "US", D(2024, 1, 1)) is None
