"""Values built straight from parser events are the values (and refusals) the bounded
composer gives: every document here is read both ways and must come out the same."""

from pathlib import Path
from typing import Any

import pytest

from likeness.errors import InvalidInputError
from likeness.interchange import stream
from likeness.interchange._loader import MAX_DEPTH

DOCUMENTS = [
    'performers:\n  - {id: P1, name: Ann, born: 1990-04-02, day_rate: "216.00"}\n',
    "performers:\n  - {a: 1, b: 1.5, c: .inf, d: null, e: ~, f: '', g: yes, h: 0x1F, i: 1_000}\n",
    "performers:\n  - {a: 1990-13-02, b: 2001-12-14t21:59:43.10-05:00, c: '1990-04-02'}\n",
    "performers:\n  - a: [1, [2, [3, {x: y}]]]\n    b: {}\n    c: []\n  - plain\n  -\n",
    "performers:\n  - {1: one, '1': quoted, 01: octal}\n",
    "performers:\n  - {a: 1, a: 2}\n",
    "performers:\n  - {a: 1, 'a': 2}\n",
    "performers:\n  - {? [a, b] : c}\n",
    "performers:\n  - &r {id: P1}\n  - *r\n  - {x: *r}\n",
    "performers:\n  - {a: &x 1, b: *x}\n",
    "performers:\n  - {<<: {a: 1}, b: 2}\n",
    "performers:\n  - {=: value}\n",
    "performers:\n  - !!str 12\n  - !!binary aGVsbG8=\n  - !!set {a, b}\n  - !!omap [a: 1]\n",
    "performers:\n  - !!python/object:os.system {}\n",
    "performers:\n  - *undefined\n",
    "performers:\n  - {a: !custom x}\n",
    "performers:\n  - " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
    "performers:\n  - " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n",
    "performers:\n  - {a: [1, 2}\n",
    "name: &n scenario\ndescription: *n\nperformers: [{id: P1}]\n",
    "agreement: {a: {b: c}}\nnotes: [x, *n]\n",
]


def _read(path: Path) -> Any:
    try:
        with stream.open_sections(path) as sections:
            return [
                (s.key, s.line, list(s.records) if s.records is not None else s.value)
                for s in sections
            ]
    except InvalidInputError as exc:
        return str(exc)


def _composed(self: Any) -> Any:
    """How a value was read before: composed into nodes, then constructed."""
    self.loader.reset_bounds()
    return self.loader.construct_document(self.loader.compose_node(None, None))


@pytest.mark.parametrize("text", DOCUMENTS)
def test_values_from_events_match_the_composed_ones(text, tmp_path, monkeypatch):
    path = tmp_path / "world.yaml"
    path.write_text(text, encoding="utf-8")
    fast = _read(path)
    monkeypatch.setattr(stream._Sections, "_node", _composed)
    assert fast == _read(path)
