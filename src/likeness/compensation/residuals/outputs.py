"""Residual results as JSON (the SPEC §6.1 shape), CSV and Parquet.

JSON: ``{"productions": [{"production", "year", "views", "subscribers", "metric", "qualified",
"fund"}], "performers": [{"production", "year", "performer", "fixed_residual", "bonus"}]}`` with
money as strings with two decimals, ``views`` with one and ``metric`` with six.

Files written by :func:`write_outputs` into the output folder:

* ``residuals.json``: the JSON above;
* ``residual_productions.csv`` / ``.parquet``: the production rows (plus the year's ``bonus``);
* ``residual_performers.csv`` / ``.parquet``: the performer rows.

Parquet holds exact decimals (never floats): money ``decimal(18,2)``, views ``decimal(38,1)``,
metric ``decimal(38,6)``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from likeness.compensation.residuals.compute import ResidualResult
from likeness.compensation.rounding import format_money

JSON_FILE = "residuals.json"
PRODUCTIONS_FILE = "residual_productions"
PERFORMERS_FILE = "residual_performers"
REPORT_FILE = "validation-report.json"
TIMINGS_FILE = "timings.json"

PRODUCTION_COLUMNS = (
    "production", "year", "views", "subscribers", "metric", "qualified", "bonus", "fund"
)  # fmt: skip
PERFORMER_COLUMNS = ("production", "year", "performer", "fixed_residual", "bonus")


def result_json(result: ResidualResult) -> dict[str, Any]:
    """The result in the exact JSON shape of SPEC §6.1."""
    return {
        "productions": [
            {
                "production": p.production,
                "year": p.year,
                "views": str(p.views),
                "subscribers": p.subscribers,
                "metric": str(p.metric),
                "qualified": p.qualified,
                "fund": format_money(p.fund),
            }
            for p in result.productions
        ],
        "performers": [
            {
                "production": p.production,
                "year": p.year,
                "performer": p.performer,
                "fixed_residual": format_money(p.fixed_residual),
                "bonus": format_money(p.bonus),
            }
            for p in result.performers
        ],
    }


def dumps(data: Any) -> str:
    """JSON text as every residual output writes it (two-space indent, UTF-8 as is). orjson
    writes the same text as ``json.dumps(indent=2, ensure_ascii=False)`` about ten times
    faster; the standard library takes what orjson refuses (integers wider than 64 bits)."""
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_outputs(result: ResidualResult, directory: Path) -> list[Path]:
    """Write the result as JSON, CSV and Parquet into ``directory``; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / JSON_FILE
    json_path.write_text(dumps(result_json(result)), encoding="utf-8")
    productions = [
        {
            "production": p.production,
            "year": p.year,
            "views": p.views,
            "subscribers": p.subscribers,
            "metric": p.metric,
            "qualified": p.qualified,
            "bonus": p.bonus,
            "fund": p.fund,
        }
        for p in result.productions
    ]
    performers = [
        {
            "production": p.production,
            "year": p.year,
            "performer": p.performer,
            "fixed_residual": p.fixed_residual,
            "bonus": p.bonus,
        }
        for p in result.performers
    ]
    paths = [json_path]
    paths += _write_table(
        directory / PRODUCTIONS_FILE, PRODUCTION_COLUMNS, productions, _PRODUCTION_SCHEMA
    )
    paths += _write_table(
        directory / PERFORMERS_FILE, PERFORMER_COLUMNS, performers, _PERFORMER_SCHEMA
    )
    return paths


_MONEY = pa.decimal128(18, 2)
_PRODUCTION_SCHEMA = pa.schema(
    [
        ("production", pa.string()),
        ("year", pa.int32()),
        ("views", pa.decimal128(38, 1)),
        ("subscribers", pa.int64()),
        ("metric", pa.decimal128(38, 6)),
        ("qualified", pa.bool_()),
        ("bonus", _MONEY),
        ("fund", _MONEY),
    ]
)
_PERFORMER_SCHEMA = pa.schema(
    [
        ("production", pa.string()),
        ("year", pa.int32()),
        ("performer", pa.string()),
        ("fixed_residual", _MONEY),
        ("bonus", _MONEY),
    ]
)


def _write_table(
    stem: Path, columns: tuple[str, ...], rows: list[dict[str, Any]], schema: pa.Schema
) -> list[Path]:
    csv_path = stem.with_suffix(".csv")
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_value(row[name]) for name in columns])
    parquet_path = stem.with_suffix(".parquet")
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), parquet_path)
    return [csv_path, parquet_path]


def _csv_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
