"""Checks of the viewership table, run inside the engine: ``wrong-types``, ``negative-values``,
``unknown-titles`` and ``duplicate-rows``.

The table may hold billions of rows, so nothing here reads it row by row: one aggregate per
(platform, title) (:meth:`Engine.viewership_overview`) says whether anything is wrong, a detailed
aggregate counts each problem only when it is, samples are fetched with ``LIMIT 20``, and
duplicated keys are searched where the engine says they may be
(:meth:`Engine.duplicate_candidates`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pyarrow as pa

from likeness.compensation.residuals import pipeline
from likeness.compensation.residuals.duplicate_slots import DuplicateSuspects
from likeness.compensation.residuals.engines import Engine
from likeness.compensation.residuals.schemas import VIEWERSHIP
from likeness.compensation.residuals.validation._report import (
    SAMPLE_SIZE,
    Problem,
    Row,
    ValidationReport,
    expectations,
    first,
    ranges,
    text,
    untext,
)

#: for each duplicated key: platform, title, territory, date and the hours counted too many
Surplus = tuple[tuple[str, str, str, dt.date, Decimal], ...]


def viewership_stats(engine: Engine, typed: Any) -> tuple[list[Row], DuplicateSuspects | None]:
    """Per (platform, title) counts, and the engine's duplicate suspects (see
    :meth:`Engine.viewership_overview`). The cheap overview suffices unless it shows a problem;
    then the detailed counts of :func:`pipeline.viewership_stats` are fetched."""
    overview, suspects = engine.viewership_overview(typed)
    rows: list[Row] = overview.to_pylist()
    held = [f"held_{name}" for name in VIEWERSHIP.column_names]
    clean = all(
        all(row[name] == row["rows"] for name in held)
        and (row["least_hours"] is None or row["least_hours"] >= 0)
        for row in rows
    )
    if not clean:
        detailed = engine.query(pipeline.to_sql(pipeline.viewership_stats(typed), engine.dialect))
        return list(detailed.to_pylist()), suspects
    return [
        {
            "platform": row["platform"],
            "title": row["title"],
            "rows": row["rows"],
            "wrong_types": 0,
            "negative": 0,
            "valid": row["rows"],
            "first_valid": row["first_date"],
            "last_valid": row["last_date"],
            "last_date": row["last_date"],
        }
        for row in rows
    ], suspects


def viewership_problems(
    report: ValidationReport,
    engine: Engine,
    checked: Any,
    stats: list[Row],
    titles: set[str],
) -> tuple[dt.date | None, int, bool, bool]:
    """Report wrong types, negative hours and unknown titles; return the latest good date,
    the row count, and whether wrong types and negative hours were found."""
    total = wrong = negative = 0
    unknown: dict[str, int] = {}
    latest: dt.date | None = None
    for row in stats:
        total += row["rows"]
        wrong += row["wrong_types"]
        negative += row["negative"]
        if row["title"] is not None and row["title"] not in titles:
            if row["valid"]:
                unknown[row["title"]] = unknown.get(row["title"], 0) + row["valid"]
        elif row["last_date"] is not None and (latest is None or row["last_date"] > latest):
            latest = row["last_date"]
    valid = pipeline.converts(checked, VIEWERSHIP)
    if wrong:
        report.problems.append(
            Problem(
                "wrong-types",
                "viewership",
                wrong,
                f"{wrong} row(s) with a missing value or one of the wrong type "
                f"(expected {expectations(VIEWERSHIP)})",
                _query_samples(engine, checked, ~valid),
            )
        )
    if negative:
        report.problems.append(
            Problem(
                "negative-values",
                "viewership",
                negative,
                f"{negative} row(s) out of range (expected {ranges(VIEWERSHIP)})",
                _query_samples(engine, checked, valid & ~pipeline.in_range(checked, VIEWERSHIP)),
            )
        )
    if unknown:
        names = sorted(unknown)
        engine.register("unknown_titles", pa.table({"title": pa.array(names, pa.string())}))
        listed = pipeline.unbound("unknown_titles", {"title": "string"})
        report.problems.append(
            Problem(
                "unknown-titles",
                "viewership",
                sum(unknown.values()),
                f"{sum(unknown.values())} row(s) for {len(names)} title(s) not in titles: "
                f"{first(names)} (expected a title listed in titles)",
                _query_samples(engine, checked, valid & checked.title.isin(listed.title)),
            )
        )
    return latest, total, bool(wrong), bool(negative)


def viewership_duplicates(
    report: ValidationReport, engine: Engine, typed: Any, suspects: DuplicateSuspects | None
) -> Surplus:
    """Report duplicated viewership keys; return the surplus hours of each (see
    :func:`pipeline.duplicate_keys`): the extra copies of agreeing rows, all of disagreeing."""
    candidates = None
    found = engine.duplicate_candidates(typed, suspects)
    if found is not None:
        if found.num_rows == 0:
            return ()
        engine.register("duplicate_candidates", found)
        candidates = pipeline.unbound(
            "duplicate_candidates",
            {"platform": "string", "title": "string", "territory": "string"},
        )
    keys = engine.query(
        pipeline.to_sql(pipeline.duplicate_keys(typed, candidates), engine.dialect)
    ).to_pylist()
    if not keys:
        return ()
    keys.sort(key=lambda row: tuple(str(row[name]) for name in VIEWERSHIP.key))
    count = sum(row["occurrences"] for row in keys)
    conflicting = [row for row in keys if row["low"] != row["high"]]
    report.problems.append(
        Problem(
            "duplicate-rows",
            "viewership",
            count,
            f"{count} row(s) share their ({', '.join(VIEWERSHIP.key)}) with another row: "
            f"{len(keys)} key(s), {len(conflicting)} with differing hours (expected each key "
            "once)",
            tuple(
                {
                    **{name: text(row[name]) for name in VIEWERSHIP.key},
                    "hours": text(row["low"])
                    if row["low"] == row["high"]
                    else f"{text(row['low'])} to {text(row['high'])}",
                    "occurrences": row["occurrences"],
                }
                for row in keys[:SAMPLE_SIZE]
            ),
        )
    )
    surplus = []
    for row in keys:
        counted = Decimal(row["counted"] or 0)
        kept = Decimal(row["low"]) if row["low"] == row["high"] and row["low"] >= 0 else 0
        if counted - kept:
            surplus.append(
                (row["platform"], row["title"], row["territory"], row["date"], counted - kept)
            )
    return tuple(surplus)


def _query_samples(engine: Engine, checked: Any, condition: Any) -> tuple[Row, ...]:
    table = engine.query(
        pipeline.to_sql(pipeline.sample_rows(checked, condition, VIEWERSHIP), engine.dialect)
    )
    return tuple(untext(row) for row in table.to_pylist())
