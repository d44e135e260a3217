"""``residuals run`` and ``residuals generate`` as a user runs them: real subprocesses.

Most tests run the sub-command module (``python -m likeness.cli.residuals``) so they do not
depend on how the root command mounts it; one test checks ``likeness residuals`` itself.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from likeness.rulesets import RULE_SET_IDS
from tests.e2e.conftest import LIKENESS, run_cli


def residuals(*args: str, home: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIKENESS_")}
    env["LIKENESS_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "likeness.cli.residuals", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


@pytest.fixture
def basic(shared_scenarios: Path) -> Path:
    return shared_scenarios / "residuals-basic"


@pytest.fixture
def expected(basic: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((basic / "expected.json").read_text())
    return data


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_run_json_prints_exactly_the_spec_shape_on_a_clean_stdout(basic, expected, home):
    done = residuals("run", str(basic), "--json", "--no-store", home=home)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected


def test_run_out_writes_json_csv_and_parquet_with_exact_decimals(basic, expected, home, tmp_path):
    out = tmp_path / "out"
    done = residuals("run", str(basic), "--out", str(out), "--no-store", home=home)
    assert done.returncode == 0, done.stderr
    assert json.loads((out / "residuals.json").read_text()) == expected
    assert (out / "residual_performers.csv").read_text().splitlines() == [
        "production,year,performer,fixed_residual,bonus",
        "V1,1,P1,2250.00,1687.50",
        "V1,1,P2,900.00,675.00",
        "V1,2,P1,2500.00,0.00",
        "V1,2,P2,1000.00,0.00",
    ]
    years = pq.read_table(out / "residual_productions.parquet")
    assert str(years.schema.field("metric").type) == "decimal128(38, 6)"
    assert str(years.schema.field("fund").type) == "decimal128(18, 2)"
    assert [str(v) for v in years.column("fund").to_pylist()] == ["787.50", "0.00"]
    assert "wrote 2 production-year(s) and 4 residual line(s)" in done.stdout


def test_bad_input_exits_2_with_the_report_and_computes_nothing(basic, home, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in basic.glob("*.csv"):
        (bad / f.name).write_text(f.read_text())
    with (bad / "viewership.csv").open("a") as handle:
        handle.write("streamflix,V1-E1,US,2024-03-06,-7\nstreamflix,NOPE,US,2024-03-06,7\n")
    out = tmp_path / "out"
    done = residuals("run", str(bad), "--out", str(out), "--no-store", home=home)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "nothing computed" in done.stderr
    assert "viewership: negative-values (1)" in done.stderr
    assert "viewership: unknown-titles (1)" in done.stderr
    assert "title=NOPE" in done.stderr
    assert not out.exists()

    as_json = residuals("run", str(bad), "--json", "--no-store", home=home)
    assert as_json.returncode == 2
    report = json.loads(as_json.stdout)
    assert report["ok"] is False
    assert {(p["code"], p["count"]) for p in report["problems"]} == {
        ("negative-values", 1),
        ("unknown-titles", 1),
    }

    skipped = residuals(
        "run", str(bad), "--out", str(out), "--skip-bad-rows", "--no-store", home=home
    )
    assert skipped.returncode == 0, skipped.stderr
    beside = json.loads((out / "validation-report.json").read_text())
    assert len(beside["problems"]) == 2
    assert (out / "residuals.json").exists()


def test_run_stores_residual_lines_when_a_database_exists(basic, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIKENESS_")}
    init = subprocess.run(
        [LIKENESS, "init"], capture_output=True, text=True, env={**env, "LIKENESS_HOME": str(home)}
    )
    assert init.returncode == 0, init.stderr
    done = residuals("run", str(basic), "--json", home=home)
    assert done.returncode == 0, done.stderr
    assert "stored residual run 1: 4 residual line(s)" in done.stderr
    skipped = residuals("run", str(basic), "--json", "--no-store", home=home)
    assert skipped.returncode == 0
    with sqlite3.connect(home / "likeness.db") as db:
        lines = db.execute(
            "SELECT run_id, performer, fixed_residual, bonus FROM residual_lines ORDER BY 1, 2"
        ).fetchall()
    assert [line for line in lines if line[1] == "P1"] == [
        (1, "P1", "2250.00", "1687.50"),
        (1, "P1", "2500.00", "0.00"),
    ]
    assert {line[0] for line in lines} == {1}


def test_run_without_a_database_says_the_lines_were_not_stored(basic, home):
    done = residuals("run", str(basic), "--json", home=home)
    assert done.returncode == 0
    assert "not stored: no database" in done.stderr


def test_generate_then_run_with_timings(home, tmp_path):
    data = tmp_path / "gen"
    made = residuals(
        "generate", str(data), "--rows", "20000", "--titles", "60", "--seed", "5", home=home
    )
    assert made.returncode == 0, made.stderr
    assert re.fullmatch(
        rf"wrote 20,000 viewership rows \(0 duplicates\), 60 titles, 11 productions to"
        rf" {re.escape(str(data))} in \d+\.\d s\n",
        made.stdout,
    ), made.stdout
    assert sorted(p.name for p in data.iterdir()) == [
        "cast.parquet", "productions.parquet", "subscribers.parquet", "titles.parquet",
        "viewership.parquet",
    ]  # fmt: skip
    timings = tmp_path / "timings.json"
    done = residuals("run", str(data), "--json", "--no-store", "--timings", str(timings), home=home)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # seed 5 always gives these (found by running it)
    assert (len(result["productions"]), len(result["performers"])) == (21, 136)
    assert sum(p["qualified"] for p in result["productions"]) == 12
    figures = json.loads(timings.read_text())
    seconds = ("validate_seconds", "compute_seconds", "output_seconds", "total_seconds")
    assert list(figures) == ["engine", "rows", *seconds]
    assert (figures["engine"], figures["rows"]) == ("duckdb", 20000)
    assert all(isinstance(figures[s], float) and figures[s] >= 0 for s in seconds)


def test_an_unknown_agreement_exits_2_naming_the_known_ones(basic, home):
    done = residuals("run", str(basic), "--agreement", "nope", "--no-store", home=home)
    assert done.returncode == 2
    known = ", ".join(sorted(RULE_SET_IDS))
    assert done.stderr == f"error: rule set 'nope' is not known (expected one of {known})\n"


@pytest.mark.spark
def test_run_on_spark_local_mode_gives_the_expected_json(basic, expected, home):
    done = residuals(
        "run", str(basic), "--engine", "spark", "--spark-master", "local[1]", "--json",
        "--no-store", home=home,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected


def test_the_likeness_command_runs_residuals(basic, expected, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIKENESS_")}
    env["LIKENESS_HOME"] = str(home)
    done = subprocess.run(
        [LIKENESS, "residuals", "run", str(basic), "--json", "--no-store"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected


# ---- nothing hangs, nothing is half written (issue #17) --------------------------------------


def test_out_naming_a_file_is_refused_before_anything_runs(basic, home, tmp_path):
    out = tmp_path / "results"
    out.write_text("mine")
    done = residuals("run", str(basic), "--out", str(out), "--no-store", home=home)
    assert done.returncode == 2
    assert done.stderr == (
        f"error: --out {out} is a file (expected a folder to write residuals.json and the tables"
        " into: a new one, or one whose files of those names may be replaced)\n"
    )
    assert out.read_text() == "mine"


def test_a_malformed_spark_master_is_refused_naming_the_forms(basic, home):
    done = residuals("run", str(basic), "--engine", "spark", "--spark-master", "bogus", home=home)
    assert done.returncode == 2
    assert done.stderr == (
        "error: --spark-master 'bogus' (expected local, local[N], local[*] or spark://HOST:PORT,"
        " as Spark takes it)\n"
    )


def test_a_master_nobody_listens_on_fails_at_once(basic, home):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    master = f"spark://127.0.0.1:{port}"
    started = time.monotonic()
    done = residuals("run", str(basic), "--engine", "spark", "--spark-master", master, home=home)
    assert time.monotonic() - started < 30
    assert done.returncode == 1
    assert done.stderr.endswith(
        f"error: Spark master {master} did not answer within 10 s (expected a running master at"
        " that address, or --spark-master local[2] to run Spark in this process)\n"
    )


@pytest.mark.spark
def test_a_master_that_answers_nonsense_is_given_up_after_the_timeout(basic, home):
    """A port that accepts connections and answers garbage, as a firewall or another service
    would: Spark alone retries for a minute; the run gives up after --spark-timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    stop = threading.Event()

    def answer() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.sendall(b"HTTP/1.0 400 nonsense\r\n\r\n" * 4)

    threading.Thread(target=answer, daemon=True).start()
    master = f"spark://127.0.0.1:{server.getsockname()[1]}"
    try:
        started = time.monotonic()
        done = residuals(
            "run", str(basic), "--engine", "spark", "--spark-master", master,
            "--spark-timeout", "15", "--no-store", home=home,
        )  # fmt: skip
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        server.close()
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1] == (
        f"error: Spark did not start on {master} within 15 s (expected a master that registers"
        " the application; see --spark-timeout, or run --spark-master local[2])"
    )
    assert "Traceback" not in done.stderr
    assert elapsed < 45


