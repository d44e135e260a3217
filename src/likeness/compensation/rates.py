"""Rate tables: per rule set, data files ``rulesets/<id>/rates.yaml`` (SPEC §6).

Each table is a list of rows ``{from, amount, provenance}``; the rate in force on a day is the
row with the latest ``from`` on or before that day. Amounts are written as quoted strings so that
they load as exact :class:`~decimal.Decimal` values; a bare YAML float is refused.

>>> book = load_rate_book("sag-aftra-tv-theatrical-2023")
>>> book.day_minimum("background", dt.date(2024, 8, 1)).amount
Decimal('216.00')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from typing import Any

from likeness.compensation.dated import DatedRows
from likeness.errors import CompensationError
from likeness.rulesets import read_data_file


class Provenance(StrEnum):
    """Where a rate comes from: published, computed from a published rule, or a stand-in."""

    SOURCED = "sourced"
    DERIVED = "derived"
    SAMPLE = "sample"


@dataclass(frozen=True, slots=True)
class RateRow:
    """One row of a rate table; ``name`` reads ``<table>@<from>`` (e.g. a pay line's rate row)."""

    table: str
    start: dt.date
    amount: Decimal
    unit: str
    provenance: Provenance
    note: str = ""
    #: ``background-day-rate@2024-07-01``: how pay lines name the row they used
    name: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", f"{self.table}@{self.start.isoformat()}")


@dataclass(frozen=True, slots=True)
class RateTable:
    """Rows of one table, sorted by ``from``."""

    name: str
    unit: str
    rows: tuple[RateRow, ...]
    dated: DatedRows[RateRow] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.rows:
            raise CompensationError(f"rate table {self.name}: no rows (expected at least one)")
        starts = [row.start for row in self.rows]
        if starts != sorted(starts) or len(set(starts)) != len(starts):
            raise CompensationError(
                f"rate table {self.name}: rows not in increasing order of 'from' ({starts})"
            )
        object.__setattr__(self, "dated", DatedRows((row.start, row) for row in self.rows))

    def in_force(self, day: dt.date) -> RateRow:
        """The row with the latest ``from`` on or before ``day`` (:class:`DatedRows`).

        Raises :class:`CompensationError` when ``day`` is before the first row.
        """
        row = self.dated.in_force(day)
        if row is None:
            raise CompensationError(
                f"rate table {self.name}: no rate in force on {day} (expected a date on or after"
                f" {self.rows[0].start})"
            )
        return row


@dataclass(frozen=True, slots=True)
class RateBook:
    """The rate tables of one rule set plus its pension-health rate and real-time multiplier."""

    rule_set: str
    currency: str
    tables: Mapping[str, RateTable]
    #: which table gives the day minimum of a category (key ``default`` for the others)
    day_minimum_tables: Mapping[str, str]
    pension_health_rate: Decimal
    pension_health_provenance: Provenance
    real_time_floor_multiplier: Decimal | None = None

    def __post_init__(self) -> None:
        if "default" not in self.day_minimum_tables:
            raise CompensationError(f"rates of {self.rule_set}: day_minimum has no 'default' table")
        for table in self.day_minimum_tables.values():
            if table not in self.tables:
                raise CompensationError(
                    f"rates of {self.rule_set}: day_minimum names table {table!r}"
                    f" (expected one of {sorted(self.tables)})"
                )

    def day_minimum(self, category: str, day: dt.date) -> RateRow:
        """The day minimum of a performer ``category`` in force on ``day`` (SPEC §6)."""
        table = self.day_minimum_tables.get(category)
        if table is None:
            table = self.day_minimum_tables["default"]
        return self.tables[table].in_force(day)


def _amount(value: Any, where: str) -> Decimal:
    if isinstance(value, float | bool):
        raise CompensationError(
            f'{where}: amount {value!r} (expected a quoted string like "216.00")'
        )
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise CompensationError(f"{where}: amount {value!r} (expected a decimal number)") from None


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise CompensationError(f"{where}: from {value!r} (expected a date as YYYY-MM-DD)")


def parse_rate_book(data: Mapping[str, Any], source: str) -> RateBook:
    """Build a :class:`RateBook` from a loaded ``rates.yaml``; errors name the key path."""
    try:
        tables: dict[str, RateTable] = {}
        for name, spec in data["tables"].items():
            unit = str(spec["unit"])
            rows = tuple(
                RateRow(
                    table=name,
                    start=_date(row["from"], f"{source}: tables.{name}.rows[{i}]"),
                    amount=_amount(row["amount"], f"{source}: tables.{name}.rows[{i}]"),
                    unit=unit,
                    provenance=Provenance(row["provenance"]),
                    note=str(row.get("note", "")),
                )
                for i, row in enumerate(spec["rows"])
            )
            tables[name] = RateTable(name, unit, rows)
        pension = data["pension_health"]
        multiplier = data.get("real_time_floor_multiplier")
        return RateBook(
            rule_set=str(data["rule_set"]),
            currency=str(data.get("currency", "USD")),
            tables=tables,
            day_minimum_tables={str(k): str(v) for k, v in data["day_minimum"].items()},
            pension_health_rate=_amount(pension["rate"], f"{source}: pension_health"),
            pension_health_provenance=Provenance(pension["provenance"]),
            real_time_floor_multiplier=(
                None
                if multiplier is None
                else _amount(multiplier["factor"], f"{source}: real_time_floor_multiplier")
            ),
        )
    except KeyError as exc:
        raise CompensationError(
            f"{source}: key {exc} missing (expected SPEC §6 rate tables)"
        ) from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise CompensationError(f"{source}: {exc}") from None


@cache
def load_rate_book(rule_set: str) -> RateBook:
    """Load ``rulesets/<rule_set>/rates.yaml`` shipped with the package (cached).

    Raises :class:`CompensationError` for an unknown rule set or a malformed file.
    """
    data = read_data_file(rule_set, "rates.yaml")
    book = parse_rate_book(data, f"rulesets/{rule_set}/rates.yaml")
    if book.rule_set != rule_set:
        raise CompensationError(
            f"rulesets/{rule_set}/rates.yaml: rule_set {book.rule_set!r} (expected {rule_set!r})"
        )
    return book
