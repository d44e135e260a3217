"""Validation of a residual input folder before anything is computed (SPEC §6.1, issue 5).

Problems found, each with a count and the first 20 offending rows (ordered by key):

================== =========================================================================
code               what
================== =========================================================================
missing-table      no ``<table>.csv`` or ``<table>.parquet`` in the folder, or both
missing-columns    a table lacks an expected column (nothing can be computed)
extra-columns      a table has a column that is not expected
wrong-types        a value is missing or does not convert to its column's kind
negative-values    negative hours, subscribers or residual base; runtime not above 0
duplicate-rows     rows sharing their key (see :mod:`.schemas`) with another row
unknown-productions titles or cast rows for a production not in ``productions``
unknown-titles     viewership rows for a title not in ``titles``
missing-subscribers a domestic territory without a count on or before a year's first day
================== =========================================================================

With ``skip_bad_rows`` the computation uses the good rows: rows with a problem are left out;
of duplicated rows whose values agree one copy is kept, and a key whose copies disagree is left
out entirely; a production-year without domestic subscribers is left out of the results.
Missing tables or columns cannot be skipped.

The viewership checks run inside the engine in a few scans: one aggregate per (platform, title)
(row counts, values held, least hours, date range), and the search for duplicated keys. On
DuckDB that aggregate also builds one bitmap of territory x day per title (a title with more
rows than set bits holds a duplicate); a second pass narrows the suspects down to territories
the same way, and only their rows are grouped by key, so no hash table of every key is built
(memory stays well under a gigabyte for 100,000,000 rows). Spark groups every key.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from likeness.compensation.residuals import pipeline
from likeness.compensation.residuals.compute import (
    CastRow,
    ProductionRow,
    ProductionYear,
    SubscriberIndex,
    SubscriberRow,
    TitleRow,
    exhibition_years,
)
from likeness.compensation.residuals.engines import Engine
from likeness.compensation.residuals.schemas import (
    CAST,
    PRODUCTIONS,
    SMALL_TABLES,
    SUBSCRIBERS,
    TABLES,
    TITLES,
    VIEWERSHIP,
    Sign,
    TableSchema,
)
from likeness.compensation.residuals.settings import ResidualSettings

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


@dataclass(frozen=True, slots=True)
class Inputs:
    """The good rows of the small tables and what the computation needs about viewership."""

    productions: tuple[ProductionRow, ...]
    titles: tuple[TitleRow, ...]
    cast: tuple[CastRow, ...]
    subscribers: SubscriberIndex
    years: tuple[ProductionYear, ...]
    latest_date: dt.date | None
    viewership_rows: int
    #: with --skip-bad-rows: viewership rows with wrong types or negative hours to leave out
    wrong_types: bool = False
    negative: bool = False
    #: with --skip-bad-rows: hours a plain sum counts too many, per duplicated key
    surplus: tuple[tuple[str, str, str, dt.date, Decimal], ...] = ()


def find_table_files(directory: Path) -> tuple[dict[str, Path], list[Problem]]:
    """The file of each input table, and a problem for each table with none or two."""
    found: dict[str, Path] = {}
    problems: list[Problem] = []
    for schema in TABLES:
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


def validate(
    engine: Engine,
    directory: Path,
    settings: ResidualSettings,
    *,
    skip_bad_rows: bool = False,
    step: Callable[[str], None] = lambda _: None,
) -> tuple[ValidationReport, Inputs | None]:
    """Load the five tables of ``directory`` into ``engine`` and check them.

    Returns the report and, when the computation can go on (no problem, or ``skip_bad_rows``
    and no fatal problem), the good inputs. ``step`` is called with a short description before
    each stage (for progress display).
    """
    report = ValidationReport(str(directory))
    files, missing = find_table_files(directory)
    report.problems.extend(missing)
    types: dict[str, dict[str, str]] = {}
    step("reading the input tables")
    for schema in TABLES:
        if schema.name not in files:
            continue
        found = engine.load(f"raw_{schema.name}", files[schema.name])
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
    if len(types) < len(TABLES):
        report.fatal = True
        return report, None

    step("checking productions, titles, cast and subscribers")
    small = {
        schema.name: _fetch_checked(engine, schema, types[schema.name]) for schema in SMALL_TABLES
    }
    productions = _good_rows(report, PRODUCTIONS, small["productions"])
    production_ids = {row["production"] for row in productions}
    titles = _known(report, TITLES, _good_rows(report, TITLES, small["titles"]), production_ids)
    cast = _known(report, CAST, _good_rows(report, CAST, small["cast"]), production_ids)
    subscribers = _good_rows(report, SUBSCRIBERS, small["subscribers"])
    title_ids = {row["title"] for row in titles}

    step("checking viewership")
    raw = pipeline.raw_table(VIEWERSHIP, types["viewership"])
    typed = pipeline.typed_table(VIEWERSHIP, raw, types["viewership"])
    engine.define("typed_viewership", pipeline.to_sql(typed, engine.dialect))
    typed_view = pipeline.unbound("typed_viewership", typed.schema())
    checked = pipeline.checked_table(VIEWERSHIP, raw, types["viewership"])
    stats, suspects = _viewership_stats(engine, typed_view)
    latest, rows, wrong, negative = _viewership_problems(report, engine, checked, stats, title_ids)

    step("looking for duplicate viewership rows")
    surplus = _viewership_duplicates(report, engine, typed_view, suspects)

    productions_rows = tuple(
        ProductionRow(r["production"], r["kind"], r["platform"]) for r in productions
    )
    title_rows = tuple(
        TitleRow(r["production"], r["title"], int(r["runtime_minutes"]), r["premiere"])
        for r in titles
    )
    index = SubscriberIndex(
        SubscriberRow(r["platform"], r["territory"], r["as_of"], int(r["subscribers"]))
        for r in subscribers
    )
    years = exhibition_years(productions_rows, title_rows, latest, settings.window_days)
    years = _subscribed_years(report, years, index, settings)
    if not report.ok and not skip_bad_rows:
        return report, None
    inputs = Inputs(
        productions=productions_rows,
        titles=title_rows,
        cast=tuple(
            CastRow(r["production"], r["performer"], Decimal(r["residual_base"])) for r in cast
        ),
        subscribers=index,
        years=tuple(years),
        latest_date=latest,
        viewership_rows=rows,
        wrong_types=wrong,
        negative=negative,
        surplus=surplus,
    )
    return report, inputs


def _fetch_checked(engine: Engine, schema: TableSchema, types: Mapping[str, str]) -> list[Row]:
    raw = pipeline.raw_table(schema, types)
    table = engine.query(
        pipeline.to_sql(pipeline.checked_table(schema, raw, types), engine.dialect)
    )
    rows: list[Row] = table.to_pylist()
    return rows


def _good_rows(report: ValidationReport, schema: TableSchema, rows: list[Row]) -> list[Row]:
    """Report wrong types, bad signs and duplicates of a small table; return its good rows."""
    wrong = [row for row in rows if any(row[name] is None for name in schema.column_names)]
    converted = [row for row in rows if all(row[name] is not None for name in schema.column_names)]
    if wrong:
        report.problems.append(
            Problem(
                "wrong-types",
                schema.name,
                len(wrong),
                f"{len(wrong)} row(s) with a missing value or one of the wrong type "
                f"(expected {_expectations(schema)})",
                _samples(schema, wrong),
            )
        )
    groups: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for row in converted:
        groups[tuple(row[name] for name in schema.key)].append(row)
    duplicated = {key: group for key, group in groups.items() if len(group) > 1}
    if duplicated:
        _report_duplicates(
            report,
            schema,
            [
                (group[0], len(group), len({_values(schema, r) for r in group}) > 1)
                for group in duplicated.values()
            ],
        )
    kept: list[Row] = []
    for group in groups.values():
        if len(group) == 1 or len({_values(schema, r) for r in group}) == 1:
            kept.append(group[0])
    bad_sign = [row for row in kept if not _in_range(schema, row)]
    if bad_sign:
        report.problems.append(
            Problem(
                "negative-values",
                schema.name,
                len(bad_sign),
                f"{len(bad_sign)} row(s) out of range (expected {_ranges(schema)})",
                _samples(schema, bad_sign),
            )
        )
    return [row for row in kept if _in_range(schema, row)]


def _known(
    report: ValidationReport, schema: TableSchema, rows: list[Row], productions: set[str]
) -> list[Row]:
    unknown = [row for row in rows if row["production"] not in productions]
    if unknown:
        names = sorted({row["production"] for row in unknown})
        report.problems.append(
            Problem(
                "unknown-productions",
                schema.name,
                len(unknown),
                f"{len(unknown)} row(s) for production(s) not in productions: "
                f"{_first(names)} (expected a production id listed in productions)",
                _samples(schema, unknown),
            )
        )
    return [row for row in rows if row["production"] in productions]


def _viewership_stats(engine: Engine, typed: Any) -> tuple[list[Row], pa.Table | None]:
    """Per (platform, title) counts, and the (platform, title) groups that may hold duplicated
    keys (None: unknown, every group may). The cheap overview suffices unless it shows a
    problem; on DuckDB it also carries the duplicate bitmaps (one scan for both)."""
    suspects: pa.Table | None = None
    if engine.name == "duckdb":
        overview, suspects = _duckdb_overview(engine)
    else:
        overview = engine.query(
            pipeline.to_sql(pipeline.viewership_overview(typed), engine.dialect)
        )
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


def _viewership_problems(
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
                f"(expected {_expectations(VIEWERSHIP)})",
                _query_samples(engine, checked, ~valid),
            )
        )
    if negative:
        report.problems.append(
            Problem(
                "negative-values",
                "viewership",
                negative,
                f"{negative} row(s) out of range (expected {_ranges(VIEWERSHIP)})",
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
                f"{_first(names)} (expected a title listed in titles)",
                _query_samples(engine, checked, valid & checked.title.isin(listed.title)),
            )
        )
    return latest, total, bool(wrong), bool(negative)


def _viewership_duplicates(
    report: ValidationReport, engine: Engine, typed: Any, suspects: pa.Table | None
) -> tuple[tuple[str, str, str, dt.date, Decimal], ...]:
    """Report duplicated viewership keys; return the surplus hours of each (see
    :func:`pipeline.duplicate_keys`): the extra copies of agreeing rows, all of disagreeing."""
    candidates = None
    if suspects is not None:
        if suspects.num_rows == 0:
            return ()
        found = _duckdb_suspect_territories(engine, suspects)
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
                    **{name: _text(row[name]) for name in VIEWERSHIP.key},
                    "hours": _text(row["low"])
                    if row["low"] == row["high"]
                    else f"{_text(row['low'])} to {_text(row['high'])}",
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


def _duckdb_overview(engine: Engine) -> tuple[pa.Table, pa.Table | None]:
    """The viewership overview of :func:`pipeline.viewership_overview`, plus a duplicate
    bitmap per (platform, title) in the same scan: one bit per territory x day. A group with
    more rows than set bits holds a duplicated key; one with as many holds none.

    Returns the overview and the suspect (platform, title) groups, or None for the suspects
    when the bitmaps would be too large (then the caller groups every key).
    """
    first, last, territories = (
        engine.query(
            "SELECT min(date) AS first, max(date) AS last, list(DISTINCT territory) AS territories "
            "FROM typed_viewership"
        )
        .to_pylist()[0]
        .values()
    )
    territories = sorted(t for t in territories or [] if t is not None)
    span = (last - first).days + 1 if first is not None else 1
    width = span * max(1, len(territories))
    held = ", ".join(f"count({name}) AS held_{name}" for name in VIEWERSHIP.column_names)
    bitmap = first is not None and width <= 2_000_000  # <= 250 kB of bits per title
    if bitmap:
        engine.register(
            "territory_index",
            pa.table(
                {
                    "territory": pa.array(territories, pa.string()),
                    "slot": pa.array(range(len(territories)), pa.int64()),
                }
            ),
        )
        source = (
            f"SELECT v.*, t.slot * {span} + (v.date - DATE '{first.isoformat()}') AS slot "
            "FROM typed_viewership v LEFT JOIN territory_index t ON v.territory = t.territory"
        )
        suspect = f", count(slot) > bit_count(bitstring_agg(slot, 0, {width - 1})) AS suspect"
    else:
        source, suspect = "SELECT * FROM typed_viewership", ""
    overview = engine.query(
        f"""
        SELECT platform, title, count(*) AS rows, {held}, min(hours) AS least_hours,
               min(date) AS first_date, max(date) AS last_date{suspect}
        FROM ({source})
        GROUP BY platform, title
        """
    )
    if not bitmap:
        return overview, None
    flagged = [
        row
        for row in overview.select(
            ["platform", "title", "first_date", "last_date", "suspect"]
        ).to_pylist()
        if row["suspect"]
    ]
    return overview, pa.table(
        {
            "platform": pa.array([r["platform"] for r in flagged], pa.string()),
            "title": pa.array([r["title"] for r in flagged], pa.string()),
            "first_date": pa.array([r["first_date"] for r in flagged], pa.date32()),
            "last_date": pa.array([r["last_date"] for r in flagged], pa.date32()),
        }
    )


def _duckdb_suspect_territories(engine: Engine, suspects: pa.Table) -> pa.Table:
    """Narrow suspect (platform, title) groups down to (platform, title, territory) with one
    bitmap of days per group, so the exact search groups a handful of rows, not whole titles."""
    first = min(suspects.column("first_date").to_pylist())
    last = max(suspects.column("last_date").to_pylist())
    engine.register("duplicate_suspects", suspects.select(["platform", "title"]))
    return engine.query(
        f"""
        SELECT v.platform, v.title, v.territory
        FROM typed_viewership v
        SEMI JOIN duplicate_suspects s ON v.platform = s.platform AND v.title = s.title
        WHERE v.territory IS NOT NULL AND v.date IS NOT NULL
        GROUP BY v.platform, v.title, v.territory
        HAVING count(*) > bit_count(bitstring_agg(
            v.date - DATE '{first.isoformat()}', 0, {(last - first).days}))
        """
    )


def _subscribed_years(
    report: ValidationReport,
    years: Sequence[ProductionYear],
    index: SubscriberIndex,
    settings: ResidualSettings,
) -> list[ProductionYear]:
    """Report production-years lacking domestic subscribers; return the others."""
    bad: list[Row] = []
    kept: list[ProductionYear] = []
    for year in years:
        missing = index.missing(year.platform, settings.domestic_territories, year.start)
        total = sum(
            index.latest(year.platform, t, year.start) or 0 for t in settings.domestic_territories
        )
        if missing or total == 0:
            bad.append(
                {
                    "production": year.production,
                    "year": year.year,
                    "platform": year.platform,
                    "year_start": year.start.isoformat(),
                    "missing": ", ".join(missing) if missing else "all counts are 0",
                }
            )
        else:
            kept.append(year)
    if bad:
        report.problems.append(
            Problem(
                "missing-subscribers",
                "subscribers",
                len(bad),
                f"{len(bad)} production-year(s) without domestic subscribers "
                f"({', '.join(settings.domestic_territories)}) on or before the year's first day "
                "(expected a count with as_of on or before it for each domestic territory)",
                tuple(bad[:SAMPLE_SIZE]),
            )
        )
    return kept


def _report_duplicates(
    report: ValidationReport, schema: TableSchema, groups: list[tuple[Row, int, bool]]
) -> None:
    groups.sort(key=lambda g: tuple(_order(g[0][f"{name}__text"]) for name in schema.key))
    count = sum(n for _, n, _ in groups)
    conflicting = sum(1 for _, _, c in groups if c)
    report.problems.append(
        Problem(
            "duplicate-rows",
            schema.name,
            count,
            f"{count} row(s) share their ({', '.join(schema.key)}) with another row: "
            f"{len(groups)} key(s), {conflicting} with differing values (expected each key once)",
            tuple({**_untext(row), "occurrences": n} for row, n, _ in groups[:SAMPLE_SIZE]),
        )
    )


def _query_samples(engine: Engine, checked: Any, condition: Any) -> tuple[Row, ...]:
    table = engine.query(
        pipeline.to_sql(pipeline.sample_rows(checked, condition, VIEWERSHIP), engine.dialect)
    )
    return tuple(_untext(row) for row in table.to_pylist())


def _samples(schema: TableSchema, rows: Iterable[Row]) -> tuple[Row, ...]:
    ordered = sorted(rows, key=lambda r: tuple(_order(r[f"{n}__text"]) for n in schema.key))
    return tuple(_untext(row) for row in ordered[:SAMPLE_SIZE])


def _untext(row: Mapping[str, Any]) -> Row:
    return {
        key.removesuffix("__text"): value for key, value in row.items() if key.endswith("__text")
    }


def _values(schema: TableSchema, row: Row) -> tuple[Any, ...]:
    return tuple(row[name] for name in schema.values)


def _in_range(schema: TableSchema, row: Row) -> bool:
    for column in schema.columns:
        if column.sign is Sign.NON_NEGATIVE and row[column.name] < 0:
            return False
        if column.sign is Sign.POSITIVE and row[column.name] <= 0:
            return False
    return True


def _expectations(schema: TableSchema) -> str:
    parts = []
    for column in schema.columns:
        kind = "a date YYYY-MM-DD" if column.kind == "date" else f"a {column.kind}"
        parts.append(f"{column.name}: {kind}")
    return "; ".join(parts)


def _ranges(schema: TableSchema) -> str:
    return "; ".join(
        f"{column.name}: {column.expected}"
        for column in schema.columns
        if column.sign is not Sign.ANY
    )


def _first(names: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def _show(value: Any) -> str:
    return "(missing)" if value is None else str(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _order(value: Any) -> tuple[bool, str]:
    """Sort key of a shown value: missing values first, as the engines' samples are sorted."""
    return (value is not None, "" if value is None else str(value))
