"""The residual pipeline end to end on DuckDB and on Spark local mode (SPEC §6.1, issue 5).

Spark tests share one local session (``spark`` fixture, session scope) and are marked ``spark``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from likeness.compensation.residuals import duckdb_engine
from likeness.compensation.residuals.engines import DuckDBEngine, Engine, SparkEngine, spark_session
from likeness.compensation.residuals.from_registry import registry_tables
from likeness.compensation.residuals.generate import generate_dataset
from likeness.compensation.residuals.outputs import result_json
from likeness.compensation.residuals.run import RunOutcome, run_residuals
from likeness.compensation.residuals.settings import load_settings

SETTINGS = load_settings("sag-aftra-tv-theatrical-2023")
TABLES = ("productions", "titles", "cast", "subscribers", "viewership")


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    session = spark_session(
        "local[2]",
        **{"spark.driver.memory": "1g", "spark.sql.shuffle.partitions": "2"},
    )
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def backend(request: pytest.FixtureRequest) -> Iterator[Engine]:
    if request.param == "duckdb":
        duck = DuckDBEngine()
        yield duck
        duck.close()
    else:
        yield SparkEngine(session=request.getfixturevalue("spark"))


@pytest.fixture
def basic(shared_scenarios: Path, tmp_path: Path) -> Path:
    """A writable copy of residuals-basic."""
    target = tmp_path / "basic"
    shutil.copytree(shared_scenarios / "residuals-basic", target)
    return target


@pytest.fixture
def expected(shared_scenarios: Path) -> dict[str, object]:
    text = (shared_scenarios / "residuals-basic" / "expected.json").read_text()
    data: dict[str, object] = json.loads(text)
    return data


def run(directory: Path, engine: Engine, *, skip: bool = False) -> RunOutcome:
    return run_residuals(directory, engine, SETTINGS, skip_bad_rows=skip)


def append_rows(directory: Path, table: str, *rows: str) -> None:
    path = directory / f"{table}.csv"
    text = path.read_text()
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + "".join(f"{row}\n" for row in rows))


def edit(directory: Path, table: str, change: Callable[[str], str]) -> None:
    path = directory / f"{table}.csv"
    path.write_text(change(path.read_text()))


def problems(outcome: RunOutcome) -> dict[tuple[str, str], int]:
    return {(p.table, p.code): p.count for p in outcome.report.problems}


# ---- the public scenario ---------------------------------------------------------------------


def test_residuals_basic_gives_the_expected_json(backend, basic, expected):
    outcome = run(basic, backend)
    assert outcome.report.ok
    assert outcome.result is not None
    assert result_json(outcome.result) == expected


def test_productions_titles_and_cast_given_from_the_registry_give_the_same_result(
    backend, basic, expected
):
    """``--from-registry``: the folder holds only viewership and subscribers; the other three
    tables come as registry rows, checked like files."""
    rows: dict[str, list[dict[str, object]]] = {}
    for name in ("productions", "titles", "cast"):
        path = basic / f"{name}.csv"
        with path.open(newline="") as f:
            rows[name] = list(csv.DictReader(f))
        path.unlink()
    for row in rows["titles"]:
        row["runtime_minutes"] = int(str(row["runtime_minutes"]))
        row["premiere"] = dt.date.fromisoformat(str(row["premiere"]))
    for row in rows["cast"]:
        row["residual_base"] = Decimal(str(row["residual_base"]))
    outcome = run_residuals(basic, backend, SETTINGS, given=registry_tables(rows))
    assert outcome.report.problems == []
    assert outcome.result is not None and result_json(outcome.result) == expected


def test_a_registry_table_is_checked_like_a_file(backend, basic):
    rows = {
        "productions": [{"production": "V1", "kind": "hb-svod", "platform": "streamflix"}],
        "titles": [
            {"production": "V1", "title": "V1-E1", "runtime_minutes": 60,
             "premiere": dt.date(2024, 3, 1)},
            {"production": "V9", "title": "V1-E2", "runtime_minutes": 60,
             "premiere": dt.date(2024, 3, 1)},
        ],
        "cast": [],
    }  # fmt: skip
    for name in rows:
        (basic / f"{name}.csv").unlink()
    outcome = run_residuals(basic, backend, SETTINGS, given=registry_tables(rows))
    assert outcome.result is None
    assert problems(outcome)[("titles", "unknown-productions")] == 1


def test_parquet_tables_give_the_same_result_as_csv(backend, basic, expected, tmp_path):
    target = tmp_path / "parquet"
    target.mkdir()
    con = duckdb.connect()
    types = {
        "titles": "runtime_minutes INTEGER, premiere DATE",
        "cast": "residual_base DECIMAL(18,2)",
        "subscribers": "as_of DATE, subscribers BIGINT",
        "viewership": "date DATE, hours DECIMAL(18,2)",
    }
    for table in TABLES:
        casts = types.get(table)
        source = f"read_csv('{basic / table}.csv', header=true, all_varchar=true)"
        select = "*"
        if casts:
            columns = [c.split()[0] for c in casts.split(", ")]
            replaced = ", ".join(
                f"CAST({c.split()[0]} AS {c.split()[1]}) AS {c.split()[0]}"
                for c in casts.split(", ")
            )
            select = f"* REPLACE ({replaced})"
            assert columns
        con.execute(f"COPY (SELECT {select} FROM {source}) TO '{target / table}.parquet'")
    con.close()
    outcome = run(target, backend)
    assert outcome.result is not None
    assert result_json(outcome.result) == expected


@pytest.mark.parametrize("statistics", [True, False], ids=["with-statistics", "without"])
@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("streamflix,V1-E1,US,2024-07-30,-1.5", ("viewership", "negative-values", 1)),
        ("streamflix,V1-E1,US,2024-07-31,", ("viewership", "wrong-types", 1)),
        ("streamflix,V9-E1,US,2024-03-05,10", ("viewership", "unknown-titles", 1)),
        ("streamflix,V1-E2,US,2024-03-20,4000000", ("viewership", "duplicate-rows", 2)),
    ],
    ids=["negative", "missing", "unknown-title", "duplicate"],
)
def test_each_viewership_problem_reads_the_same_from_parquet_as_from_csv(
    backend, basic, tmp_path, statistics, row, problem
):
    """A Parquet file's footer answers the whole-table checks (values held, least hours, date
    range) without a scan; each problem alone must still be found, with or without those
    statistics, and the good rows give the same cents."""
    append_rows(basic, "viewership", row)
    target = tmp_path / "parquet"
    shutil.copytree(basic, target)
    (target / "viewership.csv").unlink()
    viewership = duckdb.sql(
        f"SELECT * REPLACE (CAST(date AS DATE) AS date, CAST(hours AS DECIMAL(18,2)) AS hours) "
        f"FROM read_csv('{basic}/viewership.csv', header=true, all_varchar=true)"
    ).to_arrow_table()
    pq.write_table(viewership, target / "viewership.parquet", write_statistics=statistics)
    from_csv, from_parquet = run(basic, backend, skip=True), run(target, backend, skip=True)
    table, code, count = problem
    assert problems(from_parquet) == problems(from_csv) == {(table, code): count}
    assert from_parquet.result is not None and from_csv.result is not None
    assert result_json(from_parquet.result) == result_json(from_csv.result)


# ---- both engines agree to the cent ----------------------------------------------------------


@pytest.mark.spark
@pytest.mark.slow
def test_a_generated_dataset_gives_identical_cents_on_duckdb_and_spark(spark, tmp_path):
    generate_dataset(tmp_path / "gen", rows=200_000, titles=300, seed=11, duplicates=25)
    duck = DuckDBEngine()
    on_duckdb = run(tmp_path / "gen", duck, skip=True)
    duck.close()
    on_spark = run(tmp_path / "gen", SparkEngine(session=spark), skip=True)
    assert on_duckdb.result is not None and on_spark.result is not None
    assert problems(on_duckdb) == problems(on_spark) == {("viewership", "duplicate-rows"): 50}
    left, right = result_json(on_duckdb.result), result_json(on_spark.result)
    # the generator is seeded: these are the sizes of its output, found by running it
    assert (len(left["productions"]), len(left["performers"])) == (93, 570)
    assert sum(p["qualified"] for p in left["productions"]) == 27
    assert len(left["productions"]) == len(right["productions"])
    for a, b in zip(left["productions"], right["productions"], strict=True):
        assert a == b
    for a, b in zip(left["performers"], right["performers"], strict=True):
        assert a == b


def test_the_generator_is_deterministic_and_writes_the_rows_asked_for(tmp_path):
    first = generate_dataset(tmp_path / "a", rows=5_000, titles=40, seed=3, duplicates=5)
    generate_dataset(tmp_path / "b", rows=5_000, titles=40, seed=3, duplicates=5)
    con = duckdb.connect()
    for table in TABLES:
        query = "SELECT * FROM read_parquet('{}') ORDER BY ALL"
        a = con.execute(query.format(tmp_path / "a" / f"{table}.parquet")).fetchall()
        b = con.execute(query.format(tmp_path / "b" / f"{table}.parquet")).fetchall()
        assert a == b, table
    count, keys = con.execute(
        "SELECT count(*), count(DISTINCT (platform, title, territory, date)) "
        f"FROM read_parquet('{tmp_path / 'a' / 'viewership.parquet'}')"
    ).fetchone()
    assert (count, keys, first.duplicates) == (5_000, 4_995, 5)


# ---- validation: nothing is computed from a bad input ----------------------------------------


def test_a_missing_column_is_reported_and_stops_even_with_skip_bad_rows(backend, basic):
    edit(
        basic,
        "viewership",
        lambda t: "\n".join(",".join(line.split(",")[:4]) for line in t.split("\n")),
    )
    for skip in (False, True):
        outcome = run(basic, backend, skip=skip)
        assert outcome.result is None
        assert problems(outcome) == {("viewership", "missing-columns"): 1}
        assert "missing column(s) hours" in outcome.report.problems[0].message


def test_a_missing_table_is_reported(backend, basic):
    (basic / "cast.csv").unlink()
    outcome = run(basic, backend)
    assert outcome.result is None
    assert problems(outcome) == {("cast", "missing-table"): 1}


def test_an_extra_column_is_reported_and_ignored_with_skip_bad_rows(backend, basic, expected):
    edit(basic, "titles", lambda t: "\n".join(line + ",n" for line in t.strip().split("\n")))
    outcome = run(basic, backend)
    assert outcome.result is None
    assert problems(outcome) == {("titles", "extra-columns"): 1}
    skipped = run(basic, backend, skip=True)
    assert skipped.result is not None
    assert result_json(skipped.result) == expected


def test_wrong_types_are_counted_with_the_offending_rows(backend, basic):
    append_rows(
        basic,
        "viewership",
        "streamflix,V1-E1,US,2024-02-30,5",
        "streamflix,V1-E1,US,2024-04-02,abc",
        "streamflix,V1-E1,US,2024-4-3,5",
        "streamflix,V1-E1,,2024-04-04,5",
    )
    append_rows(basic, "titles", "V1,V1-E3,sixty,2024-03-15")
    outcome = run(basic, backend)
    assert outcome.result is None
    assert problems(outcome) == {("titles", "wrong-types"): 1, ("viewership", "wrong-types"): 4}
    (viewership,) = [p for p in outcome.report.problems if p.table == "viewership"]
    assert [row["date"] for row in viewership.rows] == [
        "2024-04-04", "2024-02-30", "2024-04-02", "2024-4-3"
    ]  # fmt: skip
    assert viewership.rows[0]["territory"] is None


def test_a_production_kind_that_is_not_one_is_a_wrong_type_naming_the_kinds(backend, basic):
    edit(basic, "productions", lambda t: t.replace("V2,theatrical,", "V2,hb-svodX,"))
    outcome = run(basic, backend)
    assert outcome.result is None
    # its titles, cast and viewership then name a production that is not in productions
    assert problems(outcome) == {
        ("productions", "wrong-types"): 1,
        ("titles", "unknown-productions"): 1,
        ("cast", "unknown-productions"): 1,
        ("viewership", "unknown-titles"): 1,
    }
    problem = outcome.report.problems[0]
    assert "kind: one of theatrical, television, hb-svod, commercial, video-game" in (
        problem.message
    )
    assert problem.rows == ({"production": "V2", "kind": "hb-svodX", "platform": "streamflix"},)


def test_negative_hours_are_reported_with_the_first_20_rows_in_key_order(backend, basic):
    append_rows(
        basic,
        "viewership",
        *(f"streamflix,V1-E1,US,2024-07-{d:02d},-1.5" for d in range(30, 0, -1)),
    )
    outcome = run(basic, backend)
    assert outcome.result is None
    (problem,) = outcome.report.problems
    assert (problem.code, problem.count, len(problem.rows)) == ("negative-values", 30, 20)
    assert [row["date"] for row in problem.rows] == [f"2024-07-{d:02d}" for d in range(1, 21)]
    assert problem.rows[0]["hours"] == "-1.5"


def test_viewership_for_an_unknown_title_is_reported(backend, basic):
    append_rows(
        basic, "viewership", "streamflix,V9-E1,US,2024-03-05,10", "streamflix,V9-E1,CA,2024-03-05,1"
    )
    outcome = run(basic, backend)
    assert outcome.result is None
    (problem,) = outcome.report.problems
    assert (problem.code, problem.count) == ("unknown-titles", 2)
    assert "V9-E1" in problem.message
    assert {row["territory"] for row in problem.rows} == {"US", "CA"}


def test_duplicate_rows_are_reported_with_their_key_and_count(backend, basic):
    append_rows(basic, "viewership", "streamflix,V1-E2,US,2024-03-20,4000000")
    append_rows(basic, "cast", "V1,P1,10000.00")
    outcome = run(basic, backend)
    assert outcome.result is None
    assert problems(outcome) == {("cast", "duplicate-rows"): 2, ("viewership", "duplicate-rows"): 2}
    (viewership,) = [p for p in outcome.report.problems if p.table == "viewership"]
    assert viewership.rows == (
        {"platform": "streamflix", "title": "V1-E2", "territory": "US", "date": "2024-03-20",
         "hours": viewership.rows[0]["hours"], "occurrences": 2},
    )  # fmt: skip
    assert Decimal(viewership.rows[0]["hours"]) == Decimal("4000000")  # engines pad its scale


@pytest.mark.parametrize(
    ("copies", "keys"),
    [
        # one surplus copy, one key held three times, two keys, and more than the sums resolve
        (["streamflix,V1-E1,GB,2024-03-10,9000000"], 1),
        (["streamflix,V1-E1,GB,2024-03-10,9000000"] * 2, 1),
        (["streamflix,V1-E1,GB,2024-03-10,9000000", "streamflix,V1-E1,US,2025-03-10,2000000"], 2),
        (
            ["streamflix,V1-E1,GB,2024-03-10,9000000"] * 2
            + ["streamflix,V1-E1,CA,2024-04-01,1000000", "streamflix,V1-E1,US,2025-03-10,5"],
            3,
        ),
    ],
    ids=["one-copy", "three-of-one-key", "two-keys", "four-copies"],
)
def test_every_duplicated_key_of_a_title_is_found_however_many_copies(backend, basic, copies, keys):
    append_rows(basic, "viewership", *copies)
    outcome = run(basic, backend, skip=True)
    (problem,) = [p for p in outcome.report.problems if p.code == "duplicate-rows"]
    occurrences = {}
    for row in ["streamflix,V1-E1,GB,2024-03-10", "streamflix,V1-E1,US,2025-03-10"]:
        occurrences[row] = 1 + sum(1 for c in copies if c.startswith(row))
    occurrences["streamflix,V1-E1,CA,2024-04-01"] = 1 + sum(
        1 for c in copies if c.startswith("streamflix,V1-E1,CA,2024-04-01")
    )
    expected = {k: n for k, n in occurrences.items() if n > 1}
    assert len(problem.rows) == keys == len(expected)
    assert {
        ",".join(str(r[c]) for c in ("platform", "title", "territory", "date")): r["occurrences"]
        for r in problem.rows
    } == expected
    assert problem.count == sum(expected.values())


def test_duckdb_groups_every_key_when_the_bitmaps_would_be_too_wide(basic, monkeypatch):
    monkeypatch.setattr(duckdb_engine, "BITMAP_BITS", 1)
    copies = ["streamflix,V1-E1,GB,2024-03-10,9000000"] * 3
    append_rows(basic, "viewership", *copies, "streamflix,V1-E2,US,2024-03-20,4000000")
    engine = DuckDBEngine()
    try:
        outcome = run(basic, engine, skip=True)
    finally:
        engine.close()
    (problem,) = outcome.report.problems
    assert (problem.code, problem.count) == ("duplicate-rows", 6)
    assert [(r["title"], r["occurrences"]) for r in problem.rows] == [("V1-E1", 4), ("V1-E2", 2)]


@pytest.mark.parametrize("whole_rows", [0, 2_000_000], ids=["narrowed", "searched-whole"])
def test_duckdb_finds_every_key_of_a_group_the_sums_do_not_resolve(basic, monkeypatch, whole_rows):
    """Three surplus copies in one title are more than the sums name: DuckDB either narrows the
    title down with another scan or, when its rows are few, searches it whole."""
    monkeypatch.setattr(duckdb_engine, "WHOLE_GROUP_ROWS", whole_rows)
    copies = ["streamflix,V1-E1,GB,2024-03-10,9000000"] * 2
    copies += ["streamflix,V1-E1,CA,2024-04-01,1000000"]
    append_rows(basic, "viewership", *copies)
    engine = DuckDBEngine()
    try:
        outcome = run(basic, engine, skip=True)
    finally:
        engine.close()
    (problem,) = outcome.report.problems
    assert [(r["territory"], r["date"], r["occurrences"]) for r in problem.rows] == [
        ("CA", "2024-04-01", 2),
        ("GB", "2024-03-10", 3),
    ]


def test_subscribers_missing_for_a_year_are_reported(backend, basic):
    edit(basic, "subscribers", lambda t: t.replace("streamflix,CA,2024-01-01,2000000\n", ""))
    outcome = run(basic, backend)
    assert outcome.result is None
    (problem,) = outcome.report.problems
    assert (problem.code, problem.count) == ("missing-subscribers", 1)
    assert problem.rows[0] == {
        "production": "V1", "year": 1, "platform": "streamflix", "year_start": "2024-03-01",
        "missing": "CA",
    }  # fmt: skip


# ---- --skip-bad-rows: computed from the good rows --------------------------------------------


def test_skip_bad_rows_leaves_out_each_bad_row_and_keeps_one_copy_of_agreeing_duplicates(
    backend, basic, expected
):
    append_rows(
        basic,
        "viewership",
        "streamflix,V9-E1,US,2024-03-05,10",  # unknown title
        "streamflix,V1-E1,US,2024-03-06,-7",  # negative hours
        "streamflix,V1-E1,US,2024-03-07,lots",  # wrong type
        "streamflix,V1-E2,US,2024-03-20,4000000",  # exact duplicate of an in-window row
        "streamflix,V1-E2,US,2024-03-20,4000000",  # and a third copy
    )
    outcome = run(basic, backend, skip=True)
    assert outcome.result is not None
    assert result_json(outcome.result) == expected
    assert problems(outcome) == {
        ("viewership", "wrong-types"): 1,
        ("viewership", "negative-values"): 1,
        ("viewership", "unknown-titles"): 1,
        ("viewership", "duplicate-rows"): 3,
    }


def test_skip_bad_rows_drops_every_copy_of_duplicates_that_disagree(backend, basic):
    append_rows(basic, "viewership", "streamflix,V1-E2,US,2024-03-20,1")
    outcome = run(basic, backend, skip=True)
    assert outcome.result is not None
    year1 = result_json(outcome.result)["productions"][0]
    # 13,000,000.04 hours less both copies of the 4,000,000 row: 9,000,000.0 / 2 hours of runtime
    assert (year1["views"], year1["metric"], year1["qualified"]) == (
        "4500000.0", "0.140625", False
    )  # fmt: skip


def test_skip_bad_rows_leaves_out_a_year_without_subscribers(backend, basic):
    edit(basic, "subscribers", lambda t: t.replace("streamflix,CA,2024-01-01,2000000\n", ""))
    outcome = run(basic, backend, skip=True)
    assert outcome.result is not None
    assert [(p.production, p.year) for p in outcome.result.productions] == [("V1", 2)]


def test_csv_with_windows_line_endings_and_quotes_is_read(backend, basic, expected):
    for table in TABLES:
        path = basic / f"{table}.csv"
        with path.open() as handle:
            rows = list(csv.reader(handle))
        with path.open("w", newline="") as handle:
            csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    outcome = run(basic, backend)
    assert outcome.result is not None
    assert result_json(outcome.result) == expected
