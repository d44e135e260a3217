"""Exhibition years, windows, views, metric and fixed residuals (SPEC §6.1), in decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from likeness.compensation.residuals.compute import (
    CastRow,
    ProductionRow,
    SubscriberIndex,
    SubscriberRow,
    TitleRow,
    add_years,
    compute_residuals,
    divide_half_up,
    exhibition_years,
)
from likeness.compensation.residuals.settings import load_settings
from likeness.errors import CompensationError

D = dt.date
SETTINGS = load_settings("sag-aftra-tv-theatrical-2023")


def _index(day=D(2000, 1, 1), us=30_000_000, ca=2_000_000, platform="sf"):
    return SubscriberIndex(
        [SubscriberRow(platform, "US", day, us), SubscriberRow(platform, "CA", day, ca)]
    )


def _compute(premiere, hours, *, us=30_000_000, ca=2_000_000, cast=None, runtime=60):
    productions = [ProductionRow("V", "hb-svod", "sf")]
    titles = [TitleRow("V", "V-1", runtime, premiere)]
    years = exhibition_years(productions, titles, premiere, SETTINGS.window_days)
    cast = cast or [CastRow("V", "P1", Decimal("10000.00"))]
    return compute_residuals(years, {("V", 1): hours}, titles, cast, _index(us=us, ca=ca), SETTINGS)


class TestExhibitionYears:
    def test_year_k_starts_k_minus_1_calendar_years_after_the_first_premiere(self):
        years = exhibition_years(
            [ProductionRow("V", "hb-svod", "sf")],
            [TitleRow("V", "a", 60, D(2024, 3, 8)), TitleRow("V", "b", 60, D(2024, 3, 1))],
            D(2026, 3, 1),
            90,
        )
        assert [(y.year, y.start, y.window_end) for y in years] == [
            (1, D(2024, 3, 1), D(2024, 5, 30)),
            (2, D(2025, 3, 1), D(2025, 5, 30)),
            (3, D(2026, 3, 1), D(2026, 5, 30)),
        ]

    def test_a_year_starting_after_the_latest_viewership_date_has_no_row(self):
        years = exhibition_years(
            [ProductionRow("V", "hb-svod", "sf")],
            [TitleRow("V", "a", 60, D(2024, 3, 1))],
            D(2025, 2, 28),
            90,
        )
        assert [y.year for y in years] == [1]

    def test_only_hb_svod_productions_have_exhibition_years(self):
        years = exhibition_years(
            [ProductionRow("F", "theatrical", "sf"), ProductionRow("V", "hb-svod", "sf")],
            [TitleRow("F", "f", 60, D(2024, 1, 1)), TitleRow("V", "v", 60, D(2024, 1, 1))],
            D(2024, 6, 1),
            90,
        )
        assert [y.production for y in years] == ["V"]

    def test_no_viewership_means_no_years(self):
        assert exhibition_years([ProductionRow("V", "hb-svod", "sf")], [], None, 90) == []

    def test_a_29_february_premiere_starts_later_years_on_28_february_in_common_years(self):
        assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
        assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)

    @given(st.dates(D(2000, 1, 1), D(2090, 1, 1)), st.integers(0, 9))
    def test_adding_years_keeps_month_and_day_except_29_february(self, day, years):
        moved = add_years(day, years)
        assert moved.year == day.year + years
        if (day.month, day.day) != (2, 29):
            assert (moved.month, moved.day) == (day.month, day.day)


class TestMetric:
    def test_the_spec_example_gives_views_17500000_and_metric_0_21875(self):
        productions = [ProductionRow("S", "hb-svod", "sf")]
        titles = [TitleRow("S", f"S-{i}", 60, D(2024, 5, 1)) for i in range(8)]
        years = exhibition_years(productions, titles, D(2024, 5, 1), 90)
        result = compute_residuals(
            years,
            {("S", 1): Decimal("140000000")},
            titles,
            [CastRow("S", "P1", Decimal("2000.00") / Decimal("0.30"))],
            _index(us=79_000_000, ca=1_000_000),
            SETTINGS,
        )
        (year,) = result.productions
        assert (year.views, year.subscribers, year.metric) == (
            Decimal("17500000.0"),
            80_000_000,
            Decimal("0.218750"),
        )
        assert year.qualified
        (line,) = result.performers
        assert (line.fixed_residual, line.bonus, year.fund) == (
            Decimal("2000.00"),
            Decimal("1500.00"),
            Decimal("500.00"),
        )

    def test_hours_are_rounded_half_up_to_a_tenth_before_dividing_by_runtime(self):
        result = _compute(D(2024, 3, 1), Decimal("0.05"), runtime=60, us=1, ca=0)
        assert result.productions[0].views == Decimal("0.1")

    def test_a_metric_of_exactly_0_20_qualifies(self):
        result = _compute(D(2024, 3, 1), Decimal("6400000"), us=30_000_000, ca=2_000_000)
        assert result.productions[0].metric == Decimal("0.200000")
        assert result.productions[0].qualified

    def test_a_metric_just_below_0_20_does_not_qualify_even_if_it_shows_as_0_200000(self):
        result = _compute(D(2024, 3, 1), Decimal("6399999.9"), us=30_000_000, ca=2_000_000)
        assert result.productions[0].metric == Decimal("0.200000")
        assert not result.productions[0].qualified
        assert result.productions[0].fund == Decimal("0.00")
        assert result.performers[0].bonus == Decimal("0.00")

    @given(
        st.dates(D(2015, 1, 1), D(2023, 12, 31)),
        st.decimals(min_value=0, max_value=Decimal("1e12"), places=2),
        st.integers(1, 10**9),
    )
    def test_a_production_premiering_before_2024_never_qualifies(self, premiere, hours, subs):
        result = _compute(premiere, hours, us=subs, ca=0)
        assert not any(y.qualified for y in result.productions)
        assert all(line.bonus == 0 for line in result.performers)
        assert all(y.fund == 0 for y in result.productions)

    def test_divide_half_up_rounds_exact_quotients_half_up(self):
        assert divide_half_up(Decimal(1), 2_000_000, Decimal("0.000001")) == Decimal("0.000001")
        assert divide_half_up(Decimal(2), 105, Decimal("0.000001")) == Decimal("0.019048")
        assert divide_half_up(Decimal(5), 100, Decimal("0.1")) == Decimal("0.1")

    @given(st.integers(0, 10**15), st.integers(1, 10**12))
    def test_divide_half_up_agrees_with_exact_rational_rounding(self, numerator, denominator):
        value = Fraction(numerator, 10) / denominator * 10**6
        whole = value.numerator // value.denominator
        expected = whole + (1 if value - whole >= Fraction(1, 2) else 0)
        got = divide_half_up(Decimal(numerator) / 10, denominator, Decimal("0.000001"))
        assert got == Decimal(expected).scaleb(-6)


class TestFixedResiduals:
    @pytest.mark.parametrize(
        ("subscribers", "percent"),
        [(999_999, 25), (1_000_000, 50), (19_999_999, 50), (20_000_000, 75), (45_000_000, 100)],
    )
    def test_the_tier_follows_domestic_subscribers(self, subscribers, percent):
        result = _compute(D(2024, 3, 1), Decimal(0), us=subscribers, ca=0)
        expected = Decimal("10000.00") * percent / 100 * Decimal("0.30")
        assert result.performers[0].fixed_residual == expected.quantize(Decimal("0.01"))

    def test_year_4_and_later_use_the_last_year_percent(self):
        assert SETTINGS.year_percent(4) == SETTINGS.year_percent(9) == Decimal("10")

    def test_fixed_residuals_are_rounded_half_up_to_cents(self):
        result = _compute(
            D(2024, 3, 1), Decimal(0), us=1, ca=0, cast=[CastRow("V", "P1", Decimal("0.07"))]
        )
        # 0.07 x 25% x 30% = 0.00525 -> 0.01
        assert result.performers[0].fixed_residual == Decimal("0.01")

    def test_missing_domestic_subscribers_are_an_error(self):
        with pytest.raises(CompensationError, match="no CA count on sf on or before 2024-03-01"):
            SubscriberIndex([SubscriberRow("sf", "US", D(2024, 1, 1), 5)]).domestic(
                "sf", ("US", "CA"), D(2024, 3, 1)
            )

    def test_the_latest_count_on_or_before_the_first_day_counts(self):
        index = SubscriberIndex(
            [
                SubscriberRow("sf", "US", D(2024, 1, 1), 1),
                SubscriberRow("sf", "US", D(2024, 3, 1), 2),
                SubscriberRow("sf", "US", D(2024, 3, 2), 3),
            ]
        )
        assert index.latest("sf", "US", D(2024, 3, 1)) == 2
        assert index.latest("sf", "US", D(2023, 12, 31)) is None
