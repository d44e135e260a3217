"""Reading and writing YAML documents with exact decimals.

YAML numbers with a fraction (``1500.00``) load as :class:`~decimal.Decimal`, never ``float``, so
money read from a file is exact; ``Decimal`` values dump as plain strings. Every read goes through
the bounded loader of :mod:`likeness.interchange._loader` (size, depth, aliases, duplicate keys).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from likeness.errors import InvalidInputError
from likeness.interchange._loader import (
    MAX_DOCUMENT_BYTES,
    DocumentRefusedError,
    load_bounded,
)


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes Decimals as strings and keeps key order."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    return dumper.represent_str(str(value))


def _represent_datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(dt.datetime, _represent_datetime)


def parse_document(text: str | bytes, *, source: str = "<text>") -> dict[str, Any]:
    """Parse a YAML (or JSON) mapping; raise :class:`InvalidInputError` naming line and column.

    Refuses a document over a bound of :mod:`likeness.interchange._loader` (nesting, aliases,
    a key written twice) with one line saying which.
    """
    try:
        data = load_bounded(text)
    except DocumentRefusedError as exc:
        raise InvalidInputError(f"{source}: refused: {exc.message}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InvalidInputError(
            f"{source}:{where}: not valid YAML: {exc.problem} (expected a YAML or JSON mapping)"
        ) from None
    except (yaml.YAMLError, ArithmeticError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{source}: not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidInputError(
            f"{source}: top level is a {type(data).__name__} (expected a mapping of keys)"
        )
    return data


def read_bytes(path: Path, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The bytes of ``path``, at most ``limit`` of them: a longer file (or a device that never
    ends, such as ``/dev/zero``) is refused; a missing or unreadable file is InvalidInputError."""
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except FileNotFoundError:
        raise InvalidInputError(f"{path}: no such file (expected a YAML or JSON file)") from None
    except IsADirectoryError:
        raise InvalidInputError(f"{path}: is a directory (expected a YAML or JSON file)") from None
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise InvalidInputError(
            f"{path}: larger than {limit:,} bytes (expected a smaller YAML or JSON file)"
        )
    return data


def read_document(path: Path) -> dict[str, Any]:
    """Read a YAML or JSON file (at most :data:`MAX_DOCUMENT_BYTES`) as a mapping; a missing,
    unreadable, oversized or malformed file is InvalidInputError."""
    data = read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{path}: byte {exc.start} is not UTF-8 (expected a UTF-8 YAML or JSON file)"
        ) from None
    return parse_document(text, source=str(path))


def dump_document(data: dict[str, Any]) -> str:
    """Dump a mapping as block-style YAML, keys in the order given."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def to_jsonable(value: Any) -> Any:
    """``value`` with dates as ISO strings and Decimals as strings, ready for JSON (no floats)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value  # the common leaves first: an import converts a million records
    if kind is dict:
        return {k if type(k) is str else str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float):
        raise TypeError(f"float {value!r} in a record: use Decimal for exact amounts")
    return value
