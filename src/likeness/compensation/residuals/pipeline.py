"""The residual pipeline, defined once with Ibis and compiled to DuckDB or Spark SQL.

Every step that touches the viewership table (which may hold billions of rows) is an Ibis
expression over *unbound* tables named like the engine's views, so the same definition runs on
both engines (:func:`to_sql`). The small tables are converted here too, then finished in Python
with exact decimals (:mod:`.compute`).

Views an engine holds while a run is in progress:

* ``raw_<table>``: the file as read (CSV: all text; Parquet: its own types);
* ``typed_viewership``: viewership converted to the kinds of :mod:`.schemas`;
* ``title_windows``: (title, production, year, window_start, window_end) of every exhibition-year
  window to sum, built in Python from the small tables;
* ``duplicate_candidates``, ``territory_index``: helpers of the DuckDB duplicate search;
* ``surplus_hours``: for each duplicated key, the hours a plain sum counts too many (with
  ``--skip-bad-rows``: the extra copies of agreeing rows, every copy of disagreeing ones).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from likeness.compensation.residuals.schemas import VIEWERSHIP, Column, Kind, TableSchema

#: decimal places kept when text or floats are converted to decimals
SCALE = 10
DECIMAL_TYPE = f"decimal(38,{SCALE})"
# strict text forms, so that both engines accept exactly the same values
_INTEGER_TEXT = r"^[+-]?[0-9]+$"
_DECIMAL_TEXT = r"^[+-]?([0-9]+(\.[0-9]{0,%d})?|\.[0-9]{1,%d})$" % (SCALE, SCALE)  # noqa: UP031
_DATE_TEXT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

TITLE_WINDOWS_SCHEMA = {
    "title": "string",
    "production": "string",
    "year": "int64",
    "window_start": "date",
    "window_end": "date",
}
SURPLUS_SCHEMA = {
    "platform": "string",
    "title": "string",
    "territory": "string",
    "date": "date",
    "hours": DECIMAL_TYPE,
}


def to_sql(expr: ir.Expr, dialect: str) -> str:
    """The SQL text of ``expr`` in ``dialect`` (``duckdb`` or ``pyspark``)."""
    return str(ibis.to_sql(expr, dialect=dialect))


def raw_table(schema: TableSchema, types: Mapping[str, str]) -> ir.Table:
    """The unbound view ``raw_<table>`` with the column types an engine reported."""
    return ibis.table(dict(types), name=f"raw_{schema.name}")


def convert(column: Column, value: ir.Value, raw_type: str) -> ir.Value:
    """``value`` (of Ibis type ``raw_type``) converted to ``column``'s kind; NULL where it
    does not convert (a *wrong type* problem) or is missing."""
    kind = column.kind
    text = value.cast("string").strip() if raw_type == "string" else None
    if kind is Kind.STRING:
        if raw_type == "binary":
            return ibis.null().cast("string")
        text_value = value if raw_type == "string" else value.cast("string")
        if column.allowed:
            return text_value.isin(list(column.allowed)).ifelse(text_value, ibis.null())
        return text_value
    if kind is Kind.INTEGER:
        if raw_type == "int64":
            return value
        if text is not None:
            return text.re_search(_INTEGER_TEXT).ifelse(text.try_cast("int64"), ibis.null())
        if raw_type.startswith("decimal") or raw_type == "float64":
            return (value == value.floor()).ifelse(value.cast("int64"), ibis.null())
        return ibis.null().cast("int64")
    if kind is Kind.DECIMAL:
        if raw_type.startswith("decimal") or raw_type == "int64":
            return value
        if raw_type == "float64":
            return value.cast(DECIMAL_TYPE)
        if text is not None:
            return text.re_search(_DECIMAL_TEXT).ifelse(text.try_cast(DECIMAL_TYPE), ibis.null())
        return ibis.null().cast(DECIMAL_TYPE)
    # Kind.DATE
    if raw_type == "date":
        return value
    if raw_type == "timestamp":
        return value.cast("date")
    if text is not None:
        return text.re_search(_DATE_TEXT).ifelse(text.try_cast("date"), ibis.null())
    return ibis.null().cast("date")


def typed_table(schema: TableSchema, raw: ir.Table, types: Mapping[str, str]) -> ir.Table:
    """The table's expected columns (those present), converted to their kinds."""
    return raw.select(
        **{
            column.name: convert(column, raw[column.name], types[column.name])
            for column in schema.columns
            if column.name in types
        }
    )


def checked_table(schema: TableSchema, raw: ir.Table, types: Mapping[str, str]) -> ir.Table:
    """Each expected column twice: as text (``<name>__text``, for reports) and converted."""
    present = [column for column in schema.columns if column.name in types]
    return raw.select(
        **{f"{c.name}__text": _as_text(raw[c.name], types[c.name]) for c in present},
        **{c.name: convert(c, raw[c.name], types[c.name]) for c in present},
    )


