"""Hostile input files at the command line: each is refused at once, in one short line, and
nothing is stored."""

import json
import time

import pytest

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]\n"
    for i in range(1, 9)
)
#: the same bomb as one record of a world file (import reads the file's keys first)
WORLD_BOMB = "performers:\n  - " + BOMB.replace("\n", "\n    ").rstrip() + "\n"


@pytest.fixture
def ready(cli):
    assert cli("init").returncode == 0
    return cli


def ledger_size(cli) -> int:
    out = cli("ledger", "verify", "--json", "--allow-unsigned-tail")
    assert out.returncode == 0, out.stderr
    return int(json.loads(out.stdout)["size"])


@pytest.mark.parametrize(
    "command",
    [
        ("decide", "--request"),
        ("use", "record", "--key", "K1", "--request"),
        ("consent", "add"),
        ("import",),
    ],
)
def test_an_alias_bomb_is_refused_at_once_by_every_file_command(ready, tmp_path, command):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(WORLD_BOMB if command == ("import",) else BOMB)
    line = 8 if command == ("import",) else 7
    before = ledger_size(ready)
    started = time.monotonic()
    out = ready(*command, str(bomb))
    assert time.monotonic() - started < 5
    assert out.returncode == 2
    assert ledger_size(ready) == before
    assert out.stderr == (
        f"error: {bomb}: refused: expands to more than 5,000,000 nodes at line {line}"
        " (expected a document without an alias bomb)\n"
    )


def test_deep_nesting_is_one_line_not_a_recursion_error(ready, tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("performers: " + "[" * 100_000 + "]" * 100_000)
    out = ready("decide", "--request", str(deep))
    assert out.returncode == 2
    assert out.stderr.startswith(f"error: {deep}:")
    assert out.stderr.count("\n") == 1
    assert "Recursion" not in out.stderr


def test_dev_zero_is_refused_not_read_until_memory_runs_out(ready):
    out = ready("decide", "--request", "/dev/zero")
    assert out.returncode == 2
    assert out.stderr == (
        "error: /dev/zero: larger than 16,777,216 bytes (expected a smaller YAML or JSON file)\n"
    )


def test_a_key_written_twice_is_refused_and_nothing_is_stored(ready, tmp_path):
    world = tmp_path / "world.yaml"
    world.write_text(
        "producers: [{id: S1, name: Studio One}]\nproducers: [{id: S2, name: Studio Two}]\n"
    )
    out = ready("import", str(world))
    assert out.returncode == 2
    assert out.stderr == (
        f"error: {world}: refused: key 'producers' appears twice in one mapping at line 2"
        " (expected each key once)\n"
    )
    assert json.loads(ready("producer", "list", "--json").stdout) == []
