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


def viewership_stats(
    engine: Engine, typed: Any, titles: set[str], *, statistics: bool
) -> tuple[list[Row], dt.date | None, DuplicateSuspects | None]:
    """Per (platform, title) counts, the latest date of the good rows of known titles, and the
    engine's duplicate suspects (see :meth:`Engine.viewership_overview`; ``statistics``: the
    file keeps column statistics). The overview suffices when no row has a wrong type or
    negative hours and every title is known; otherwise the detailed counts of
    :func:`pipeline.viewership_stats` are fetched."""
    overview = engine.viewership_overview(typed, statistics=statistics)
    groups: list[Row] = overview.groups.to_pylist()
    if not overview.clean or any(row["title"] not in titles for row in groups):
        detailed = engine.query(pipeline.to_sql(pipeline.viewership_stats(typed), engine.dialect))
        rows: list[Row] = detailed.to_pylist()
        dates = [
            row["last_date"]
            for row in rows
            if row["last_date"] is not None and (row["title"] is None or row["title"] in titles)
        ]
        return rows, max(dates, default=None), overview.suspects
    clean = [
        {
            "platform": row["platform"],
            "title": row["title"],
            "rows": row["rows"],
            "wrong_types": 0,
            "negative": 0,
            "valid": row["rows"],
        }
        for row in groups
    ]
    return clean, overview.last_date, overview.suspects


def viewership_problems(
    report: ValidationReport,
    engine: Engine,
    checked: Any,
    stats: list[Row],
    titles: set[str],
) -> tuple[int, bool, bool]:
    """Report wrong types, negative hours and unknown titles; return the row count, and
    whether wrong types and negative hours were found."""
    total = wrong = negative = 0
    unknown: dict[str, int] = {}
    for row in stats:
        total += row["rows"]
        wrong += row["wrong_types"]
        negative += row["negative"]
        if row["title"] is not None and row["title"] not in titles and row["valid"]:
            unknown[row["title"]] = unknown.get(row["title"], 0) + row["valid"]
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
    return total, bool(wrong), bool(negative)


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
