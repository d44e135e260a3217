"""Reading and writing YAML documents with exact decimals.

YAML numbers with a fraction (``1500.00``) load as :class:`~decimal.Decimal`, never ``float``, so
money read from a file is exact; ``Decimal`` values dump as plain strings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from likeness.errors import InvalidInputError


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader whose floats are Decimals."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    return Decimal(text)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # An impossible date such as 1990-13-02 stays text, so that validation can name the record
    # and field it belongs to instead of failing the whole file here.
    try:
        return loader.construct_yaml_timestamp(node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_DecimalLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes Decimals as strings and keeps key order."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    return dumper.represent_str(str(value))


def _represent_datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


_Dumper.add_representer(Decimal, _represent_decimal)
_Dumper.add_representer(dt.datetime, _represent_datetime)


def parse_document(text: str, *, source: str = "<text>") -> dict[str, Any]:
    """Parse a YAML (or JSON) mapping; raise :class:`InvalidInputError` naming line and column."""
    try:
        data = yaml.load(text, Loader=_DecimalLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InvalidInputError(
            f"{source}:{where}: not valid YAML: {exc.problem} (expected a YAML or JSON mapping)"
        ) from exc
    except (yaml.YAMLError, ArithmeticError) as exc:
        raise InvalidInputError(f"{source}: not valid YAML: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidInputError(
            f"{source}: top level is a {type(data).__name__} (expected a mapping of keys)"
        )
    return data


def read_document(path: Path) -> dict[str, Any]:
    """Read a YAML or JSON file as a mapping; a missing or unreadable file is InvalidInputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InvalidInputError(f"{path}: no such file (expected a YAML or JSON file)") from exc
    except IsADirectoryError as exc:
        raise InvalidInputError(f"{path}: is a directory (expected a YAML or JSON file)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path}: cannot be read: {exc}") from exc
    return parse_document(text, source=str(path))


def dump_document(data: dict[str, Any]) -> str:
    """Dump a mapping as block-style YAML, keys in the order given."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def to_jsonable(value: Any) -> Any:
    """``value`` with dates as ISO strings and Decimals as strings, ready for JSON (no floats)."""
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
