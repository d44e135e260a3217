"""Exhibition years, domestic subscribers and the money of SPEC §6.1, in exact decimals.

The engine sums the domestic hours of each production-year window (:mod:`.pipeline`); the rest is
small (productions x years) and is finished here with exact ``Decimal`` arithmetic, so every
engine gives the same cents.

Decisions taken where SPEC §6.1 leaves room (documented for readers of the output):

* **Exhibition year k** starts on the first premiere plus k-1 calendar years. A first premiere on
  29 February starts later years on 28 February in common years (and on 29 February again in
  leap years): the date is always computed from the first premiere, never year by year.
* **Window**: ``start <= date < start + window_days`` (day 90 excluded).
* **Views** = domestic hours in the window, summed, rounded half up to 0.1, divided by the total
  runtime of all the production's titles in hours. Views are shown rounded half up to one
  decimal and the metric (views / domestic subscribers) rounded half up to six decimals; whether
  a year qualifies is decided on the exact, unrounded metric.
* **Qualified** when the exact metric ≥ the threshold and the first premiere is on or after the
  bonus-eligible date. Unqualified years show bonus 0.00 and fund 0.00.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal

from likeness.compensation.dated import DatedRows
from likeness.compensation.residuals.bonus import allocate_largest_remainder
from likeness.compensation.residuals.schemas import HB_SVOD
from likeness.compensation.residuals.settings import ResidualSettings
from likeness.compensation.rounding import round_money, round_to
from likeness.errors import CompensationError

VIEWS_STEP = Decimal("0.1")
METRIC_STEP = Decimal("0.000001")
# exact arithmetic for the sizes at hand: products are exact, quotients truncated (see below)
_EXACT = Context(prec=80, rounding=ROUND_DOWN)


@dataclass(frozen=True, slots=True)
class ProductionRow:
    """A row of ``productions``."""

    production: str
    kind: str
    platform: str


@dataclass(frozen=True, slots=True)
class TitleRow:
    """A row of ``titles``."""

    production: str
    title: str
    runtime_minutes: int
    premiere: dt.date


@dataclass(frozen=True, slots=True)
class CastRow:
    """A row of ``cast``."""

    production: str
    performer: str
    residual_base: Decimal


@dataclass(frozen=True, slots=True)
class SubscriberRow:
    """A row of ``subscribers``."""

    platform: str
    territory: str
    as_of: dt.date
    subscribers: int


@dataclass(frozen=True, slots=True)
class ProductionYear:
    """Exhibition year ``year`` of an hb-svod production and its window."""

    production: str
    year: int
    platform: str
    first_premiere: dt.date
    start: dt.date
    window_end: dt.date  # excluded


@dataclass(frozen=True, slots=True)
class ProductionResult:
    """One production and exhibition year of the output."""

    production: str
    year: int
    views: Decimal  # one decimal
    subscribers: int
    metric: Decimal  # six decimals
    qualified: bool
    bonus: Decimal
    fund: Decimal


@dataclass(frozen=True, slots=True)
class PerformerResult:
    """One performer's residual line for a production and exhibition year."""

    production: str
    year: int
    performer: str
    fixed_residual: Decimal
    bonus: Decimal


