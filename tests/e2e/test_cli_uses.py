"""``likeness decide`` and ``likeness use record`` as a user runs them: the same request options,
which override a request file's fields, and pay lines that say how they were computed."""

import json
from pathlib import Path

import pytest

from tests.e2e.worlds import world_only

SHARED = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
BACKGROUND = SHARED / "01-background-scan.yaml"

CONSENT = [
    "consent",
    "add",
    "--id",
    "C7",
    "--replica",
    "D1",
    "--given-by",
    "P1",
    "--signed-on",
    "2024-02-28",
    "--separately-signed",
    "--production",
    "F1",
    "--use",
    "crowd-multiplication",
    "--description",
    "Crowd duplication of the stadium sequence, scenes 40 to 44, as a spectator",
    "--valid-from",
    "2024-03-01",
    "--valid-until",
    "2025-12-31",
    "--amount",
    "300.00",
]

REQUEST = (
    "{id: Q5, kind: use, producer: S1, production: F1, replica: D1,"
    " use: crowd-multiplication, date: 2024-08-01, days: 1}\n"
)

OPTIONS = [
    "--kind",
    "use",
    "--producer",
    "S1",
    "--production",
    "F1",
    "--replica",
    "D1",
    "--use",
    "crowd-multiplication",
    "--date",
    "2024-08-01",
]


@pytest.fixture
def ready(cli, tmp_path):
    assert cli("init").returncode == 0
    assert cli("import", str(world_only(BACKGROUND, tmp_path))).returncode == 0
    added = cli(*CONSENT)
    assert added.returncode == 0, added.stderr
    return cli


@pytest.fixture
def request_file(tmp_path):
    path = tmp_path / "q.yaml"
    path.write_text(REQUEST, encoding="utf-8")
    return path


def _pay(decision):
    return next(o for o in decision["obligations"] if o["kind"] == "pay")


def test_decide_options_given_with_a_request_file_override_its_fields(ready, request_file):
    plain = json.loads(ready("decide", "--request", str(request_file)).stdout)
    assert (plain["request"], _pay(plain)["amount"]) == ("Q5", "300.00")
    out = ready("decide", "--request", str(request_file), "--days", "3", "--id", "Q6")
    assert out.returncode == 0, out.stderr
    decision = json.loads(out.stdout)
    assert (decision["request"], _pay(decision)["amount"]) == ("Q6", "900.00")
    other = json.loads(ready("decide", "--request", str(request_file), "--producer", "S9").stdout)
    assert other["reasons"] == ["producer-not-authorized"]


def test_decide_options_override_each_request_of_a_list(ready, tmp_path):
    path = tmp_path / "qs.yaml"
    path.write_text(
        "requests:\n"
        f"  - {REQUEST.strip()}\n"
        "  - {id: Q8, kind: use, producer: S1, production: F1, replica: D1,"
        " use: crowd-multiplication, date: 2024-08-01, days: 4}\n",
        encoding="utf-8",
    )
    out = ready("decide", "--request", str(path), "--days", "2")
    assert out.returncode == 0, out.stderr
    assert [_pay(d)["amount"] for d in json.loads(out.stdout)] == ["600.00", "600.00"]


def test_decide_says_in_its_help_that_options_override_the_file(ready):
    out = ready("decide", "--help", env={"COLUMNS": "200"})
    assert "Options given with --request FILE override the same field of its request." in (
        out.stdout
    )


def test_use_record_takes_the_request_as_options_like_decide(ready):
    out = ready("use", "record", "--key", "k1", *OPTIONS, "--days", "2", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["decision"]["request"] == "Q1"
    assert [line["amount"] for line in report["pay_lines"]] == ["600.00", "126.00"]


def test_use_record_options_override_the_request_file(ready, request_file):
    out = ready("use", "record", "--key", "k2", "--request", str(request_file), "--days", "4")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "allowed: use 1 recorded"
    shown = json.loads(
        ready(
            "use", "record", "--key", "k2", "--request", str(request_file), "--days", "4", "--json"
        ).stdout
    )
    assert shown["replayed"] is True
    assert shown["pay_lines"][0]["amount"] == "1200.00"


def test_use_record_refuses_a_file_with_a_list_of_requests(ready, tmp_path):
    path = tmp_path / "qs.yaml"
    path.write_text(f"requests:\n  - {REQUEST.strip()}\n", encoding="utf-8")
    out = ready("use", "record", "--key", "k3", "--request", str(path))
    assert out.returncode == 2
    assert out.stderr == (
        f"error: {path}: holds a list of requests (expected one request: a use is recorded"
        " once per key)\n"
    )


def test_use_record_days_0_says_at_least_1(ready):
    out = ready("use", "record", "--key", "k4", *OPTIONS, "--days", "0")
    assert out.returncode == 2
    assert (
        out.stderr == "error: request: days 0 (expected a whole number of days from 1 to 3,650)\n"
    )


BARGAINED_BASIS = (
    "bargained: 300.00 per day x 2 (floor 432.00: 2 x max(daily rate 216.00, day minimum 216.00))"
)
BARGAINED_RULE = (
    "sag-aftra-tv-theatrical-2023 §6 pay = max(bargained, floor): bargained,"
    " the consent's compensation"
)


def test_a_bargained_pay_line_says_the_bargain_set_it_in_every_cli_output(ready):
    decided = json.loads(ready("decide", *OPTIONS, "--days", "2").stdout)
    assert _pay(decided)["basis"] == BARGAINED_BASIS
    out = ready("use", "record", "--key", "k5", *OPTIONS, "--days", "2")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[2:5] == [
        "  pay: 600.00 USD",
        f"    how: {BARGAINED_BASIS}",
        f"    rule: {BARGAINED_RULE}; rate row background-day-rate@2024-07-01",
    ]
    report = json.loads(
        ready("use", "record", "--key", "k5", *OPTIONS, "--days", "2", "--json").stdout
    )
    pay = report["pay_lines"][0]
    assert (pay["basis"], pay["rule"]) == (BARGAINED_BASIS, BARGAINED_RULE)
    shown = json.loads(ready("pay-line", "show", str(pay["id"])).stdout)
    assert (shown["basis"], shown["rule"]) == (BARGAINED_BASIS, BARGAINED_RULE)
    statement = json.loads(
        ready("statement", "P1", "--from", "2024-01-01", "--until", "2025-01-01", "--json").stdout
    )
    line = statement["lines"][0]
    assert (line["basis"], line["rule"]) == (BARGAINED_BASIS, BARGAINED_RULE)


def test_a_pay_line_at_the_floor_says_the_floor_set_it(ready):
    low = [*CONSENT[:3], "C8", *CONSENT[4:14], "stunt", *CONSENT[15:-1], "100.00", "--per", "use"]
    added = ready(*low)
    assert added.returncode == 0, added.stderr
    ask = [*OPTIONS[:9], "stunt", *OPTIONS[10:], "--days", "2"]
    report = json.loads(ready("use", "record", "--key", "k6", *ask, "--json").stdout)
    pay = report["pay_lines"][0]
    assert pay["amount"] == "432.00"
    assert pay["basis"] == (
        "floor: 2 x max(daily rate 216.00, day minimum 216.00) (bargained 100.00 is below it)"
    )
    assert pay["rule"] == (
        "sag-aftra-tv-theatrical-2023 §6 replica performance in its original production:"
        " days x max(daily rate, day minimum)"
    )
