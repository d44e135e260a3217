"""The ``likeness`` command as a user runs it: init, demo, import, export, add/list/show, errors."""

import json

import pytest

from tests.e2e.conftest import run_cli, run_cli_process


@pytest.fixture
def ready(cli):
    assert cli("init").returncode == 0
    return cli


def test_init_then_demo_loads_the_seed_stories(ready):
    out = ready("demo")
    assert out.returncode == 0, out.stderr
    first, *table = out.stdout.splitlines()
    assert first == (
        "demo loaded: 7 performers, 4 producers, 7 productions, 6 replicas, 6 consents,"
        " 1 strikes, 8 use requests (5 allowed), 3 consent requests, 13 accounts"
    )
    shown = [line.split("│")[1:4] for line in table if line.startswith("│")]
    assert [tuple(cell.strip() for cell in row) for row in shown] == [
        (name, actor, f"demo-password-{name}")
        for name, actor in (
            ("performer-P1", "performer:P1"),
            ("performer-P2", "performer:P2"),
            ("performer-P9", "performer:P9"),
            ("performer-P8", "performer:P8"),
            ("performer-P7", "performer:P7"),
            ("estate-E3", "representative:E3"),
            ("agent-A3", "representative:A3"),
            ("producer-S1", "producer:S1"),
            ("producer-S2", "producer:S2"),
            ("producer-S3", "producer:S3"),
            ("producer-S4", "producer:S4"),
            ("union", "union"),
            ("admin", "admin"),
        )
    ]
    assert table[-4:] == [
        "`likeness token create NAME` and send it as `Authorization: Bearer TOKEN`.",
        "Each account's email address is NAME@demo.likeness.example, public like the",
        "passwords; with LIKENESS_SMTP_URL set, `likeness notices send` mails notices there",
        "(.example domains receive no mail: point LIKENESS_SMTP_URL at a test server).",
    ]
    accounts = json.loads(ready("account", "list", "--json").stdout)
    assert len(accounts) == 13
    assert all(a["password"] for a in accounts)
    assert [a["email"] for a in accounts] == [
        f"{a['name']}@demo.likeness.example" for a in accounts
    ]
    performers = json.loads(ready("performer", "list", "--json").stdout)
    assert [(p["id"], p["name"]) for p in performers] == [
        ("P1", "Dana Ruiz"),
        ("P2", "Sam Okafor"),
        ("P3", "Ruth Calder"),
        ("P4", "Leo Marsh"),
        ("P7", "Rosa Lindqvist"),
        ("P8", "Tom Reyes"),
        ("P9", "Iris Vale"),
    ]
    again = ready("demo")
    assert again.returncode == 0
    assert again.stdout == "the registry already holds data; demo not loaded\n"


@pytest.mark.parametrize(
    "command",
    [
        ("performer", "list"),
        ("production", "show", "F1"),
        ("consent", "list"),
        ("ledger", "verify"),
        ("statement", "P1", "--from", "2025-01-01", "--until", "2025-02-01"),
        ("demo",),
    ],
)
def test_a_command_before_init_says_to_run_init_and_creates_nothing(cli, command):
    out = cli(*command)
    assert out.returncode == 1
    assert out.stderr == (
        f"error: no Likeness database at {cli.home / 'likeness.db'}: run `likeness init` first\n"
    )
    assert not cli.home.exists()


def test_a_database_left_empty_says_to_run_init(cli, tmp_path):
    cli.home.mkdir()
    (cli.home / "likeness.db").touch()
    out = cli("performer", "list")
    assert out.returncode == 1
    assert out.stderr == (
        f"error: database sqlite:///{cli.home / 'likeness.db'} is not initialized or is out of"
        " date (run `likeness init` first)\n"
    )


def test_import_of_each_public_scenario_loads_its_world(cli, shared_scenarios, tmp_path):
    for i, path in enumerate(sorted(shared_scenarios.glob("*.yaml"))):
        home = tmp_path / f"h{i}"
        assert run_cli(home, "init").returncode == 0
        out = run_cli(home, "import", str(path))
        assert out.returncode == 0, (path.name, out.stderr)
        assert "imported" in out.stdout


def test_a_bad_record_exits_2_with_one_line_and_writes_nothing(ready, tmp_path):
    good = ready("import", "--help")
    assert good.returncode == 0
    world = tmp_path / "world.yaml"
    world.write_text(
        "producers: [{id: S1, name: Studio One}]\n"
        "performers:\n"
        "  - {id: P1, name: Dana Ruiz, category: background, born: 1990-04-02}\n"
        "  - {id: P2, name: Sam Okafor, category: background, born: 1985-31-12}\n"
    )
    out = ready("import", str(world))
    assert out.returncode == 2
    assert out.stderr.strip() == (
        "error: performer P2: born '1985-31-12' (expected a date as YYYY-MM-DD)"
    )
    assert "Traceback" not in out.stderr
    assert json.loads(ready("performer", "list", "--json").stdout) == []
    assert json.loads(ready("producer", "list", "--json").stdout) == []


