"""A hostile YAML file is refused quickly with one short line: alias bombs, deep nesting,
oversized files and devices, a key written twice, and giant values in messages."""

import time
from decimal import Decimal
from pathlib import Path

import pytest

from likeness.errors import MAX_MESSAGE_CHARS, InvalidInputError, RecordInvalidError
from likeness.interchange._loader import MAX_ALIASES, MAX_DEPTH
from likeness.interchange.documents import parse_document, read_bytes, read_document


def _billion_laughs() -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        name, prev = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once():
    started = time.monotonic()
    with pytest.raises(InvalidInputError) as caught:
        parse_document(_billion_laughs(), source="bomb.yaml")
    assert time.monotonic() - started < 1
    assert str(caught.value) == (
        "bomb.yaml: refused: expands to more than 5,000,000 nodes at line 7"
        " (expected a document without an alias bomb)"
    )


def test_too_many_aliases_are_refused():
    text = "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(InvalidInputError, match=r"more than 1,000 aliases \(\*name\) at line 2"):
        parse_document(text, source="f.yaml")


def test_a_few_aliases_still_read():
    doc = parse_document("base: &b {amount: 1.50}\nother: *b\n")
    assert doc == {"base": {"amount": Decimal("1.50")}, "other": {"amount": Decimal("1.50")}}


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deep_nesting_is_refused_without_recursion_error(depth):
    with pytest.raises(InvalidInputError, match=r"f\.yaml: "):
        parse_document("a: " + "[" * depth + "]" * depth, source="f.yaml")


def test_nesting_up_to_the_bound_reads():
    depth = MAX_DEPTH - 1  # the top-level mapping is one level
    assert parse_document("a: " + "[" * depth + "]" * depth)


def test_a_key_written_twice_is_refused_naming_it_and_its_line():
    with pytest.raises(InvalidInputError) as caught:
        parse_document("performers: []\nname: x\nperformers: [1]\n", source="w.yaml")
    assert str(caught.value) == (
        "w.yaml: refused: key 'performers' appears twice in one mapping at line 3"
        " (expected each key once)"
    )


def test_a_key_written_twice_in_a_record_is_refused():
    with pytest.raises(InvalidInputError, match="key 'id' appears twice in one mapping at line 2"):
        parse_document("producers:\n  - {id: S1, id: S2, name: x}\n")


def test_a_device_that_never_ends_is_read_only_up_to_the_bound():
    with pytest.raises(InvalidInputError) as caught:
        read_bytes(Path("/dev/zero"), limit=1024)
    assert str(caught.value) == (
        "/dev/zero: larger than 1,024 bytes (expected a smaller YAML or JSON file)"
    )


def test_dev_zero_is_refused_by_read_document():
    started = time.monotonic()
    with pytest.raises(InvalidInputError, match=r"^/dev/zero: larger than 16,777,216 bytes"):
        read_document(Path("/dev/zero"))
    assert time.monotonic() - started < 5


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_bytes(b"name: \xff\n")
    with pytest.raises(InvalidInputError, match=r"bad\.yaml: byte 6 is not UTF-8"):
        read_document(path)


def test_a_giant_value_is_cut_in_the_message():
    error = RecordInvalidError("performer P1", "name", "x" * 1_000_000, "a short name")
    assert len(str(error)) < 200
    assert "…" in str(error)


def test_every_message_is_bounded():
    assert len(str(InvalidInputError("y" * 10_000_000))) == MAX_MESSAGE_CHARS


@pytest.mark.parametrize("days", ["1e30", 2**63, 99999999999, 0, "1.5"])
def test_days_out_of_bounds_are_refused_naming_the_field(days):
    from likeness.interchange.parsing import parse_request

    raw = {
        "id": "Q1",
        "kind": "use",
        "producer": "S1",
        "production": "F1",
        "replica": "D1",
        "use": "dubbing",
        "date": "2025-01-01",
        "days": days,
    }
    with pytest.raises(
        RecordInvalidError, match=r"^Q1: days .*\(expected a whole number of days from 1 to 3,650\)"
    ):
        parse_request(raw, "Q1")
