"""A production's platform, titles and cast (SPEC §6.1, issue #16) as a user meets them:
``production add --platform``, ``add-title``, ``add-cast``, ``titles``, ``cast``; who may
register them; refusals that name the field and write nothing; import and export."""

import json

import pytest

from tests.e2e.conftest import run_cli

WORLD = """\
producers: [{id: S1, name: Studio One}, {id: S2, name: Studio Two}]
performers: [{id: P1, name: Dana Ruiz, category: principal, born: 1990-04-02},
             {id: P2, name: Sam Okafor, category: principal, born: 1985-01-01}]
productions: [{id: F1, title: Harbor Lights, producer: S1, kind: hb-svod, platform: Streamline},
              {id: F2, title: Other Shore, producer: S2, kind: hb-svod}]
"""


@pytest.fixture
def ready(cli, tmp_path):
    assert cli("init").returncode == 0
    world = tmp_path / "world.yaml"
    world.write_text(WORLD)
    out = cli("import", str(world))
    assert out.returncode == 0, out.stderr
    return cli


def ledger_size(cli) -> int:
    out = cli("ledger", "verify", "--json", "--allow-unsigned-tail")
    assert out.returncode == 0, out.stderr
    return int(json.loads(out.stdout)["size"])


def add_title(cli, production, title, *extra, runtime="60", premiere="2025-03-01"):
    return cli(
        *extra, "production", "add-title", production, "--title", title,
        "--runtime-minutes", runtime, "--premiere", premiere,
    )  # fmt: skip


def add_cast(cli, production, performer, base="2000", *extra):
    return cli(
        *extra, "production", "add-cast", production, "--performer", performer,
        "--residual-base", base,
    )  # fmt: skip


def test_a_production_is_added_with_its_platform_and_shows_it(ready):
    out = ready(
        "production", "add", "--id", "F3", "--title", "Night Shift", "--producer", "S1",
        "--kind", "hb-svod", "--platform", "Streamline",
    )  # fmt: skip
    assert (out.returncode, out.stdout) == (0, "registered production F3\n"), out.stderr
    shown = json.loads(ready("production", "show", "F3", "--json").stdout)
    assert shown["platform"] == "Streamline"
    assert "platform" not in json.loads(ready("production", "show", "F2", "--json").stdout)


def test_the_operator_adds_titles_and_cast_and_lists_them(ready):
    before = ledger_size(ready)
    out = add_title(ready, "F1", "F1-E2", premiere="2025-03-08")
    assert (out.returncode, out.stdout) == (0, "registered title F1-E2 of production F1\n")
    assert add_title(ready, "F1", "F1-E1", runtime="58").returncode == 0
    out = add_cast(ready, "F1", "P1", "2000")
    assert (
        out.stdout
        == "registered performer P1 in the cast of production F1 (residual base 2000.00)\n"
    )
    assert ledger_size(ready) == before + 3
    titles = json.loads(ready("production", "titles", "F1", "--json").stdout)
    assert titles == [
        {"production": "F1", "title": "F1-E1", "runtime_minutes": 58, "premiere": "2025-03-01"},
        {"production": "F1", "title": "F1-E2", "runtime_minutes": 60, "premiere": "2025-03-08"},
    ]
    cast = json.loads(ready("production", "cast", "F1", "--json").stdout)
    assert cast == [{"production": "F1", "performer": "P1", "residual_base": "2000.00"}]
    table = ready("production", "titles", "F1").stdout
    assert "F1-E1" in table and "2025-03-08" in table


