"""Row checks of the small tables (productions, titles, cast, subscribers): values that do not
convert (``wrong-types``), keys held by more than one row (``duplicate-rows``), numbers out of
range (``negative-values``) and rows naming an unknown production (``unknown-productions``).

The small tables are converted on the engine (:func:`pipeline.checked_table`) and checked here
in Python; with ``--skip-bad-rows`` the good rows are what these functions return.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from likeness.compensation.residuals import pipeline
from likeness.compensation.residuals.engines import Engine
from likeness.compensation.residuals.schemas import Column, Sign, TableSchema
from likeness.compensation.residuals.validation._report import (
    SAMPLE_SIZE,
    Problem,
    Row,
    ValidationReport,
    expectations,
    first,
    order,
    ranges,
    samples,
    untext,
)


def fetch_checked(engine: Engine, schema: TableSchema, types: Mapping[str, str]) -> list[Row]:
    """Every row of the small table ``schema``: each column as read and converted."""
    raw = pipeline.raw_table(schema, types)
    table = engine.query(
        pipeline.to_sql(pipeline.checked_table(schema, raw, types), engine.dialect)
    )
    rows: list[Row] = table.to_pylist()
    return rows


def good_rows(report: ValidationReport, schema: TableSchema, rows: list[Row]) -> list[Row]:
    """Report wrong types, bad signs and duplicates of a small table; return its good rows."""
    names, key, values = schema.column_names, schema.key, schema.values
    wrong: list[Row] = []
    groups: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for row in rows:
        if any(row[name] is None for name in names):
            wrong.append(row)
        else:
            groups[tuple(row[name] for name in key)].append(row)
    if wrong:
        report.problems.append(
            Problem(
                "wrong-types",
                schema.name,
                len(wrong),
                f"{len(wrong)} row(s) with a missing value or one of the wrong type "
                f"(expected {expectations(schema)})",
                samples(schema, wrong),
            )
        )
    kept: list[Row] = []
    duplicated: list[tuple[Row, int, bool]] = []
    for group in groups.values():
        if len(group) == 1:
            kept.append(group[0])
            continue
        agree = len({tuple(row[name] for name in values) for row in group}) == 1
        duplicated.append((group[0], len(group), not agree))
        if agree:
            kept.append(group[0])
    if duplicated:
        _report_duplicates(report, schema, duplicated)
    signed = schema.signed
    good: list[Row] = []
    bad_sign: list[Row] = []
    for row in kept:
        (good if _in_range(signed, row) else bad_sign).append(row)
    if bad_sign:
        report.problems.append(
            Problem(
                "negative-values",
                schema.name,
                len(bad_sign),
                f"{len(bad_sign)} row(s) out of range (expected {ranges(schema)})",
                samples(schema, bad_sign),
            )
        )
    return good


def known(
    report: ValidationReport, schema: TableSchema, rows: list[Row], productions: set[str]
) -> list[Row]:
    """Report rows for a production not in ``productions``; return the others."""
    unknown = [row for row in rows if row["production"] not in productions]
    if unknown:
        names = sorted({row["production"] for row in unknown})
        report.problems.append(
            Problem(
                "unknown-productions",
                schema.name,
                len(unknown),
                f"{len(unknown)} row(s) for production(s) not in productions: "
                f"{first(names)} (expected a production id listed in productions)",
                samples(schema, unknown),
            )
        )
    return [row for row in rows if row["production"] in productions]


def _report_duplicates(
    report: ValidationReport, schema: TableSchema, groups: list[tuple[Row, int, bool]]
) -> None:
    groups.sort(key=lambda g: tuple(order(g[0][f"{name}__text"]) for name in schema.key))
    count = sum(n for _, n, _ in groups)
    conflicting = sum(1 for _, _, c in groups if c)
    report.problems.append(
        Problem(
            "duplicate-rows",
            schema.name,
            count,
            f"{count} row(s) share their ({', '.join(schema.key)}) with another row: "
            f"{len(groups)} key(s), {conflicting} with differing values (expected each key once)",
            tuple({**untext(row), "occurrences": n} for row, n, _ in groups[:SAMPLE_SIZE]),
        )
    )


def _in_range(signed: tuple[Column, ...], row: Row) -> bool:
    for column in signed:
        if column.sign is Sign.NON_NEGATIVE and row[column.name] < 0:
            return False
        if column.sign is Sign.POSITIVE and row[column.name] <= 0:
            return False
    return True
