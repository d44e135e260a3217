"""``likeness strike declare|end|list``: the union declares and ends strikes from the command
line, through the service ``/v1/strikes`` uses; each is a ledger entry, and a refusal leaves
the strikes and the ledger as they were."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
BACKGROUND = SHARED / "01-background-scan.yaml"
UNION = ("--as", "union")


@pytest.fixture
def ready(cli):
    assert cli("init").returncode == 0
    assert cli("import", str(BACKGROUND)).returncode == 0
    return cli


def _entries(cli, tmp_path: Path) -> list[dict[str, object]]:
    folder = tmp_path / f"export-{len(list(tmp_path.glob('export-*')))}"
    assert cli(*UNION, "ledger", "export", str(folder)).returncode == 0
    lines = (folder / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["body"] for line in lines]


def _strikes(cli) -> list[dict[str, object]]:
    return json.loads(cli(*UNION, "strike", "list", "--json").stdout)


def test_the_union_declares_lists_and_ends_a_strike_each_a_ledger_entry(ready, tmp_path):
    before = len(_entries(ready, tmp_path))
    one = ready(*UNION, "strike", "declare", "--against", "S1", "--from", "2027-01-01")
    assert (one.returncode, one.stdout) == (
        0,
        "declared strike 1 against S1 from 2027-01-01 (until work resumes)\n",
    )
    every = ready(
        *UNION, "strike", "declare", "--against", "all", "--from", "2027-02-01", "--until",
        "2027-03-01",
    )  # fmt: skip
    assert every.stdout == "declared strike 2 against all from 2027-02-01 (until 2027-03-01)\n"
    ended = ready(*UNION, "strike", "end", "1", "--on", "2027-04-01")
    assert (ended.returncode, ended.stdout) == (0, "ended strike 1: work resumed on 2027-04-01\n")
    assert _strikes(ready) == [
        {"id": 1, "against": ["S1"], "from": "2027-01-01", "until": "2027-04-01"},
        {"id": 2, "against": "all", "from": "2027-02-01", "until": "2027-03-01"},
    ]
    table = ready(*UNION, "strike", "list", env={"COLUMNS": "120"})
    assert table.returncode == 0
    assert "│ 2  │ all     │ 2027-02-01 │ 2027-03-01 │" in table.stdout
    added = _entries(ready, tmp_path)[before:]
    assert [(e["kind"], e["actor"]) for e in added] == [
        ("strike-declared", "union"),
        ("strike-declared", "union"),
        ("strike-ended", "union"),
    ]
    assert added[2]["record"] == {
        "id": 1,
        "against": ["S1"],
        "from": "2027-01-01",
        "until": "2027-04-01",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--as", "producer:S1", "strike", "declare", "--against", "all", "--from",
             "2027-01-01"),
            "error: producer:S1 may not declare a strike (the union declares strikes)\n"
            "  - producer: strike new is not S1's\n",
        ),
        (
            (*UNION, "strike", "declare", "--against", "S9", "--from", "2027-01-01"),
            "error: strike: against 'S9' (expected the id of a registered producer, or all)\n",
        ),
        (
            (*UNION, "strike", "declare", "--against", "all", "--against", "S1", "--from",
             "2027-01-01"),
            "error: --against all, S1 (expected producer ids, or all on its own)\n",
        ),
        (
            (*UNION, "strike", "declare", "--against", "S1", "--from", "2027-01-01", "--until",
             "2026-12-31"),
            "error: strike: --until '2026-12-31' (expected a day on or after --from 2027-01-01)\n",
        ),
        (
            (*UNION, "strike", "declare", "--against", "S1", "--from", "soon"),
            "error: --from 'soon' (expected a date as YYYY-MM-DD)\n",
        ),
        (
            (*UNION, "strike", "end", "7", "--on", "2027-05-01"),
            "error: strike 7 does not exist (expected the id of a declared strike)\n",
        ),
    ],
)  # fmt: skip
def test_a_refused_strike_command_says_why_and_changes_nothing(ready, tmp_path, args, message):
    before = (len(_entries(ready, tmp_path)), _strikes(ready))
    refused = ready(*args)
    assert (refused.returncode, refused.stdout, refused.stderr) == (2, "", message)
    assert (len(_entries(ready, tmp_path)), _strikes(ready)) == before


def test_ending_a_strike_twice_or_before_it_began_is_refused(ready, tmp_path):
    assert (
        ready(*UNION, "strike", "declare", "--against", "S1", "--from", "2027-01-01").returncode
        == 0
    )
    early = ready(*UNION, "strike", "end", "1", "--on", "2026-12-01")
    assert (early.returncode, early.stderr) == (
        2,
        "error: strike 1: until 2026-12-01 is before it began on 2027-01-01"
        " (expected the day work resumed)\n",
    )
    assert ready(*UNION, "strike", "end", "1", "--on", "2027-02-01").returncode == 0
    before = (len(_entries(ready, tmp_path)), _strikes(ready))
    twice = ready(*UNION, "strike", "end", "1", "--on", "2027-03-01")
    assert (twice.returncode, twice.stderr) == (
        2,
        "error: strike 1 already ended: work resumed on 2027-02-01\n",
    )
    assert (len(_entries(ready, tmp_path)), _strikes(ready)) == before


def test_only_the_union_and_the_operator_see_strikes(ready):
    assert (
        ready(*UNION, "strike", "declare", "--against", "S1", "--from", "2027-01-01").returncode
        == 0
    )
    assert [s["id"] for s in json.loads(ready("strike", "list", "--json").stdout)] == [1]
    hidden = ready("--as", "producer:S1", "strike", "list")
    assert (hidden.returncode, hidden.stdout) == (0, "no strike declared (that you may see)\n")