def test_a_producer_registers_for_its_own_productions_only(ready):
    own = add_title(ready, "F1", "F1-E1", "--as", "producer:S1")
    assert own.returncode == 0, own.stderr
    assert add_cast(ready, "F1", "P2", "150.5", "--as", "producer:S1").returncode == 0
    before = ledger_size(ready)
    # another producer's production answers exactly as one that does not exist
    other = add_title(ready, "F1", "F1-E9", "--as", "producer:S2")
    missing = add_title(ready, "F9", "F1-E9", "--as", "producer:S2")
    assert (other.returncode, other.stderr) == (
        2, "error: title F1-E9: production 'F1' (expected the id of a production)\n"
    )  # fmt: skip
    assert (
        missing.stderr == "error: title F1-E9: production 'F9' (expected the id of a production)\n"
    )
    cast = add_cast(ready, "F1", "P1", "10", "--as", "producer:S2")
    assert cast.stderr == "error: cast F1 P1: production 'F1' (expected the id of a production)\n"
    hidden = ready("--as", "producer:S2", "production", "titles", "F1")
    assert (hidden.returncode, hidden.stderr) == (2, "error: production 'F1' does not exist\n")
    union = add_title(ready, "F1", "F1-E9", "--as", "union")
    assert union.returncode == 2
    assert union.stderr.splitlines()[0] == (
        "error: union may not register title F1-E9 (the production's producer and the"
        " operator register its titles and cast)"
    )
    assert ledger_size(ready) == before
    assert json.loads(ready("--as", "union", "production", "cast", "F1", "--json").stdout) == [
        {"production": "F1", "performer": "P2", "residual_base": "150.50"}
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("F2", "F1-E1"), "title F1-E1: title 'F1-E1' (expected a title id no production has yet)"),
        (("F1", "F1-E2", "--runtime-minutes", "0"),
         "title F1-E2: runtime_minutes 0 (expected a whole number of minutes, at least 1)"),
        (("F1", "F1 E2"), "title F1 E2: title 'F1 E2' (expected an id of 1 to 64 letters, digits,"
                          " '.', '_', ':' or '-', starting with a letter or digit)"),
        (("F1", "F1-E2", "--premiere", "2025-02-30"),
         "title F1-E2: premiere '2025-02-30' (expected a date as YYYY-MM-DD)"),
    ],
)  # fmt: skip
def test_a_bad_title_is_refused_naming_the_field_and_writes_nothing(ready, args, message):
    assert add_title(ready, "F1", "F1-E1").returncode == 0
    before = ledger_size(ready)
    production, title, *rest = args
    out = ready(
        "production", "add-title", production, "--title", title, "--runtime-minutes", "60",
        "--premiere", "2025-03-01", *rest,
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stderr == f"error: {message}\n"
    assert ledger_size(ready) == before
    assert len(json.loads(ready("production", "titles", "F1", "--json").stdout)) == 1


@pytest.mark.parametrize(
    ("performer", "base", "message"),
    [
        ("P1", "10", "cast F1 P1: performer 'P1' (expected a performer not yet in the cast of F1)"),
        ("P9", "10", "cast F1 P9: performer 'P9' (expected the id of a performer)"),
        ("P2", "-1", "cast F1 P2: residual_base '-1' (expected a finite amount from 0 to"
                     " 1,000,000,000.00 with at most 2 decimals)"),
        ("P2", "1.001", "cast F1 P2: residual_base '1.001' (expected a finite amount from 0 to"
                        " 1,000,000,000.00 with at most 2 decimals)"),
    ],
)  # fmt: skip
def test_a_bad_cast_member_is_refused_naming_the_field_and_writes_nothing(
    ready, performer, base, message
):
    assert add_cast(ready, "F1", "P1", "2000").returncode == 0
    before = ledger_size(ready)
    out = add_cast(ready, "F1", performer, base)
    assert (out.returncode, out.stderr) == (2, f"error: {message}\n")
    assert ledger_size(ready) == before


def test_titles_and_cast_round_trip_through_export_and_import(ready, tmp_path):
    assert add_title(ready, "F1", "F1-E1").returncode == 0
    assert add_title(ready, "F2", "F2-E1", runtime="95", premiere="2024-11-01").returncode == 0
    assert add_cast(ready, "F1", "P2", "1500.5").returncode == 0
    assert add_cast(ready, "F1", "P1", "2000").returncode == 0
    first = ready("export", "-").stdout
    assert "titles:\n- production: F1\n  title: F1-E1\n" in first
    assert "cast:\n- production: F1\n  performer: P1\n  residual_base: '2000.00'\n" in first
    assert "  platform: Streamline\n" in first
    exported = tmp_path / "export.yaml"
    exported.write_text(first)
    home = tmp_path / "second"
    assert run_cli(home, "init").returncode == 0
    out = run_cli(home, "import", str(exported))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(
        "imported 2 performers, 2 producers, 2 productions, 0 replicas, 2 titles, 2 cast,"
    )
    assert run_cli(home, "export", "-").stdout == first
    # with a name it is a scenario file (titles and cast do not change decisions)
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("name: exported\n" + first)
    ran = ready("scenario", "run", str(scenario), "--json")
    assert ran.returncode == 0, ran.stderr


def test_an_export_without_titles_cast_or_platform_has_no_such_keys(cli, tmp_path):
    assert cli("init").returncode == 0
    world = tmp_path / "plain.yaml"
    world.write_text(
        "producers: [{id: S1, name: Studio One}]\n"
        "productions: [{id: F1, title: Harbor Lights, producer: S1, kind: theatrical}]\n"
    )
    assert cli("import", str(world)).returncode == 0
    exported = cli("export", "-").stdout
    assert "titles:" not in exported and "cast:" not in exported and "platform" not in exported


def test_the_demo_export_carries_its_titles_cast_and_platform(cli):
    assert cli("init").returncode == 0
    assert cli("demo").returncode == 0
    exported = cli("export", "-").stdout
    assert "platform: streamflix" in exported
    assert "title: F3-E3" in exported and "performer: P9" in exported


def test_an_import_refuses_a_title_of_an_unknown_production_and_stores_nothing(ready, tmp_path):
    before = (ledger_size(ready), ready("export", "-").stdout)
    world = tmp_path / "titles.yaml"
    world.write_text(
        "titles: [{production: F1, title: F1-E1, runtime_minutes: 60, premiere: 2025-03-01},\n"
        "         {production: F9, title: F9-E1, runtime_minutes: 60, premiere: 2025-03-01}]\n"
    )
    out = ready("import", str(world))
    assert (out.returncode, out.stderr) == (
        2, "error: title F9-E1: production 'F9' (expected the id of a production)\n"
    )  # fmt: skip
    assert (ledger_size(ready), ready("export", "-").stdout) == before


def test_a_producer_imports_titles_and_cast_of_its_own_productions_only(ready, tmp_path):
    own = tmp_path / "own.yaml"
    own.write_text(
        "titles: [{production: F1, title: F1-E1, runtime_minutes: 60, premiere: 2025-03-01}]\n"
        "cast: [{production: F1, performer: P1, residual_base: '2000.00'}]\n"
    )
    out = ready("--as", "producer:S1", "import", str(own))
    assert out.returncode == 0, out.stderr
    other = tmp_path / "other.yaml"
    other.write_text("cast: [{production: F1, performer: P2, residual_base: '10.00'}]\n")
    before = ledger_size(ready)
    out = ready("--as", "producer:S2", "import", str(other))
    assert (out.returncode, out.stderr) == (
        2, "error: cast F1 P2: production 'F1' (expected the id of a production)\n"
    )  # fmt: skip
    assert ledger_size(ready) == before
    dup = tmp_path / "dup.yaml"
    dup.write_text(
        "titles: [{production: F2, title: F2-E1, runtime_minutes: 60, premiere: 2025-03-01},\n"
        "         {production: F2, title: F2-E1, runtime_minutes: 61, premiere: 2025-03-02}]\n"
    )
    out = ready("import", str(dup))
    assert out.stderr == (
        "error: title F2-E1: title 'F2-E1' (expected a title id no production has yet)\n"
    )


def test_the_api_registers_and_shows_a_production_s_platform(container):
    from tests.e2e.test_api_v1 import make_api

    api = make_api(container)
    body = {"id": "FX1", "title": "Harbor", "producer": "S1", "kind": "hb-svod", "platform": "Flix"}
    assert api.post("producer", "/v1/productions", body).status_code == 201
    shown = api.get("producer", "/v1/productions/FX1")
    assert (shown.status_code, shown.json()["platform"]) == (200, "Flix")
