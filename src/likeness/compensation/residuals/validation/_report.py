"""The validation report: its problems, and how their messages and sample rows are written.

Every check module adds :class:`Problem` values to one :class:`ValidationReport`, and writes its
messages and samples with the helpers here, so every problem reads the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from likeness.compensation.residuals.schemas import Sign, TableSchema

#: how many offending rows a problem shows
SAMPLE_SIZE = 20
Row = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    """One kind of problem in one table: how many rows, and the first of them."""

    code: str
    table: str
    count: int
    message: str
    rows: tuple[Row, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The problem as JSON-ready data."""
        return {
            "code": self.code,
            "table": self.table,
            "count": self.count,
            "message": self.message,
            "rows": [dict(row) for row in self.rows],
        }


@dataclass(slots=True)
class ValidationReport:
    """Every problem found in an input folder."""

    directory: str
    problems: list[Problem] = field(default_factory=list)
    #: True when the problems make any computation impossible (missing tables or columns)
    fatal: bool = False

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def summary(self) -> str:
        """One line saying what is wrong."""
        total = sum(problem.count for problem in self.problems)
        kinds = ", ".join(sorted({problem.code for problem in self.problems}))
        return (
            f"{self.directory}: {len(self.problems)} problem(s) in the residual input "
            f"({total} row(s) or column(s): {kinds})"
        )

    def lines(self) -> list[str]:
        """The report as text lines: each problem, then its first rows."""
        lines: list[str] = []
        for problem in self.problems:
            lines.append(f"{problem.table}: {problem.code} ({problem.count}): {problem.message}")
            lines.extend(
                "    " + ", ".join(f"{key}={_show(value)}" for key, value in row.items())
                for row in problem.rows
            )
        return lines

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "directory": self.directory,
            "ok": self.ok,
            "problems": [problem.to_json() for problem in self.problems],
        }


def samples(schema: TableSchema, rows: Iterable[Row]) -> tuple[Row, ...]:
    """The first rows of ``rows`` in key order, as the text read (see :func:`untext`)."""
    ordered = sorted(rows, key=lambda r: tuple(order(r[f"{n}__text"]) for n in schema.key))
    return tuple(untext(row) for row in ordered[:SAMPLE_SIZE])


def untext(row: Mapping[str, Any]) -> Row:
    """The ``<name>__text`` columns of a checked row, named ``<name>``: values as read."""
    return {
        key.removesuffix("__text"): value for key, value in row.items() if key.endswith("__text")
    }


def expectations(schema: TableSchema) -> str:
    """What every column of ``schema`` should hold, for a *wrong types* message."""
    parts = []
    for column in schema.columns:
        kind = "a date YYYY-MM-DD" if column.kind == "date" else f"a {column.kind}"
        if column.allowed:
            kind = f"one of {', '.join(column.allowed)}"
        parts.append(f"{column.name}: {kind}")
    return "; ".join(parts)


def ranges(schema: TableSchema) -> str:
    """The sign every signed column of ``schema`` should have, for a *negative values* message."""
    return "; ".join(
        f"{column.name}: {column.expected}"
        for column in schema.columns
        if column.sign is not Sign.ANY
    )


def first(names: Sequence[str], limit: int = 5) -> str:
    """The first ``limit`` of ``names`` and how many more."""
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def text(value: Any) -> str | None:
    """``value`` as a sample shows it: dates as YYYY-MM-DD, None kept."""
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def order(value: Any) -> tuple[bool, str]:
    """Sort key of a shown value: missing values first, as the engines' samples are sorted."""
    return (value is not None, "" if value is None else str(value))


def _show(value: Any) -> str:
    return "(missing)" if value is None else str(value)
