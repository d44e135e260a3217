"""The good inputs of a residual run, and :func:`validate`, which checks a folder to get them.

:func:`validate` runs the checks in the order of the report: tables and columns
(:mod:`._columns`), the small tables (:mod:`._keys`), viewership (:mod:`._viewership`), then
the subscribers of each production-year (:mod:`._subscribers`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

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
)
from likeness.compensation.residuals.settings import ResidualSettings
from likeness.compensation.residuals.validation._columns import find_table_files, load_tables
from likeness.compensation.residuals.validation._keys import fetch_checked, good_rows, known
from likeness.compensation.residuals.validation._report import ValidationReport
from likeness.compensation.residuals.validation._subscribers import subscribed_years
from likeness.compensation.residuals.validation._viewership import (
    Surplus,
    viewership_duplicates,
    viewership_problems,
    viewership_stats,
)


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
    surplus: Surplus = ()


def validate(
    engine: Engine,
    directory: Path,
    settings: ResidualSettings,
    *,
    skip_bad_rows: bool = False,
    step: Callable[[str], None] = lambda _: None,
    given: Mapping[str, pa.Table] | None = None,
) -> tuple[ValidationReport, Inputs | None]:
    """Load the five tables of ``directory`` into ``engine`` and check them; a table in
    ``given`` (productions, titles and cast from the registry) is taken from there instead of
    a file, and checked the same way.

    Returns the report and, when the computation can go on (no problem, or ``skip_bad_rows``
    and no fatal problem), the good inputs. ``step`` is called with a short description before
    each stage (for progress display).
    """
    report = ValidationReport(str(directory))
    files, missing = find_table_files(directory, given=given or {})
    report.problems.extend(missing)
    step("reading the input tables")
    types = load_tables(report, engine, files, given)
    if len(types) < len(TABLES):
        report.fatal = True
        return report, None

    step("checking productions, titles, cast and subscribers")
    small = {
        schema.name: fetch_checked(engine, schema, types[schema.name]) for schema in SMALL_TABLES
    }
    productions = good_rows(report, PRODUCTIONS, small["productions"])
    production_ids = {row["production"] for row in productions}
    titles = known(report, TITLES, good_rows(report, TITLES, small["titles"]), production_ids)
    cast = known(report, CAST, good_rows(report, CAST, small["cast"]), production_ids)
    subscribers = good_rows(report, SUBSCRIBERS, small["subscribers"])
    title_ids = {row["title"] for row in titles}

    step("checking viewership")
    raw = pipeline.raw_table(VIEWERSHIP, types["viewership"])
    typed = pipeline.typed_table(VIEWERSHIP, raw, types["viewership"])
    engine.define("typed_viewership", pipeline.to_sql(typed, engine.dialect))
    typed_view = pipeline.unbound("typed_viewership", typed.schema())
    checked = pipeline.checked_table(VIEWERSHIP, raw, types["viewership"])
    statistics = files["viewership"].suffix == ".parquet"
    stats, latest, suspects = viewership_stats(engine, typed_view, title_ids, statistics=statistics)
    rows, wrong, negative = viewership_problems(report, engine, checked, stats, title_ids)

    step("looking for duplicate viewership rows")
    surplus = viewership_duplicates(report, engine, typed_view, suspects)

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
    years = subscribed_years(report, years, index, settings)
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
