"""``likeness residuals``: streaming residuals of hb-svod productions (SPEC §6.1).

``run DIR`` validates the five input tables, computes every production and exhibition year on
DuckDB (default) or Spark, prints or writes the results and stores the residual lines per
performer in the database. ``generate DIR`` writes a realistic, deterministic dataset.

Progress goes to stderr, so ``--json`` output on stdout stays clean. An input with problems
prints the validation report (counts and first rows per problem) and exits 2 with nothing
computed, unless ``--skip-bad-rows``.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from likeness.cli._residual_registry import registry_given, store
from likeness.compensation.residuals.settings import DEFAULT_SPARK_MASTER, load_settings
from likeness.domain.productions import DEFAULT_AGREEMENT
from likeness.errors import InvalidInputError

if TYPE_CHECKING:
    from likeness.compensation.residuals.run import RunOutcome
    from likeness.compensation.residuals.validation import ValidationReport

# The engines, the pipeline and the outputs (Ibis, pandas, PyArrow, DuckDB) are imported by the
# commands that use them: every other `likeness` command starts without loading them.

app = typer.Typer(
    help="Streaming residuals of hb-svod productions (SPEC §6.1): run a dataset on DuckDB or "
    "Spark, or generate one.",
    no_args_is_help=True,
)

#: exit status for an input that fails validation (nothing computed)
INVALID_INPUT = 2
#: the stages a run reports on the progress bar
_STAGES = 6

_stderr = Console(stderr=True)


class EngineName(StrEnum):
    """The engines a run can use."""

    DUCKDB = "duckdb"
    SPARK = "spark"


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], None]]:
    """A step-by-step progress bar on stderr; yields the function that advances it."""
    if not enabled:
        yield lambda _: None
        return
    progress = Progress(
        TextColumn("[bold]residuals[/bold]"),
        BarColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=_stderr,
        transient=True,
    )
    with progress:
        task = progress.add_task("starting", total=_STAGES)

        def step(description: str) -> None:
            progress.update(task, description=description, advance=1)

        yield step


@app.command("run")
def run(
    directory: Annotated[
        Path,
        typer.Argument(
            help="Folder with productions, titles, cast, subscribers and viewership "
            "(each .csv or .parquet; only the last two with --from-registry)."
        ),
    ],
    engine: Annotated[
        EngineName, typer.Option(help="Engine: duckdb (in process) or spark.")
    ] = EngineName.DUCKDB,
    spark_master: Annotated[
        str,
        typer.Option(help="Spark master URL: local[N] or a cluster (spark://host:7077)."),
    ] = DEFAULT_SPARK_MASTER,
    spark_timeout: Annotated[
        float,
        typer.Option(
            min=1,
            help="Seconds Spark has to start (and a cluster master to register the run) before"
            " the run is given up with an error.",
        ),
    ] = 120,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the SPEC §6.1 JSON on stdout instead of tables.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Write residuals.json and CSV and Parquet files into this folder."),
    ] = None,
    skip_bad_rows: Annotated[
        bool,
        typer.Option(
            "--skip-bad-rows",
            help="Compute from the good rows and write the validation report beside the results.",
        ),
    ] = False,
    agreement: Annotated[
        str, typer.Option(help="Rule set (SPEC §7) whose residuals.yaml gives the settings.")
    ] = DEFAULT_AGREEMENT,
    no_store: Annotated[
        bool,
        typer.Option("--no-store", help="Do not store the residual lines in the database."),
    ] = False,
    timings: Annotated[
        Path | None,
        typer.Option(help="Write the seconds spent validating, computing and writing (JSON)."),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on stderr.")] = True,
    from_registry: Annotated[
        bool,
        typer.Option(
            "--from-registry",
            help="Take productions, titles and cast from the registry (those you may see): DIR"
            " then holds only subscribers and viewership.",
        ),
    ] = False,
) -> None:
    """Validate DIR and compute every production-year's residuals, bonuses and fund shares."""
    if not directory.is_dir():
        raise InvalidInputError(f"residual input {directory} is not a folder (expected a folder)")
    if out is not None and out.exists() and not out.is_dir():
        raise InvalidInputError(
            f"--out {out} is a file (expected a folder to write residuals.json and the tables"
            " into: a new one, or one whose files of those names may be replaced)"
        )
    from likeness.compensation.residuals.engines import create_engine
    from likeness.compensation.residuals.outputs import (
        REPORT_FILE,
        dumps,
        result_json,
        write_outputs,
    )
    from likeness.compensation.residuals.run import run_residuals

    settings = load_settings(agreement)
    given = registry_given(directory) if from_registry else None
    started = time.perf_counter()
    with _progress(progress and _stderr.is_terminal) as step:
        step(f"starting {engine.value}")
        backend = create_engine(
            engine.value, spark_master=spark_master, spark_timeout=spark_timeout
        )
        try:
            outcome = run_residuals(
                directory, backend, settings, skip_bad_rows=skip_bad_rows, step=step, given=given
            )
        finally:
            backend.close()
    if outcome.result is None:
        _refuse(outcome.report, as_json)
        _write_timings(timings, outcome, started)
        raise typer.Exit(INVALID_INPUT)

    writing = time.perf_counter()
    if out is not None:
        write_outputs(outcome.result, out)
        if not outcome.report.ok:
            (out / REPORT_FILE).write_text(dumps(outcome.report.to_json()), encoding="utf-8")
    elif not outcome.report.ok:
        _print_report(outcome.report, skipped=True)
    if as_json:
        sys.stdout.write(dumps(result_json(outcome.result)))
    elif out is not None:
        print(
            f"wrote {len(outcome.result.productions):,} production-year(s) and "
            f"{len(outcome.result.performers):,} residual line(s) to {out}"
        )
    else:
        _print_tables(outcome)
    outcome.timings.output_seconds = time.perf_counter() - writing
    if not no_store:
        store(outcome, directory)
    _write_timings(timings, outcome, started)


