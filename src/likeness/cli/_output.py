"""Shared output helpers for the CLI: JSON for machines, rich tables for people."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from likeness.errors import (
    ConflictError,
    Error,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from likeness.interchange.documents import to_jsonable

#: the exit status of a command given bad input (as Typer's own usage errors)
USAGE_ERROR = 2

console = Console()
err_console = Console(stderr=True)


def print_json(data: Any) -> None:
    """Print ``data`` as indented JSON on stdout (dates and Decimals as strings)."""
    print(json.dumps(to_jsonable(data), indent=2, ensure_ascii=False))


def print_table(title: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    """Print rows as a table with the given columns (lists joined by commas)."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            if isinstance(value, list):
                value = ", ".join(
                    str(v.get("id", v)) if isinstance(v, dict) else str(v) for v in value
                )
            cells.append("" if value is None else str(value))
        table.add_row(*cells)
    console.print(table)


def exit_code_for(error: Error) -> int:
    """2 for bad input (invalid, not found, forbidden, conflicting); 1 for everything else."""
    bad_input = InvalidInputError | NotFoundError | ConflictError | ForbiddenError
    return USAGE_ERROR if isinstance(error, bad_input) else 1
