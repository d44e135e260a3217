"""Residual runs and lines stored on SQLite and PostgreSQL, with their ledger entry (issue 5)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from likeness.compensation.residuals.engines import DuckDBEngine
from likeness.compensation.residuals.run import run_residuals
from likeness.compensation.residuals.settings import load_settings
from likeness.domain.principals import OPERATOR
from likeness.errors import CompensationError
from likeness.services.residuals import RUN_RECORDED, record_residual_run, result_digest
from likeness.storage import tables as t
from likeness.storage.unit_of_work import SqlUnitOfWork
from tests.collaborators import DEPS

NOW = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def _outcome(directory: Path):
    duck = DuckDBEngine()
    try:
        return run_residuals(directory, duck, load_settings("sag-aftra-tv-theatrical-2023"))
    finally:
        duck.close()


def test_a_run_stores_one_line_per_performer_and_year_and_a_ledger_entry(engine, shared_scenarios):
    outcome = _outcome(shared_scenarios / "residuals-basic")
    with SqlUnitOfWork(engine) as uow:
        run_id = record_residual_run(
            uow, OPERATOR, outcome, source="residuals-basic", now=lambda: NOW, deps=DEPS
        ).id
        uow.commit()
    with SqlUnitOfWork(engine, write=False) as uow:
        run = uow.residuals.get_run(run_id)
        lines = uow.residuals.lines(run_id=run_id)
        p1 = uow.residuals.lines(performer="P1")
        entries = uow.connection.execute(select(t.ledger_entries)).all()
    assert run is not None
    assert (run.rule_set, run.engine, run.viewership_rows, run.production_years) == (
        "sag-aftra-tv-theatrical-2023", "duckdb", 9, 2
    )  # fmt: skip
    assert (run.total_fixed, run.total_bonus, run.total_fund) == (
        Decimal("6650.00"), Decimal("2362.50"), Decimal("787.50")
    )  # fmt: skip
    assert run.recorded_at == "2026-01-02T03:04:05.000000Z"
    assert [(x.production, x.year, x.performer, x.fixed_residual, x.bonus) for x in lines] == [
        ("V1", 1, "P1", Decimal("2250.00"), Decimal("1687.50")),
        ("V1", 1, "P2", Decimal("900.00"), Decimal("675.00")),
        ("V1", 2, "P1", Decimal("2500.00"), Decimal("0.00")),
        ("V1", 2, "P2", Decimal("1000.00"), Decimal("0.00")),
    ]
    assert [x.year for x in p1] == [1, 2]
    (entry,) = [e for e in entries if e.kind == RUN_RECORDED]
    body = json.loads(entry.body)
    record = body.get("record", body)
    assert record["run"] == run_id
    assert record["result_sha256"] == result_digest(outcome) == run.result_sha256
    assert record["total_bonus"] == "2362.50"


def test_two_runs_get_their_own_ids_and_lines(engine, shared_scenarios):
    outcome = _outcome(shared_scenarios / "residuals-basic")
    with SqlUnitOfWork(engine) as uow:
        first = record_residual_run(
            uow, OPERATOR, outcome, source="a", now=lambda: NOW, deps=DEPS
        ).id
        second = record_residual_run(
            uow, OPERATOR, outcome, source="b", now=lambda: NOW, deps=DEPS
        ).id
        uow.commit()
    with SqlUnitOfWork(engine, write=False) as uow:
        of_first = uow.residuals.lines(run_id=first)
        of_second = uow.residuals.lines(run_id=second)
        everything = uow.residuals.lines()
    assert (first, second) == (1, 2)  # a fresh database numbers runs from 1
    assert everything == [*of_first, *of_second]
    assert len(of_first) == 4
    assert [replace(x, run_id=second) for x in of_first] == of_second


def test_a_refused_run_cannot_be_stored(engine, shared_scenarios, tmp_path):
    (tmp_path / "empty").mkdir()
    outcome = _outcome(tmp_path / "empty")
    assert outcome.result is None
    with (
        SqlUnitOfWork(engine) as uow,
        pytest.raises(CompensationError, match="refused by validation; nothing to store"),
    ):
        record_residual_run(uow, OPERATOR, outcome, source="empty", deps=DEPS)