@dataclass(frozen=True, slots=True)
class ResidualResult:
    """Every production-year and performer line of a run, sorted."""

    productions: tuple[ProductionResult, ...]
    performers: tuple[PerformerResult, ...]


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus ``years`` calendar years; 29 February becomes 28 February in common years.

    >>> add_years(dt.date(2024, 2, 29), 1)
    datetime.date(2025, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def exhibition_years(
    productions: Iterable[ProductionRow],
    titles: Iterable[TitleRow],
    latest: dt.date | None,
    window_days: int,
) -> list[ProductionYear]:
    """Every exhibition year of every hb-svod production whose start is on or before ``latest``
    (the latest viewership date; ``None`` when there is no viewership: no years)."""
    if latest is None:
        return []
    premieres: dict[str, dt.date] = {}
    for title in titles:
        known = premieres.get(title.production)
        if known is None or title.premiere < known:
            premieres[title.production] = title.premiere
    years: list[ProductionYear] = []
    for production in sorted(productions, key=lambda p: p.production):
        first = premieres.get(production.production)
        if production.kind != HB_SVOD or first is None:
            continue
        year = 1
        start = first
        while start <= latest:
            years.append(
                ProductionYear(
                    production.production,
                    year,
                    production.platform,
                    first,
                    start,
                    start + dt.timedelta(days=window_days),
                )
            )
            year += 1
            start = add_years(first, year - 1)
    return years


class SubscriberIndex:
    """Subscriber counts by (platform, territory), for "latest on or before" lookups."""

    def __init__(self, rows: Iterable[SubscriberRow]) -> None:
        grouped: dict[tuple[str, str], list[tuple[dt.date, int]]] = defaultdict(list)
        for row in rows:
            grouped[(row.platform, row.territory)].append((row.as_of, row.subscribers))
        # sorted by count too: of counts sharing an as_of (possible only in unvalidated rows),
        # the largest is in force, whatever order the rows came in
        self._counts: dict[tuple[str, str], DatedRows[int]] = {
            key: DatedRows(sorted(entries)) for key, entries in grouped.items()
        }

    def latest(self, platform: str, territory: str, day: dt.date) -> int | None:
        """The count with the latest ``as_of`` on or before ``day``, or None if there is none."""
        counts = self._counts.get((platform, territory))
        return None if counts is None else counts.in_force(day)

    def missing(self, platform: str, territories: Sequence[str], day: dt.date) -> list[str]:
        """The territories with no count on or before ``day``."""
        return [t for t in territories if self.latest(platform, t, day) is None]

    def domestic(self, platform: str, territories: Sequence[str], day: dt.date) -> int:
        """Domestic subscribers for a year starting on ``day`` (SPEC §6.1).

        :raises CompensationError: when a territory has no count (validation reports this first).
        """
        total = 0
        for territory in territories:
            count = self.latest(platform, territory, day)
            if count is None:
                raise CompensationError(
                    f"subscribers: no {territory} count on {platform} on or before {day}"
                )
            total += count
        return total


def compute_residuals(
    years: Sequence[ProductionYear],
    hours: Mapping[tuple[str, int], Decimal],
    titles: Iterable[TitleRow],
    cast: Iterable[CastRow],
    subscribers: SubscriberIndex,
    settings: ResidualSettings,
) -> ResidualResult:
    """Views, metric, fixed residuals, bonus shares and fund for every production-year.

    ``hours`` holds the summed domestic hours of each (production, year) window; a window with
    no viewership is absent (0 hours).

    :raises CompensationError: when a production's titles have no runtime or a year has no
        domestic subscribers (validation reports both before computing).
    """
    runtime: dict[str, int] = defaultdict(int)
    for title in titles:
        runtime[title.production] += title.runtime_minutes
    members: dict[str, list[CastRow]] = defaultdict(list)
    for member in cast:
        members[member.production].append(member)

    productions: list[ProductionResult] = []
    performers: list[PerformerResult] = []
    share = settings.performer_share_percent / 100
    for year in sorted(years, key=lambda y: (y.production, y.year)):
        minutes = runtime[year.production]
        if minutes <= 0:
            raise CompensationError(f"production {year.production}: total runtime is 0 minutes")
        domestic = subscribers.domestic(year.platform, settings.domestic_territories, year.start)
        if domestic <= 0:
            raise CompensationError(
                f"production {year.production} year {year.year}: domestic subscribers are 0"
            )
        summed = round_to(
            hours.get((year.production, year.year), Decimal(0)), settings.hours_rounding
        )
        numerator = _EXACT.multiply(summed, Decimal(60))
        qualified = (
            numerator >= _EXACT.multiply(settings.metric_threshold, Decimal(minutes * domestic))
            and year.first_premiere >= settings.bonus_eligible_premiere_from
        )
        rate = settings.tier_percent(domestic) * settings.year_percent(year.year) / 10_000
        fixed = {
            m.performer: round_money(m.residual_base * rate)
            for m in sorted(members[year.production], key=lambda m: m.performer)
        }
        bonus = round_money(sum(fixed.values(), Decimal(0)) * settings.bonus_percent / 100)
        if qualified:
            part = round_money(bonus * share)
            shares = allocate_largest_remainder(part, fixed)
            fund = bonus - sum(shares.values(), Decimal(0))
        else:
            shares = dict.fromkeys(fixed, Decimal("0.00"))
            bonus = fund = Decimal("0.00")
        productions.append(
            ProductionResult(
                year.production,
                year.year,
                divide_half_up(numerator, minutes, VIEWS_STEP),
                domestic,
                divide_half_up(numerator, minutes * domestic, METRIC_STEP),
                qualified,
                bonus,
                round_money(fund),
            )
        )
        performers.extend(
            PerformerResult(year.production, year.year, performer, amount, shares[performer])
            for performer, amount in fixed.items()
        )
    return ResidualResult(tuple(productions), tuple(performers))


def divide_half_up(numerator: Decimal, denominator: int, step: Decimal) -> Decimal:
    """``numerator / denominator`` rounded half up to ``step`` (a power of ten), exactly.

    The quotient is first truncated to 80 significant digits: every rounding boundary lies on
    that grid, so truncating never moves a quotient across one.

    >>> divide_half_up(Decimal(1), 8, Decimal("0.01"))
    Decimal('0.13')
    """
    if denominator <= 0:
        raise CompensationError(f"division by {denominator} (expected a positive divisor)")
    return _EXACT.divide(numerator, Decimal(denominator)).quantize(step, rounding=ROUND_HALF_UP)
