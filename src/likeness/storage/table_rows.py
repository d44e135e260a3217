"""The stored rows of any table, streamed, for the ledger audit
(:class:`likeness.services.ledger_audit.TableRows`).

Rows come back as the table's columns decode them (dates, ``Decimal`` amounts, booleans), in
batches, so a table of a million rows is never held whole.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from sqlalchemy import Connection, select

from likeness.errors import NotFoundError
from likeness.storage.tables import metadata

#: rows fetched per round trip
_BATCH = 5_000


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
        query = select(found).order_by(*found.primary_key.columns)
        result = self._conn.execute(query.execution_options(yield_per=_BATCH))
        for row in result:
            yield cast(Mapping[str, Any], row._mapping)