def _refuse(report: ValidationReport, as_json: bool) -> None:
    from likeness.compensation.residuals.outputs import dumps

    _print_report(report, skipped=False)
    if as_json:
        sys.stdout.write(dumps({"ok": False, "error": report.summary(), **report.to_json()}))


def _print_report(report: ValidationReport, *, skipped: bool) -> None:
    tail = "; computed from the good rows" if skipped else "; nothing computed"
    print(f"{report.summary()}{tail}", file=sys.stderr)
    for line in report.lines():
        print(f"  {line}", file=sys.stderr)


def _print_tables(outcome: RunOutcome) -> None:
    from likeness.compensation.residuals.outputs import result_json

    assert outcome.result is not None
    console = Console()
    years = Table(title=f"Residuals by production and year ({outcome.rule_set})")
    for column in ("production", "year", "views", "subscribers", "metric", "qualified", "fund"):
        years.add_column(column, justify="left" if column == "production" else "right")
    data = result_json(outcome.result)
    for row in data["productions"]:
        years.add_row(*(_cell(row[c]) for c in row))
    console.print(years)
    lines = Table(title="Residual lines by performer")
    for column in ("production", "year", "performer", "fixed_residual", "bonus"):
        lines.add_column(
            column, justify="right" if column in {"fixed_residual", "bonus"} else "left"
        )
    for row in data["performers"]:
        lines.add_row(*(_cell(row[c]) for c in row))
    console.print(lines)


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _write_timings(path: Path | None, outcome: RunOutcome, started: float) -> None:
    if path is None:
        return
    data = {
        "engine": outcome.engine,
        "rows": outcome.rows,
        **outcome.timings.to_json(),
        "total_seconds": round(time.perf_counter() - started, 3),
    }
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


@app.command("generate")
def generate(
    directory: Annotated[Path, typer.Argument(help="Folder to write the five Parquet tables to.")],
    rows: Annotated[int, typer.Option(help="Number of viewership rows.")],
    titles: Annotated[int, typer.Option(help="Number of titles (episodes and films).")],
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")],
    duplicates: Annotated[
        int,
        typer.Option(help="How many of the rows are exact copies of others (feeds resend)."),
    ] = 0,
) -> None:
    """Write a realistic, deterministic residual dataset (Parquet) into DIR."""
    from likeness.compensation.residuals.generate import generate_dataset

    started = time.perf_counter()
    with _stderr.status(f"generating {rows:,} viewership rows", spinner="dots"):
        made = generate_dataset(
            directory, rows=rows, titles=titles, seed=seed, duplicates=duplicates
        )
    print(
        f"wrote {made.rows:,} viewership rows ({made.duplicates:,} duplicates), "
        f"{made.titles:,} titles, {made.productions:,} productions to {directory} "
        f"in {time.perf_counter() - started:.1f} s"
    )


def main(argv: list[str] | None = None) -> int:
    """Run ``residuals`` alone (``python -m likeness.cli.residuals``) with the root command's
    error handling: a Likeness error prints one line and exits 2 (bad input) or 1."""
    from likeness.cli._output import exit_code_for
    from likeness.errors import Error

    args = sys.argv[1:] if argv is None else argv
    try:
        typer.main.get_command(app).main(args=args, prog_name="residuals", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except Error as error:
        print(f"error: {error.diagnostics()}", file=sys.stderr)
        return exit_code_for(error)
    return 0


if __name__ == "__main__":  # pragma: no cover - `python -m likeness.cli.residuals`
    sys.exit(main())
