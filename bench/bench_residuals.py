"""Residuals benchmark: 100,000,000 viewership rows through ``likeness residuals run`` on DuckDB.

1. Generates (once; reused from the cache folder when its parameters match) a dataset of
   ``--rows`` viewership rows: ``--titles`` 20,000 titles, 5 platforms, 60 territories, two years,
   rows skewed toward popular titles, ``--duplicates`` exact duplicate rows (feeds resend).
2. Times ``likeness residuals run DIR --out OUT --skip-bad-rows --no-store --timings T`` as a
   subprocess, from process start to outputs written (``seconds``), with the child's peak RSS
   (``peak_mb``, from ``wait4``); the run's own timings give ``validate_seconds`` and
   ``compute_seconds`` (the engine's window sums plus the decimal finishing).
3. The floor: one bare DuckDB query over the same Parquet summing the domestic hours of every
   hb-svod production's exhibition-year windows (windows computed inside the query); best of
   two runs.
4. Spark local mode on a ``--spark-rows`` (10,000,000) dataset: runs DuckDB and Spark on it and
   checks that both print identical JSON (every production-year and performer line, to the
   cent); ``spark_seconds`` is the Spark run end to end.

Targets (2-core machine): end_to_floor (seconds / floor_seconds, both of this run) <= 3,
compute_seconds <= 2 x floor_seconds, peak_mb <= 4096.

Last line::

    residuals: rows=... seconds=... validate_seconds=... compute_seconds=... floor_seconds=...
    end_to_floor=... peak_mb=... spark_rows=... spark_seconds=...
(on one line)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from likeness.compensation.residuals.generate import generate_dataset

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".bench-data"
LIKENESS = Path(sys.executable).with_name("likeness")


def command() -> list[str]:
    """``likeness residuals`` when the root command mounts it, else the sub-command module."""
    if LIKENESS.exists():
        probe = subprocess.run([LIKENESS, "residuals", "--help"], capture_output=True)
        if probe.returncode == 0:
            return [str(LIKENESS), "residuals"]
    return [sys.executable, "-m", "likeness.cli.residuals"]


def dataset(rows: int, titles: int, duplicates: int, seed: int) -> Path:
    """The cached dataset for these parameters, generated when missing."""
    params = {"rows": rows, "titles": titles, "duplicates": duplicates, "seed": seed, "v": 2}
    folder = CACHE / f"residuals-{rows}-{titles}-{duplicates}-{seed}"
    marker = folder / "params.json"
    if marker.exists() and json.loads(marker.read_text()) == params:
        print(f"reusing {folder}", file=sys.stderr)
        return folder
    free = shutil.disk_usage(CACHE if CACHE.exists() else ROOT).free
    need = rows * 8  # generous: about 3.3 bytes a row compressed
    if free < need:
        raise SystemExit(f"not enough disk for {rows:,} rows: {free / 1e9:.1f} GB free")
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    generate_dataset(folder, rows=rows, titles=titles, seed=seed, duplicates=duplicates)
    marker.write_text(json.dumps(params))
    print(f"generated {folder} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return folder


def timed_run(args: list[str]) -> tuple[float, int, subprocess.CompletedProcess[str]]:
    """Run a child; return (seconds, peak RSS in MB, result)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(args, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess(args, child.returncode, out.read(), err.read())
    # ru_maxrss is in kilobytes on Linux
    return seconds, usage.ru_maxrss // 1024, done


FLOOR_SQL = """
WITH first AS (
  SELECT t.production, min(t.premiere) AS premiere
  FROM read_parquet('{d}/titles.parquet') t
  JOIN read_parquet('{d}/productions.parquet') p ON p.production = t.production
  WHERE p.kind = 'hb-svod'
  GROUP BY t.production
),
latest AS (SELECT max(date) AS day FROM read_parquet('{d}/viewership.parquet')),
years AS (
  SELECT f.production, k AS year, CAST(f.premiere + to_years(CAST(k - 1 AS INTEGER)) AS DATE) AS s
  FROM first f, latest, range(1, 200) r(k)
  WHERE f.premiere + to_years(CAST(k - 1 AS INTEGER)) <= latest.day
),
windows AS (
  SELECT t.title, y.production, y.year, y.s, CAST(y.s + INTERVAL 90 DAY AS DATE) AS e
  FROM years y JOIN read_parquet('{d}/titles.parquet') t ON t.production = y.production
)
SELECT w.production, w.year, sum(v.hours) AS hours
FROM read_parquet('{d}/viewership.parquet') v
JOIN windows w ON v.title = w.title AND v.date >= w.s AND v.date < w.e
WHERE v.territory IN ('US', 'CA')
GROUP BY w.production, w.year
"""


def floor_seconds(folder: Path) -> tuple[float, int]:
    """Best of two runs of the bare floor query; also the number of production-years."""
    best = float("inf")
    groups = 0
    for _ in range(2):
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        started = time.perf_counter()
        groups = len(con.execute(FLOOR_SQL.format(d=folder)).fetchall())
        best = min(best, time.perf_counter() - started)
        con.close()
    return best, groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--titles", type=int, default=20_000)
    parser.add_argument("--duplicates", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--spark-rows", type=int, default=10_000_000)
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark comparison")
    options = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    base = command()

    folder = dataset(options.rows, options.titles, options.duplicates, options.seed)
    work = Path(tempfile.mkdtemp(prefix="bench-residuals-"))
    timings_file = work / "timings.json"
    seconds, peak_mb, done = timed_run(
        [*base, "run", str(folder), "--out", str(work / "out"), "--skip-bad-rows", "--no-store",
         "--no-progress", "--timings", str(timings_file)]
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"residuals run failed ({done.returncode}):\n{done.stderr}")
    timings: dict[str, Any] = json.loads(timings_file.read_text())
    result = json.loads((work / "out" / "residuals.json").read_text())
    qualified = sum(1 for p in result["productions"] if p["qualified"])
    print(
        f"duckdb: {timings['rows']:,} rows, {len(result['productions']):,} production-years "
        f"({qualified:,} qualified), {len(result['performers']):,} residual lines; "
        f"seconds {seconds:.2f} (validate {timings['validate_seconds']:.2f}, compute "
        f"{timings['compute_seconds']:.2f}, output {timings['output_seconds']:.2f}), "
        f"peak {peak_mb} MB"
    )
    floor, groups = floor_seconds(folder)
    print(f"floor: {floor:.2f} s for {groups:,} production-year windows")

    spark_rows = spark_seconds = 0.0
    if not options.no_spark:
        small = dataset(options.spark_rows, options.titles, options.duplicates // 10, options.seed)
        run_args = ["run", str(small), "--json", "--skip-bad-rows", "--no-store", "--no-progress"]
        _, _, on_duckdb = timed_run([*base, *run_args])
        spark_seconds, _, on_spark = timed_run(
            [*base, *run_args, "--engine", "spark", "--spark-master", "local[2]"]
        )
        if on_duckdb.returncode or on_spark.returncode:
            raise SystemExit(f"spark comparison failed:\n{on_duckdb.stderr}\n{on_spark.stderr}")
        left, right = json.loads(on_duckdb.stdout), json.loads(on_spark.stdout)
        if left != right:
            raise SystemExit("spark and duckdb disagree on the residual lines")
        lines = len(left["performers"])
        print(
            f"spark: {options.spark_rows:,} rows in {spark_seconds:.2f} s; identical cents on "
            f"all {len(left['productions']):,} production-years and {lines:,} lines"
        )
        spark_rows = options.spark_rows
    shutil.rmtree(work, ignore_errors=True)
    print(
        f"residuals: rows={timings['rows']} seconds={seconds:.2f} "
        f"validate_seconds={timings['validate_seconds']:.2f} "
        f"compute_seconds={timings['compute_seconds']:.2f} floor_seconds={floor:.2f} "
        f"end_to_floor={seconds / floor:.2f} peak_mb={peak_mb} spark_rows={int(spark_rows)} "
        f"spark_seconds={spark_seconds:.2f}"
    )


if __name__ == "__main__":
    main()
