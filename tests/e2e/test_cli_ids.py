"""Ids on the command line follow one grammar (issue #17): a malformed id given as an argument
or option prints one line naming it, shown escaped and cut short, and exits 2; nothing is
stored and there is no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from likeness.domain.ids import ID_GRAMMAR, KEY_GRAMMAR
from tests.e2e.worlds import world_only

SHARED = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
BACKGROUND = SHARED / "01-background-scan.yaml"

#: malformed ids and how a message shows each (escaped by ``repr``, cut to 80 characters)
BAD = {
    "NUL": ("P1\x00", r"'P1\x00'"),
    "right-to-left override": ("P1\u202etxt.exe", r"'P1\u202etxt.exe'"),
    "zero-width space": ("P1\u200b", r"'P1\u200b'"),
    "65 characters": ("P" * 65, "'" + "P" * 65 + "'"),
    "empty": ("", "''"),
}
#: commands that take an id, as (the arguments before the id, the field a message names)
COMMANDS = [
    (("performer", "show"), "performer id"),
    (("producer", "show"), "producer id"),
    (("production", "show"), "production id"),
    (("replica", "show"), "replica id"),
    (("consent", "show"), "consent id"),
    (("consent", "revoke", "--on", "2024-09-01"), "consent id"),
    (("consent", "suspend", "--on", "2024-09-01"), "consent id"),
    (("consent-request", "show"), "request id"),
    (("consent-request", "withdraw"), "request id"),
    (("statement", "--from", "2024-01-01", "--until", "2024-12-31"), "performer"),
]
USE = ["use", "record", "--key", "k1", "--kind", "use", "--production", "F1", "--use"]


@pytest.fixture
def ready(cli, tmp_path):
    assert cli("init").returncode == 0
    imported = cli("import", str(world_only(BACKGROUND, tmp_path)))
    assert imported.returncode == 0, imported.stderr
    return cli


def _size(cli) -> int:
    return int(json.loads(cli("ledger", "head", "--json").stdout)["size"])


def _assert_refused(out, field: str, shown: str, grammar: str = ID_GRAMMAR) -> None:
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert out.stderr == f"error: {field} {shown} (expected {grammar})\n"
    assert "Traceback" not in out.stderr and out.stdout == ""


@pytest.mark.parametrize(("bad", "shown"), BAD.values(), ids=BAD.keys())
def test_a_malformed_id_argument_is_refused_naming_it_and_nothing_is_stored(ready, bad, shown):
    before = _size(ready)
    for args, field in COMMANDS:
        _assert_refused(ready(*args, bad), field, shown)
    assert _size(ready) == before


@pytest.mark.parametrize(("bad", "shown"), BAD.values(), ids=BAD.keys())
def test_a_malformed_id_option_of_a_use_is_refused_and_nothing_is_stored(ready, bad, shown):
    before = _size(ready)
    base = [*USE, "crowd-multiplication", "--date", "2024-08-01"]
    for option in ("--id", "--producer", "--replica"):
        others = {"--id": "Q1", "--producer": "S1", "--replica": "D1"} | {option: bad}
        args = [*base, *(x for kv in others.items() for x in kv)]
        _assert_refused(ready(*args), option, shown)
    decide = ready("decide", "--id", bad, "--kind", "use", "--producer", "S1")
    _assert_refused(decide, "--id", shown)
    assert _size(ready) == before


def test_a_long_value_is_shown_cut_short(ready):
    out = ready("consent", "show", "C" * 100_000)
    assert out.returncode == 2
    assert out.stderr == f"error: consent id '{'C' * 78}… (expected {ID_GRAMMAR})\n"


def test_a_malformed_idempotency_key_is_refused_and_nothing_is_stored(ready):
    before = _size(ready)
    args = ["--kind", "use", "--producer", "S1", "--production", "F1", "--replica", "D1"]
    more = ["--use", "crowd-multiplication", "--date", "2024-08-01"]
    for key, shown in (("k/1", "'k/1'"), ("k\u202e", r"'k\u202e'"), ("k" * 129, None)):
        out = ready("use", "record", "--key", key, *args, *more)
        assert out.returncode == 2, out.stderr
        expected = shown or "'" + "k" * 78 + "…"
        assert out.stderr == f"error: idempotency key {expected} (expected {KEY_GRAMMAR})\n"
    assert _size(ready) == before


def test_a_pay_line_or_strike_number_out_of_range_is_a_usage_error(ready):
    for args in (("pay-line", "show", str(2**64)), ("strike", "end", "0", "--on", "2024-09-01")):
        out = ready(*args)
        assert out.returncode == 2, out.stderr
        assert "Traceback" not in out.stderr
