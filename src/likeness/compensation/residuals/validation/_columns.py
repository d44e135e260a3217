"""Table and column checks: one file per table, and the columns of each (``missing-table``,
``missing-columns``, ``extra-columns``). A missing table or column stops the run."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

import pyarrow as pa

from likeness.compensation.residuals.engine_types import arrow_ibis_type
from likeness.compensation.residuals.engines import Engine
from likeness.compensation.residuals.schemas import TABLES
from likeness.compensation.residuals.validation._report import Problem, ValidationReport


def find_table_files(
    directory: Path, *, given: Collection[str] = ()
) -> tuple[dict[str, Path], list[Problem]]:
    """The file of each input table not ``given`` otherwise (from the registry), and a problem
    for each table with none or two."""
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    for schema in TABLES:
        if schema.name in given:
            continue
        candidates = [directory / f"{schema.name}.{ext}" for ext in ("csv", "parquet")]
        present = [path for path in candidates if path.is_file()]
        if len(present) == 1:
            found[schema.name] = present[0]
        else:
            what = "none" if not present else "both"
            problems.append(
                Problem(
                    "missing-table",
                    schema.name,
                    1,
                    f"found {what} of {schema.name}.csv and {schema.name}.parquet in "
                    f"{directory} (expected exactly one)",
                )
            )
    return found, problems


def load_tables(
    report: ValidationReport,
    engine: Engine,
    files: dict[str, Path],
    given: Mapping[str, pa.Table] | None = None,
) -> dict[str, dict[str, str]]:
    """Load each file found (and each ``given`` table) into ``engine`` as ``raw_<table>`` and
    report its missing and extra columns; return the column types of each table that has every
    expected column."""
    types: dict[str, dict[str, str]] = {}
    given = given or {}
    for schema in TABLES:
        if schema.name in given:
            table = given[schema.name]
            engine.register(f"raw_{schema.name}", table)
            found = {field.name: arrow_ibis_type(field.type) for field in table.schema}
        elif schema.name in files:
            found = engine.load(f"raw_{schema.name}", files[schema.name])
        else:
            continue
        absent = [name for name in schema.column_names if name not in found]
        extra = [name for name in found if name not in schema.column_names]
        expected = ", ".join(schema.column_names)
        if absent:
            report.problems.append(
                Problem(
                    "missing-columns",
                    schema.name,
                    len(absent),
                    f"missing column(s) {', '.join(absent)} (expected {expected})",
                )
            )
        else:
            types[schema.name] = found
        if extra:
            report.problems.append(
                Problem(
                    "extra-columns",
                    schema.name,
                    len(extra),
                    f"unexpected column(s) {', '.join(extra)} (expected only {expected})",
                )
            )
    return types
