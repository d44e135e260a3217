"""The expected state an audit rebuilds from the ledger (:mod:`.ledger_replay`): rows keyed
as the audit reads them, each column with the index of the entry that set it, and the value
readers that turn what an entry says into what the database returns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from likeness.ledger.canonical import canonicalize

__all__ = [
    "PRESENT",
    "Apply",
    "Expected",
    "Record",
    "Row",
    "Unreplayable",
    "day",
    "joined",
    "json_digest",
    "moment",
    "money",
]

Record = Mapping[str, Any]


class Row:
    """One expected row: the entry that created it, its column values, and for each column a
    later entry changed, that entry's index."""

    __slots__ = ("index", "set_at", "values")

    def __init__(self, index: int, values: dict[str, Any]) -> None:
        self.index = index
        self.values = values
        self.set_at: dict[str, int] | None = None

    def index_of(self, column: str) -> int:
        """The index of the entry that gave ``column`` its value."""
        return self.index if self.set_at is None else self.set_at.get(column, self.index)


@dataclass(frozen=True)
class Unreplayable:
    """An entry the audit could not turn into rows: its index, kind and why."""

    index: int
    kind: str
    message: str


@dataclass
class Expected:
    """The tables as the ledger says they are (see the module docstring)."""

    tables: dict[str, dict[str, Row]] = field(default_factory=dict)
    problems: list[Unreplayable] = field(default_factory=list)
    #: per residual-run entry index: the run id and what the entry says of its rows
    residual_runs: dict[int, Record] = field(default_factory=dict)
    entries: int = 0
    #: the last ``pay-line-reversed``: its index and the line it reverses (a correcting line
    #: follows it directly)
    last_reversal: tuple[int, int] | None = None
    #: per idempotency key: the replica or performer the request named (a use's lines'
    #: ``subject``)
    subjects: dict[str, str | None] = field(default_factory=dict)
    #: how many rows each parent has in a table whose rows have a position (assets, lines)
    positions: dict[tuple[str, str], int] = field(default_factory=dict)

    def next_position(self, table: str, parent: str) -> int:
        """The position of the next row of ``parent`` in ``table`` (0, 1, ...)."""
        position = self.positions.get((table, parent), 0)
        self.positions[(table, parent)] = position + 1
        return position

    def create(self, table: str, key: str, index: int, values: dict[str, Any]) -> None:
        """A new row; a second entry creating the same row is an entry that cannot be
        replayed (the table's key is unique)."""
        rows = self.tables.setdefault(table, {})
        if key in rows:
            raise ValueError(f"it creates {table} {key} again (entry {rows[key].index} created it)")
        rows[key] = Row(index, values)

    def row(self, table: str, key: str) -> Row:
        """The row an entry changes, created by an earlier entry."""
        found = self.tables.get(table, {}).get(key)
        if found is None:
            raise ValueError(f"it changes {table} {key}, which no earlier entry created")
        return found

    def update(self, table: str, key: str, index: int, values: Mapping[str, Any]) -> None:
        """Later values for some columns of an existing row, set by entry ``index``."""
        row = self.row(table, key)
        row.values.update(values)
        if row.set_at is None:
            row.set_at = {}
        for column in values:
            row.set_at[column] = index


def json_digest(value: Any) -> str:
    """``sha256:`` and the hex SHA-256 of ``value``'s canonical JSON, as kept for JSON
    columns (what an audit shows as the ledger's value of such a column)."""
    return "sha256:" + hashlib.sha256(canonicalize(value)).hexdigest()


# ---- values as the database returns them ------------------------------------------------------


def day(value: Any) -> dt.date | None:
    """A date written as ``YYYY-MM-DD`` (or None)."""
    return None if value is None else dt.date.fromisoformat(str(value))


def money(value: Any) -> Decimal | None:
    """An amount written as a decimal string (or None)."""
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"amount {value!r} is not a decimal") from None


def moment(value: Any) -> dt.datetime | None:
    """A time written in ISO 8601, as naive UTC (how the tables keep times)."""
    if value is None:
        return None
    parsed = dt.datetime.fromisoformat(str(value))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def joined(values: Any) -> str:
    """A list of ids as the tables keep them: comma-joined in order."""
    return ",".join(str(v) for v in values)


#: stands for "some value" in a column whose entry says only that it is set
PRESENT = "(set)"


Apply = Callable[[Expected, int, str, Record], None]