def _as_text(value: ir.Value, raw_type: str) -> ir.Value:
    if raw_type == "string":
        return value
    if raw_type == "binary":
        return ibis.literal("<unreadable>")
    return value.cast("string")


def converts(table: ir.Table, schema: TableSchema) -> ir.BooleanValue:
    """True for rows whose every column converted (no wrong type, nothing missing)."""
    condition: ir.BooleanValue = ibis.literal(True)
    for name in schema.column_names:
        condition = condition & table[name].notnull()
    return condition


def in_range(table: ir.Table, schema: TableSchema) -> ir.BooleanValue:
    """True for rows whose numbers have the sign their columns require."""
    condition: ir.BooleanValue = ibis.literal(True)
    for column in schema.columns:
        if column.sign.value == "non-negative":
            condition = condition & (table[column.name] >= 0)
        elif column.sign.value == "positive":
            condition = condition & (table[column.name] > 0)
    return condition


def viewership_overview(typed: ir.Table) -> ir.Table:
    """One row per (platform, title) from cheap aggregates only: the row count, how many rows
    hold each column, the smallest hours and the date range. When every column is held by every
    row and no hours are negative (the usual case), this is all validation needs to know."""
    return typed.group_by(["platform", "title"]).aggregate(
        rows=typed.count(),
        **{f"held_{name}": typed[name].count() for name in VIEWERSHIP.column_names},
        least_hours=typed.hours.min(),
        first_date=typed.date.min(),
        last_date=typed.date.max(),
    )


def viewership_stats(typed: ir.Table) -> ir.Table:
    """One row per (platform, title): row counts by problem, the date range of the rows that
    convert, and the latest date of the good rows."""
    valid = converts(typed, VIEWERSHIP)
    good = valid & in_range(typed, VIEWERSHIP)
    return typed.group_by(["platform", "title"]).aggregate(
        rows=typed.count(),
        wrong_types=typed.count(where=~valid),
        negative=typed.count(where=valid & ~in_range(typed, VIEWERSHIP)),
        valid=typed.count(where=valid),
        first_valid=typed.date.min(where=valid),
        last_valid=typed.date.max(where=valid),
        last_date=typed.date.max(where=good),
    )


def duplicate_keys(typed: ir.Table, candidates: ir.Table | None) -> ir.Table:
    """Keys of converted viewership rows that occur more than once: how often, the least and
    greatest hours, and the sum of their non-negative hours (what a plain sum counted).
    ``candidates`` (some of the key columns), when given, limits the search to the rows that
    match one of its rows (an engine may find them faster than by grouping every key)."""
    rows = typed.filter(converts(typed, VIEWERSHIP))
    if candidates is not None:
        rows = rows.semi_join(candidates, [rows[c] == candidates[c] for c in candidates.columns])
    keys = list(VIEWERSHIP.key)
    grouped = rows.group_by(keys).aggregate(
        occurrences=rows.count(),
        low=rows.hours.min(),
        high=rows.hours.max(),
        counted=rows.hours.sum(where=rows.hours >= 0),
    )
    return grouped.filter(grouped.occurrences > 1)


def sample_rows(checked: ir.Table, condition: ir.BooleanValue, schema: TableSchema) -> ir.Table:
    """The first 20 rows (by key, as text) of ``checked`` meeting ``condition``."""
    texts = [f"{name}__text" for name in schema.column_names]
    # rows missing a key value come first on every engine (their defaults differ)
    order = [ibis.asc(f"{name}__text", nulls_first=True) for name in schema.key]
    return checked.filter(condition).select(*texts).order_by(order).limit(20)


def good_viewership(typed: ir.Table, *, wrong_types: bool, negative: bool) -> ir.Table:
    """The viewership rows the computation sums: all of them for a clean input, else (with
    ``--skip-bad-rows``) those that convert and have non-negative hours. Duplicated keys are
    handled by subtracting their surplus afterwards (see :mod:`.run`), so the large scan stays
    as simple as the floor query."""
    if wrong_types:
        typed = typed.filter(converts(typed, VIEWERSHIP))
    if negative:
        typed = typed.filter(typed.hours >= 0)
    return typed


def window_hours(
    viewership: ir.Table, title_windows: ir.Table, domestic: Sequence[str]
) -> ir.Table:
    """Domestic hours summed per (production, year) over each exhibition-year window.

    A row counts for a window when its title belongs to the production and
    ``window_start <= date < window_end``. The sum is exact (decimal or integer hours).
    """
    domestic_rows = viewership.filter(viewership.territory.isin(list(domestic)))
    joined = domestic_rows.join(
        title_windows,
        [
            domestic_rows.title == title_windows.title,
            domestic_rows.date >= title_windows.window_start,
            domestic_rows.date < title_windows.window_end,
        ],
    )
    return joined.group_by(["production", "year"]).aggregate(hours=joined.hours.sum())


def unbound(name: str, schema: Mapping[str, Any]) -> ir.Table:
    """An unbound table called ``name`` (a view the engine holds)."""
    return ibis.table(dict(schema), name=name)
