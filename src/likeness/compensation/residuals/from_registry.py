"""The productions, titles and cast tables of a residual run, built from registry rows.

With ``likeness residuals run --from-registry`` a producer reports only viewership and
subscribers; these three tables come from the registry (:mod:`likeness.services.residual_inputs`)
as Arrow tables of the file schemas (:mod:`.schemas`), and are validated like files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

#: the tables the registry gives, with the Arrow types of their columns
REGISTRY_SCHEMAS: dict[str, pa.Schema] = {
    "productions": pa.schema(
        [("production", pa.string()), ("kind", pa.string()), ("platform", pa.string())]
    ),
    "titles": pa.schema(
        [
            ("production", pa.string()),
            ("title", pa.string()),
            ("runtime_minutes", pa.int64()),
            ("premiere", pa.date32()),
        ]
    ),
    "cast": pa.schema(
        [
            ("production", pa.string()),
            ("performer", pa.string()),
            ("residual_base", pa.decimal128(18, 2)),
        ]
    ),
}


def registry_tables(rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, pa.Table]:
    """One Arrow table per registry table of ``rows`` (``productions``, ``titles``, ``cast``:
    lists of dicts keyed by the column names)."""
    return {
        name: pa.Table.from_pylist([dict(row) for row in rows[name]], schema=schema)
        for name, schema in REGISTRY_SCHEMAS.items()
    }
