"""The Ibis type of each engine's column types: what :meth:`.engines.Engine.load` reports."""

from __future__ import annotations

import re

import pyarrow as pa

_DECIMAL = re.compile(r"^decimal\((\d+),\s*(\d+)\)$", re.IGNORECASE)


def duckdb_ibis_type(type_name: str) -> str:
    """The Ibis type of a DuckDB column type, or ``binary`` for types the pipeline rejects."""
    upper = type_name.upper()
    if upper in {"VARCHAR", "TEXT", "STRING"}:
        return "string"
    if upper in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}:
        return "int64"
    if upper in {"DOUBLE", "FLOAT", "REAL"}:
        return "float64"
    if upper == "DATE":
        return "date"
    if upper.startswith("TIMESTAMP"):
        return "timestamp"
    if upper == "BOOLEAN":
        return "boolean"
    match = _DECIMAL.match(type_name.replace(" ", ""))
    if match:
        return f"decimal({match.group(1)},{match.group(2)})"
    return "binary"


def spark_ibis_type(type_name: str) -> str:
    """The Ibis type of a Spark column type (``simpleString``), or ``binary`` otherwise."""
    lower = type_name.lower()
    if lower == "string" or lower.startswith(("varchar", "char")):
        return "string"
    if lower in {"tinyint", "smallint", "int", "bigint"}:
        return "int64"
    if lower in {"double", "float"}:
        return "float64"
    if lower == "date":
        return "date"
    if lower.startswith("timestamp"):
        return "timestamp"
    if lower == "boolean":
        return "boolean"
    match = _DECIMAL.match(lower.replace(" ", ""))
    if match:
        return f"decimal({match.group(1)},{match.group(2)})"
    return "binary"


def arrow_ibis_type(arrow_type: pa.DataType) -> str:
    """The Ibis type of an Arrow column type (tables given in memory, e.g. from the registry),
    or ``binary`` for types the pipeline rejects."""
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "string"
    if pa.types.is_integer(arrow_type):
        return "int64"
    if pa.types.is_floating(arrow_type):
        return "float64"
    if pa.types.is_date(arrow_type):
        return "date"
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_decimal(arrow_type):
        return f"decimal({arrow_type.precision},{arrow_type.scale})"
    return "binary"
