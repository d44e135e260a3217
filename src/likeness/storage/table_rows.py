"""The stored rows of any table, streamed, for the ledger audit
(:class:`likeness.services.ledger_audit.TableRows`).

Rows come back as the table's columns decode them (dates, ``Decimal`` amounts, booleans), in
batches, so a table of a million rows is never held whole. A value its column cannot decode
(``'garbage'`` written into a SQLite date column behind the application's back) comes back as
an :class:`UnreadableValue` instead of failing the whole read: the audit names it as a value
that differs. (SQLite only: PostgreSQL refuses such a value when it is written.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, select, type_coerce
from sqlalchemy.types import NullType

from likeness.errors import NotFoundError
from likeness.storage.tables import metadata

#: rows fetched per round trip
_BATCH = 5_000


class UnreadableValue:
    """A stored value its column's type cannot decode; equal to nothing but itself."""

    __slots__ = ("raw",)

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def __str__(self) -> str:
        return f"unreadable {self.raw!r}"


class SqlTableRows:
    """Reads whole tables on one connection (the unit of work's)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def rows(self, table: str) -> Iterator[Mapping[str, Any]]:
        """Every row of ``table``, in primary-key order.

        :raises NotFoundError: for a name that is not a table of the schema.
        """
        found = metadata.tables.get(table)
        if found is None:
            raise NotFoundError(f"table {table!r} is not in the schema")
        dialect = self._conn.dialect
        if dialect.name != "sqlite":
            # PostgreSQL enforces every column's type: a stored value always decodes
            typed = select(found).order_by(*found.primary_key.columns)
            for row in self._conn.execute(typed.execution_options(yield_per=_BATCH)):
                yield dict(row._mapping)
            return
        names = [c.name for c in found.columns]
        # read the driver's values untouched, then decode the columns that need it here, so
        # that one bad value is reported instead of raising out of the result
        decoders = [
            (i, decode)
            for i, c in enumerate(found.columns)
            if (decode := c.type._cached_result_processor(dialect, None)) is not None
        ]
        query = select(*(type_coerce(c, NullType()).label(c.name) for c in found.columns))
        query = query.order_by(*found.primary_key.columns)
        for raw in self._conn.execute(query.execution_options(yield_per=_BATCH)):
            values = list(raw)
            for i, decode in decoders:
                value = values[i]
                if value is not None:
                    try:
                        values[i] = decode(value)
                    except (ValueError, TypeError, ArithmeticError):
                        values[i] = UnreadableValue(value)
            yield dict(zip(names, values, strict=True))