# ---- --from-registry: a producer reports only viewership and subscribers (issue #16) -----------

REGISTRY_WORLD = """\
producers:
  - {id: S9, name: Streamflix Originals}
  - {id: S8, name: Other Studio}
performers:
  - {id: P1, name: Ana One, category: principal, born: 1980-01-01}
  - {id: P2, name: Ben Two, category: principal, born: 1981-01-01}
  - {id: P3, name: Cy Three, category: principal, born: 1982-01-01}
productions:
  - {id: V1, title: Night Shift, producer: S9, kind: hb-svod, platform: streamflix}
  - {id: V2, title: Harbor, producer: S9, kind: theatrical, platform: streamflix}
  - {id: X1, title: Elsewhere, producer: S8, kind: hb-svod, platform: vidora}
titles:
  - {production: V1, title: V1-E1, runtime_minutes: 60, premiere: 2024-03-01}
  - {production: V1, title: V1-E2, runtime_minutes: 60, premiere: 2024-03-08}
  - {production: V2, title: V2-F, runtime_minutes: 120, premiere: 2024-02-01}
  - {production: X1, title: X1-E1, runtime_minutes: 30, premiere: 2024-01-05}
cast:
  - {production: V1, performer: P1, residual_base: "10000.00"}
  - {production: V1, performer: P2, residual_base: "4000.00"}
  - {production: V2, performer: P3, residual_base: "9000.00"}
  - {production: X1, performer: P3, residual_base: "500.00"}
"""


