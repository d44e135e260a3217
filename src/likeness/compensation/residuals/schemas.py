"""Column schemas of the five residual input tables (SPEC §6.1).

Each table is a file ``<name>.csv`` or ``<name>.parquet`` in the input folder. A column has one
of four kinds; the engine converts whatever the file holds into that kind, and a value that
does not convert is a *wrong type* problem of the validation report.

======  ==================================================  ================================
kind    accepted in the file                                 held as
======  ==================================================  ================================
string  text (any other scalar is turned into text)         string
integer integer types, or text holding an integer           64-bit integer
decimal decimal or integer types, floats, or decimal text   exact decimal (never a float)
date    date, timestamp (its date), or ISO text 2024-03-01  date
======  ==================================================  ================================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from likeness.domain.productions import ProductionKind


class Kind(StrEnum):
    """The kind of a column's values."""

    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"


class Sign(StrEnum):
    """What a numeric column's values may be."""

    ANY = "any"
    NON_NEGATIVE = "non-negative"
    POSITIVE = "positive"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an input table."""

    name: str
    kind: Kind
    sign: Sign = Sign.ANY
    #: for a string column: the only values it may hold (any other is of the wrong type)
    allowed: tuple[str, ...] = ()

    @property
    def expected(self) -> str:
        """What a value of this column must be, for messages."""
        if self.allowed:
            return f"one of {', '.join(self.allowed)}"
        if self.sign is Sign.NON_NEGATIVE:
            return f"a non-negative {self.kind}"
        if self.sign is Sign.POSITIVE:
            return f"a positive {self.kind}"
        return f"a {self.kind}"


@dataclass(frozen=True, slots=True)
class TableSchema:
    """The columns of one input table and the columns that identify a row (its key)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column names in file order."""
        return tuple(column.name for column in self.columns)

    @property
    def signed(self) -> tuple[Column, ...]:
        """The columns whose values must have a sign."""
        return tuple(column for column in self.columns if column.sign is not Sign.ANY)

    @property
    def values(self) -> tuple[str, ...]:
        """The columns outside the key."""
        return tuple(name for name in self.column_names if name not in self.key)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


PRODUCTIONS = TableSchema(
    "productions",
    (
        Column("production", Kind.STRING),
        Column("kind", Kind.STRING, allowed=tuple(k.value for k in ProductionKind)),
        Column("platform", Kind.STRING),
    ),
    key=("production",),
)
TITLES = TableSchema(
    "titles",
    (
        Column("production", Kind.STRING),
        Column("title", Kind.STRING),
        Column("runtime_minutes", Kind.INTEGER, Sign.POSITIVE),
        Column("premiere", Kind.DATE),
    ),
    key=("title",),
)
CAST = TableSchema(
    "cast",
    (
        Column("production", Kind.STRING),
        Column("performer", Kind.STRING),
        Column("residual_base", Kind.DECIMAL, Sign.NON_NEGATIVE),
    ),
    key=("production", "performer"),
)
SUBSCRIBERS = TableSchema(
    "subscribers",
    (
        Column("platform", Kind.STRING),
        Column("territory", Kind.STRING),
        Column("as_of", Kind.DATE),
        Column("subscribers", Kind.INTEGER, Sign.NON_NEGATIVE),
    ),
    key=("platform", "territory", "as_of"),
)
VIEWERSHIP = TableSchema(
    "viewership",
    (
        Column("platform", Kind.STRING),
        Column("title", Kind.STRING),
        Column("territory", Kind.STRING),
        Column("date", Kind.DATE),
        Column("hours", Kind.DECIMAL, Sign.NON_NEGATIVE),
    ),
    key=("platform", "title", "territory", "date"),
)

#: the five tables in the order they are read and reported
TABLES: tuple[TableSchema, ...] = (PRODUCTIONS, TITLES, CAST, SUBSCRIBERS, VIEWERSHIP)
#: the small tables, read whole into memory after conversion
SMALL_TABLES: tuple[TableSchema, ...] = (PRODUCTIONS, TITLES, CAST, SUBSCRIBERS)

#: the production kind that earns streaming residuals
HB_SVOD = "hb-svod"
