"""Reading a world file section by section and record by record, for ``likeness import``.

A world file can hold millions of records, so it is never read whole: :func:`open_sections`
yields each top-level key as a :class:`Section`; a list's records are built one at a time as
the caller takes them, so memory does not grow with the file. Every bound of
:mod:`likeness.interchange._loader` holds (nesting, aliases, duplicate keys), counted per record,
and the file is read at most :data:`MAX_IMPORT_BYTES` far.

>>> with open_sections(Path("world.yaml")) as sections:  # doctest: +SKIP
...     for section in sections:
...         for record in section.records or ():
...             ...
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import yaml
from yaml.events import (
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from likeness.errors import InvalidInputError
from likeness.interchange._events import EventValues
from likeness.interchange._loader import BoundedLoader, DocumentRefusedError, quoted

#: the most bytes ``likeness import`` reads of one file (4 GiB); it streams, so this bounds
#: time, not memory
MAX_IMPORT_BYTES = 4 * 1024**3


@dataclass
class Section:
    """One top-level key: ``records`` yields the items of a list (taken once, in order);
    ``value`` holds anything else (``name: ...``, ``agreement: ...``)."""

    key: str
    line: int
    records: Iterator[Any] | None = None
    value: Any = None


class _Capped:
    """A binary stream that refuses to be read past ``limit`` bytes."""

    def __init__(self, raw: BinaryIO, limit: int) -> None:
        self._raw, self._left, self._limit = raw, limit, limit

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(self._left + 1 if size < 0 else min(size, self._left + 1))
        self._left -= len(data)
        if self._left < 0:
            raise DocumentRefusedError(
                f"larger than {self._limit:,} bytes (expected a smaller YAML or JSON file)"
            )
        return data


def _refused(source: str, exc: Exception) -> InvalidInputError:
    if isinstance(exc, DocumentRefusedError):
        return InvalidInputError(f"{source}: refused: {exc.message}")
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return InvalidInputError(
            f"{source}: line {mark.line + 1}, column {mark.column + 1}: not valid YAML:"
            f" {exc.problem} (expected a YAML or JSON mapping)"
        )
    return InvalidInputError(f"{source}: not valid YAML: {exc}")


class _Sections:
    def __init__(self, loader: BoundedLoader, source: str) -> None:
        self.loader = loader
        self.source = source
        self.values = EventValues(loader)

    def _node(self) -> Any:
        """The next node, built into a value (each counts its own aliases and nodes)."""
        return self.values.next()

    def _items(self) -> Iterator[Any]:
        loader = self.loader
        try:
            while not loader.check_event(SequenceEndEvent):
                yield self._node()
            loader.get_event()
        except (yaml.YAMLError, ArithmeticError) as exc:
            raise _refused(self.source, exc) from None

    def __iter__(self) -> Iterator[Section]:
        try:
            yield from self._sections()
        except (yaml.YAMLError, ArithmeticError) as exc:
            raise _refused(self.source, exc) from None

    def _sections(self) -> Iterator[Section]:
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(StreamEndEvent):
            return  # an empty file
        loader.get_event()  # document start
        if not loader.check_event(MappingStartEvent):
            value = self._node()
            if value is None:
                return
            raise InvalidInputError(
                f"{self.source}: top level is a {type(value).__name__} (expected a mapping of keys)"
            )
        loader.get_event()
        seen: set[str] = set()
        while not loader.check_event(MappingEndEvent):
            mark = getattr(loader.peek_event(), "start_mark", None)
            line = 0 if mark is None else mark.line + 1
            key = self._node()
            if not isinstance(key, str):
                raise InvalidInputError(f"{self.source}: line {line}: key {quoted(key)} is no name")
            if key in seen:
                raise InvalidInputError(
                    f"{self.source}: refused: key {quoted(key)} appears twice in one mapping at"
                    f" line {line} (expected each key once)"
                )
            seen.add(key)
            if loader.check_event(SequenceStartEvent):
                loader.get_event()
                items = self._items()
                yield Section(key, line, records=items)
                for _ in items:  # whatever the caller left untaken
                    pass
            else:
                yield Section(key, line, value=self._node())
        loader.get_event()
        loader.get_event()  # document end
        if not loader.check_event(StreamEndEvent) and not loader.check_event(DocumentEndEvent):
            raise InvalidInputError(f"{self.source}: more than one document (expected one)")


@contextlib.contextmanager
def open_sections(path: Path, limit: int = MAX_IMPORT_BYTES) -> Iterator[Iterator[Section]]:
    """The top-level sections of the YAML or JSON file at ``path``, streamed.

    Raises :class:`InvalidInputError` for a missing or unreadable file, one over ``limit``
    bytes, or one that is not YAML or breaks a bound, naming the line where it can.
    """
    try:
        raw = path.open("rb")
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: no such file (expected a YAML or JSON file)") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{path}: is a directory (expected a YAML or JSON file)") from None
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    with raw:
        loader = BoundedLoader(_Capped(raw, limit))
        try:
            yield iter(_Sections(loader, str(path)))
        finally:
            loader.dispose()