@pytest.fixture
def reports(basic: Path, tmp_path: Path) -> Path:
    """What a producer reports: subscribers and viewership only."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for name in ("subscribers.csv", "viewership.csv"):
        shutil.copy(basic / name, folder / name)
    return folder


@pytest.fixture
def registered(tmp_path: Path) -> Path:
    home = tmp_path / "registry-home"
    assert run_cli(home, "init").returncode == 0
    world = tmp_path / "world.yaml"
    world.write_text(REGISTRY_WORLD)
    imported = run_cli(home, "import", str(world))
    assert imported.returncode == 0, imported.stderr
    return home


def test_from_registry_computes_from_the_producer_s_registered_titles_and_cast(
    registered, reports, expected
):
    done = run_cli(
        registered, "--as", "producer:S9", "residuals", "run", str(reports), "--from-registry",
        "--json", "--no-store",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected


def test_from_registry_stores_the_run_for_the_producer_and_owes_its_lines(registered, reports):
    done = run_cli(
        registered, "--as", "producer:S9", "residuals", "run", str(reports), "--from-registry",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "stored residual run 1: 4 residual line(s); 6 pay line(s) now owed" in done.stderr
    statement = run_cli(
        registered, "--as", "performer:P1", "statement", "P1", "--from", "2024-01-01",
        "--until", "2026-12-31", "--json",
    )  # fmt: skip
    assert statement.returncode == 0, statement.stderr
    owed = [line for line in json.loads(statement.stdout)["lines"] if line["production"] == "V1"]
    assert sorted(line["amount"] for line in owed) == ["1687.50", "2250.00", "2500.00"]


def test_another_producer_s_registry_does_not_cover_these_reports(registered, reports):
    done = run_cli(
        registered, "--as", "producer:S8", "residuals", "run", str(reports), "--from-registry",
        "--json", "--no-store",
    )  # fmt: skip
    # S8 sees only X1: every title the reports name is unknown to it
    assert done.returncode == 2
    report = json.loads(done.stdout)
    assert {(p["table"], p["code"]) for p in report["problems"]} >= {
        ("viewership", "unknown-titles")
    }


def test_from_registry_refuses_a_folder_that_also_holds_those_tables(registered, basic):
    done = run_cli(
        registered, "--as", "producer:S9", "residuals", "run", str(basic), "--from-registry",
        "--no-store",
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr == (
        f"error: --from-registry takes productions, titles and cast from the registry, but {basic}"
        " holds productions.csv, titles.csv, cast.csv (expected only subscribers and viewership:"
        " remove those files, or run without --from-registry)\n"
    )


def test_from_registry_without_a_database_says_to_init(reports, tmp_path):
    done = run_cli(tmp_path / "empty", "residuals", "run", str(reports), "--from-registry")
    assert done.returncode == 2
    assert done.stderr == (
        "error: --from-registry needs the registry: no database (run `likeness init` and register"
        " the productions, their titles and cast)\n"
    )
