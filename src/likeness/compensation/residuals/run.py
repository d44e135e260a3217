"""One residual run: validate the folder, sum the windows on the engine, finish in decimals.

Example::

    engine = DuckDBEngine()
    outcome = run_residuals(Path("data"), engine, load_settings("sag-aftra-tv-theatrical-2023"))
    outcome.result.productions[0].metric   # Decimal('0.203125')
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from likeness.compensation.residuals import pipeline
from likeness.compensation.residuals.compute import ResidualResult, compute_residuals
from likeness.compensation.residuals.engines import Engine
from likeness.compensation.residuals.settings import ResidualSettings
from likeness.compensation.residuals.validation import Inputs, ValidationReport, validate


@dataclass(slots=True)
class Timings:
    """Seconds spent in each stage of a run."""

    validate_seconds: float = 0.0
    compute_seconds: float = 0.0
    output_seconds: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, float]:
        """The timings as JSON-ready data, rounded to milliseconds."""
        return {
            "validate_seconds": round(self.validate_seconds, 3),
            "compute_seconds": round(self.compute_seconds, 3),
            "output_seconds": round(self.output_seconds, 3),
            **{key: round(value, 3) for key, value in self.extra.items()},
        }


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What a run found and computed; ``result`` is None when validation refused the input."""

    report: ValidationReport
    result: ResidualResult | None
    rows: int
    engine: str
    rule_set: str
    timings: Timings


def run_residuals(
    directory: Path,
    engine: Engine,
    settings: ResidualSettings,
    *,
    skip_bad_rows: bool = False,
    step: Callable[[str], None] = lambda _: None,
    given: Mapping[str, pa.Table] | None = None,
) -> RunOutcome:
    """Validate ``directory`` and, when the input allows, compute every production-year;
    tables in ``given`` (e.g. productions, titles and cast from the registry) replace files.

    Nothing is computed when validation finds a problem, unless ``skip_bad_rows`` (then the
    good rows are used; missing tables or columns still stop the run).

    :raises CompensationError: when the engine fails or the data cannot be computed.
    """
    timings = Timings()
    started = time.perf_counter()
    report, inputs = validate(
        engine, directory, settings, skip_bad_rows=skip_bad_rows, step=step, given=given
    )
    timings.validate_seconds = time.perf_counter() - started
    if inputs is None:
        return RunOutcome(report, None, 0, engine.name, settings.rule_set, timings)
    started = time.perf_counter()
    step("summing domestic hours of every exhibition-year window")
    hours = window_hours(engine, inputs, settings)
    step("computing residuals and bonuses")
    result = compute_residuals(
        inputs.years, hours, inputs.titles, inputs.cast, inputs.subscribers, settings
    )
    timings.compute_seconds = time.perf_counter() - started
    return RunOutcome(
        report, result, inputs.viewership_rows, engine.name, settings.rule_set, timings
    )


def window_hours(
    engine: Engine, inputs: Inputs, settings: ResidualSettings
) -> dict[tuple[str, int], Decimal]:
    """The exact domestic hours of every production-year window, summed on ``engine``."""
    if not inputs.years:
        return {}
    titles_of: dict[str, list[str]] = {}
    for title in inputs.titles:
        titles_of.setdefault(title.production, []).append(title.title)
    rows = [
        (title, year.production, year.year, year.start, year.window_end)
        for year in inputs.years
        for title in titles_of.get(year.production, [])
    ]
    engine.register(
        "title_windows",
        pa.table(
            {
                "title": pa.array([r[0] for r in rows], pa.string()),
                "production": pa.array([r[1] for r in rows], pa.string()),
                "year": pa.array([r[2] for r in rows], pa.int64()),
                "window_start": pa.array([r[3] for r in rows], pa.date32()),
                "window_end": pa.array([r[4] for r in rows], pa.date32()),
            }
        ),
    )
    typed = pipeline.unbound("typed_viewership", _TYPED_SCHEMA)
    good = pipeline.good_viewership(typed, wrong_types=inputs.wrong_types, negative=inputs.negative)
    windows = pipeline.unbound("title_windows", pipeline.TITLE_WINDOWS_SCHEMA)
    domestic = settings.domestic_territories
    hours = _sums(engine, pipeline.window_hours(good, windows, domestic))
    if inputs.surplus:
        engine.register("surplus_hours", _surplus_table(inputs))
        surplus = pipeline.unbound("surplus_hours", pipeline.SURPLUS_SCHEMA)
        for key, extra in _sums(engine, pipeline.window_hours(surplus, windows, domestic)).items():
            hours[key] -= extra
    return hours


def _sums(engine: Engine, expr: Any) -> dict[tuple[str, int], Decimal]:
    table = engine.query(pipeline.to_sql(expr, engine.dialect))
    return {
        (row["production"], int(row["year"])): Decimal(row["hours"])
        for row in table.to_pylist()
        if row["hours"] is not None
    }


def _surplus_table(inputs: Inputs) -> pa.Table:
    columns = list(zip(*inputs.surplus, strict=True))
    return pa.table(
        {
            "platform": pa.array(columns[0], pa.string()),
            "title": pa.array(columns[1], pa.string()),
            "territory": pa.array(columns[2], pa.string()),
            "date": pa.array(columns[3], pa.date32()),
            "hours": pa.array(columns[4], pa.decimal128(38, pipeline.SCALE)),
        }
    )


# the hours type only matters to the compiler's type checks; the engine keeps the file's own
_TYPED_SCHEMA = {
    "platform": "string",
    "title": "string",
    "territory": "string",
    "date": "date",
    "hours": pipeline.DECIMAL_TYPE,
}
