"""Rate tables: per rule set, data files ``rulesets/<id>/rates.yaml`` (SPEC §6).

Each table is a list of rows ``{from, amount, provenance}``; the rate in force on a day is the
row with the latest ``from`` on or before that day. Amounts are written as quoted strings so that
they load as exact :class:`~decimal.Decimal` values; a bare YAML float is refused. A rule set
whose rates repeat another's refers to them instead of copying them (``same_as``, ``continues``:
see :func:`parse_rate_book`).

>>> book = load_rate_book("sag-aftra-tv-theatrical-2023")
>>> book.day_minimum("background", dt.date(2024, 8, 1)).amount
Decimal('216.00')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from typing import Any

from likeness.compensation.dated import DatedRows
from likeness.errors import CompensationError, InvalidInputError
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


#: reads the ``rates.yaml`` of a rule set (by default the packaged one); raises
#: :class:`InvalidInputError` when that rule set or its file does not exist
RatesReader = Callable[[str], Mapping[str, Any]]


def read_packaged_rates(rule_set: str) -> Mapping[str, Any]:
    """The loaded ``rulesets/<rule_set>/rates.yaml`` shipped with the package, as written.

    Raises :class:`InvalidInputError` for an unknown rule set or a missing file.
    """
    return read_data_file(rule_set, "rates.yaml")


def parse_rate_book(
    data: Mapping[str, Any], source: str, *, read: RatesReader = read_packaged_rates
) -> RateBook:
    """Build a :class:`RateBook` from a loaded ``rates.yaml``; errors name the key path.

    A file may refer to another rule set's rates rather than repeat them, with two keys:

    * ``same_as: <rule set>`` at the top level: every key this file does not write is taken
      from that rule set's rates (``currency``, ``pension_health``, ``day_minimum``,
      ``real_time_floor_multiplier``, ``tables``). A key written here replaces the referenced
      value whole, except ``tables``, which is merged by table name: a table written here
      replaces the referenced table of that name, the others are kept. ``rule_set`` is never
      taken from the reference: each file names its own.
    * ``continues: <rule set>`` in a table: the table's rows are the rows of that rule set's
      table of the same name, followed by the ``rows`` written here (which must start later);
      its ``unit`` is the referenced table's (a different one written here is refused).

    References are resolved through ``read`` (by default the packaged files) and may chain (the
    referenced file may refer on), so rows keep their own provenance and notes and are written
    once. For example, ``sag-aftra-tv-theatrical-2026/rates.yaml``::

        rule_set: sag-aftra-tv-theatrical-2026
        same_as: sag-aftra-tv-theatrical-2023
        tables:
          background-day-rate:
            continues: sag-aftra-tv-theatrical-2023
            rows:
              - {from: 2026-07-01, amount: "230.72", provenance: derived}

    Raises :class:`CompensationError` for a malformed file, and for a reference to a rule set
    that is not known or has no such table, or one that leads back to a file already on the
    way (a cycle, such as a file naming itself).
    """
    try:
        data = _resolve(data, source, read, (str(data.get("rule_set")),))
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
    """Load ``rulesets/<rule_set>/rates.yaml`` shipped with the package (cached), with the
    rates it refers to (``same_as``, ``continues``: see :func:`parse_rate_book`).

    Raises :class:`InvalidInputError` for an unknown rule set, and :class:`CompensationError`
    for a malformed file or a bad reference.
    """
    data = read_packaged_rates(rule_set)
    book = parse_rate_book(data, _source(rule_set))
    if book.rule_set != rule_set:
        raise CompensationError(f"{_source(rule_set)}: {_wrong_rule_set(book.rule_set, rule_set)}")
    return book


def _source(rule_set: str) -> str:
    return f"rulesets/{rule_set}/rates.yaml"


def _wrong_rule_set(found: object, expected: str) -> str:
    return f"rule_set {found!r} (expected {expected!r})"


def _resolve(
    data: Mapping[str, Any], source: str, read: RatesReader, chain: tuple[str, ...]
) -> dict[str, Any]:
    """``data`` with its ``same_as`` and ``continues`` references replaced by what they name.

    ``chain`` holds the rule sets whose files are being resolved, this one last: a reference
    back into it is a cycle.
    """
    resolved = {key: value for key, value in data.items() if key != "same_as"}
    if "same_as" in data:
        base = _referenced(data["same_as"], "same_as", source, read, chain)
        merged = dict(base.get("tables") or {})
        merged.update(data.get("tables") or {})
        inherited = {key: value for key, value in base.items() if key != "rule_set"}
        resolved = {**inherited, **resolved, "tables": merged}
    tables = resolved.get("tables")
    if isinstance(tables, Mapping):
        resolved["tables"] = {
            name: _continued(name, spec, source, read, chain) for name, spec in tables.items()
        }
    return resolved


def _continued(name: str, spec: Any, source: str, read: RatesReader, chain: tuple[str, ...]) -> Any:
    """The table ``spec`` with the rows it ``continues`` put before its own."""
    if not isinstance(spec, Mapping) or "continues" not in spec:
        return spec
    key = f"tables.{name}.continues"
    reference = spec["continues"]
    base = _referenced(reference, key, source, read, chain).get("tables") or {}
    if name not in base:
        raise CompensationError(
            f"{source}: {key} {reference!r}: that rule set has no table {name!r}"
            f" (expected one of {sorted(base)})"
        )
    unit = base[name].get("unit")
    if "unit" in spec and spec["unit"] != unit:
        raise CompensationError(
            f"{source}: tables.{name}.unit {spec['unit']!r} (expected {unit!r}, the unit of"
            f" the table it continues in {reference})"
        )
    own = {k: v for k, v in spec.items() if k != "continues"}
    return {**own, "unit": unit, "rows": [*base[name]["rows"], *(spec.get("rows") or [])]}


def _referenced(
    reference: Any, key: str, source: str, read: RatesReader, chain: tuple[str, ...]
) -> dict[str, Any]:
    """The resolved rates of the rule set a ``same_as`` or ``continues`` names."""
    if not isinstance(reference, str):
        raise CompensationError(f"{source}: {key} {reference!r} (expected a rule set id)")
    if reference in chain:
        cycle = " -> ".join([*chain, reference])
        raise CompensationError(
            f"{source}: {key} {reference!r} refers back to a file it is read from ({cycle});"
            " expected references that end in a file with its own rates"
        )
    try:
        data = read(reference)
    except InvalidInputError as exc:
        raise CompensationError(
            f"{source}: {key} {reference!r} names no rule set with rates ({exc})"
        ) from exc
    if data.get("rule_set") != reference:
        raise CompensationError(
            f"{_source(reference)}: {_wrong_rule_set(data.get('rule_set'), reference)}"
        )
    return _resolve(data, _source(reference), read, (*chain, reference))
