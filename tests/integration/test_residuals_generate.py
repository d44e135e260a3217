"""``likeness residuals generate`` works for every combination of arguments it accepts, refuses
the others with one line, and never leaves a partial folder behind (issue #17)."""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from likeness.compensation.residuals.generate import generate_dataset
from likeness.errors import InvalidInputError

SEEN: Counter[str] = Counter()
TABLES = {
    f"{name}.parquet" for name in ("productions", "titles", "cast", "subscribers", "viewership")
}


def _rows(path: Path) -> int:
    ((count,),) = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()
    return int(count)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(0, 400_000),
    titles=st.integers(1, 40),
    duplicates=st.integers(0, 60),
    seed=st.integers(0, 2**32 - 1),
)
def test_generate_writes_every_table_or_refuses_and_leaves_nothing(rows, titles, duplicates, seed):
    parent = Path(tempfile.mkdtemp(prefix="gen-"))
    target = parent / "data"
    try:
        _generate_into(parent, target, rows, titles, duplicates, seed)
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def _generate_into(parent: Path, target: Path, rows: int, titles: int, duplicates: int, seed: int):
    try:
        made = generate_dataset(
            target, rows=rows, titles=titles, seed=seed, duplicates=min(duplicates, rows)
        )
    except InvalidInputError as exc:
        assert str(exc).startswith("generate: ") and "\n" not in str(exc)
        assert list(parent.iterdir()) == []  # no folder, no temporary folder
        SEEN["refused"] += 1
        return
    assert {p.name for p in target.iterdir()} == TABLES
    assert [p.name for p in parent.iterdir()] == ["data"]
    assert made.directory == target and _rows(target / "viewership.parquet") == rows
    SEEN["generated"] += 1


def test_the_strategy_reaches_both_outcomes():
    SEEN.clear()
    test_generate_writes_every_table_or_refuses_and_leaves_nothing()
    total = SEEN["generated"] + SEEN["refused"]
    assert SEEN["generated"] >= 0.25 * total, SEEN
    assert SEEN["refused"] >= 0.1 * total, SEEN


def test_a_folder_that_holds_files_is_refused_and_kept(tmp_path):
    target = tmp_path / "data"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(InvalidInputError, match="already exists and is not an empty folder"):
        generate_dataset(target, rows=10, titles=2, seed=1)
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