def test_verbose_shows_the_traceback(ready, tmp_path):
    # the traceback is what the Python process prints as it dies: run the real script
    out = run_cli_process(ready.home, "--verbose", "import", str(tmp_path / "missing.yaml"))
    assert out.returncode == 1
    assert out.stderr.startswith("Traceback (most recent call last):\n")
    assert out.stderr.endswith(
        f"likeness.errors.InvalidInputError: {tmp_path / 'missing.yaml'}: no such file"
        " (expected a YAML or JSON file)\n"
    )


def test_a_missing_file_is_named(ready, tmp_path):
    out = ready("import", str(tmp_path / "missing.yaml"))
    assert out.returncode == 2
    assert out.stderr == (
        f"error: {tmp_path / 'missing.yaml'}: no such file (expected a YAML or JSON file)\n"
    )


def test_a_reference_to_an_unknown_performer_is_refused(ready):
    out = ready(
        "replica",
        "add",
        "--id",
        "D1",
        "--performer",
        "P404",
        "--kind",
        "employment-based",
        "--media",
        "face",
    )
    assert out.returncode == 2
    assert out.stderr == "error: replica D1: performer 'P404' (expected the id of a performer)\n"


def test_add_list_show_a_performer_producer_production_and_replica(ready, tmp_path):
    steps = [
        (
            "performer",
            "add",
            "--id",
            "P1",
            "--name",
            "Dana Ruiz",
            "--category",
            "background",
            "--born",
            "1990-04-02",
            "--representative",
            "E1:estate",
            "--representative",
            "A1:agent:may-consent",
        ),
        ("producer", "add", "--id", "S1", "--name", "Studio One"),
        (
            "production",
            "add",
            "--id",
            "F1",
            "--title",
            "Harbor Lights",
            "--producer",
            "S1",
            "--kind",
            "theatrical",
            "--principal-photography",
            "2024-02-01",
        ),
    ]
    for step in steps:
        out = ready(*step)
        assert out.returncode == 0, out.stderr
    scan = tmp_path / "scan.bin"
    scan.write_bytes(b"x" * 1234)
    out = ready(
        "replica",
        "add",
        "--id",
        "D1",
        "--performer",
        "P1",
        "--kind",
        "employment-based",
        "--media",
        "face",
        "--media",
        "body",
        "--made-in",
        "F1",
        "--asset",
        str(scan),
    )
    assert out.returncode == 0, out.stderr
    performer = json.loads(ready("performer", "show", "P1", "--json").stdout)
    assert performer["representatives"] == [
        {"id": "E1", "kind": "estate"},
        {"id": "A1", "kind": "agent", "may_consent": True},
    ]
    replica = json.loads(ready("replica", "show", "D1", "--json").stdout)
    assert replica["media"] == ["face", "body"]
    assert replica["assets"][0]["size"] == 1234
    assert "Harbor Lights" in ready("production", "list").stdout
    missing = ready("producer", "show", "S9")
    assert missing.returncode == 2
    assert missing.stderr == "error: producer 'S9' does not exist\n"


def test_export_then_import_into_an_empty_database_gives_the_same_registry(ready, tmp_path):
    assert ready("demo").returncode == 0
    first = tmp_path / "first.yaml"
    assert ready("export", str(first)).returncode == 0
    other = tmp_path / "other"
    assert run_cli(other, "init").returncode == 0
    assert run_cli(other, "import", str(first)).returncode == 0
    second = tmp_path / "second.yaml"
    assert run_cli(other, "export", str(second)).returncode == 0
    assert second.read_text() == first.read_text()
    assert "Ruth Calder" in first.read_text()


def test_an_unknown_option_is_a_usage_error(ready):
    out = ready("performer", "list", "--colour")
    assert out.returncode == 2
    assert "No such option" in out.stderr


def test_the_installed_script_answers_as_the_command_run_in_process(ready, tmp_path):
    """The tests run most commands in-process (the same ``main``); the console script in a
    process of its own gives the same status and output, for a success and a refusal."""
    assert run_cli(ready.home, "demo").returncode == 0
    for args in (("performer", "list", "--json"), ("performer", "show", "P99")):
        in_process = run_cli(ready.home, *args)
        process = run_cli_process(ready.home, *args)
        assert (process.returncode, process.stdout, process.stderr) == (
            in_process.returncode, in_process.stdout, in_process.stderr
        )  # fmt: skip
    assert process.returncode == 2 and process.stderr.startswith("error: ")
