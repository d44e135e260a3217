"""Repository of residual runs and residual lines (issue 5) over one SQLAlchemy Connection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, insert, select

from likeness.compensation.residuals.compute import PerformerResult, ProductionResult
from likeness.domain.residuals import ResidualLine, ResidualRun
from likeness.storage import tables as t

_R = t.residual_runs.c
_L = t.residual_lines.c
# rows per INSERT batch (bound parameters stay far below SQLite's and PostgreSQL's limits)
_BATCH = 5_000


class SqlResidualRepository:
    """Residual runs are added whole (run and lines in one transaction) and never changed."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_run(
        self,
        run: ResidualRun,
        lines: Sequence[PerformerResult],
        years: Sequence[ProductionResult] = (),
    ) -> int:
        """Insert ``run``, its lines and its production years; return the new run id."""
        inserted = self._conn.execute(
            insert(t.residual_runs).values(
                rule_set=run.rule_set,
                engine=run.engine,
                source=run.source,
                viewership_rows=run.viewership_rows,
                production_years=run.production_years,
                problems=run.problems,
                total_fixed=run.total_fixed,
                total_bonus=run.total_bonus,
                total_fund=run.total_fund,
                result_sha256=run.result_sha256,
                recorded_at=run.recorded_at,
            )
        )
        key = inserted.inserted_primary_key
        assert key is not None
        run_id = int(key[0])
        rows: list[dict[str, Any]] = [
            {
                "run_id": run_id,
                "production": line.production,
                "year": line.year,
                "performer": line.performer,
                "fixed_residual": line.fixed_residual,
                "bonus": line.bonus,
            }
            for line in lines
        ]
        for start in range(0, len(rows), _BATCH):
            self._conn.execute(insert(t.residual_lines), rows[start : start + _BATCH])
        year_rows = [
            {
                "run_id": run_id,
                "production": y.production,
                "year": y.year,
                "qualified": y.qualified,
                "fund": y.fund,
            }
            for y in years
        ]
        for start in range(0, len(year_rows), _BATCH):
            self._conn.execute(insert(t.residual_years), year_rows[start : start + _BATCH])
        return run_id

    def get_run(self, run_id: int) -> ResidualRun | None:
        """The run with id ``run_id``, or None."""
        row = self._conn.execute(select(t.residual_runs).where(_R.id == run_id)).first()
        if row is None:
            return None
        return ResidualRun(
            rule_set=row.rule_set,
            engine=row.engine,
            source=row.source,
            viewership_rows=row.viewership_rows,
            production_years=row.production_years,
            problems=row.problems,
            total_fixed=row.total_fixed,
            total_bonus=row.total_bonus,
            total_fund=row.total_fund,
            result_sha256=row.result_sha256,
            recorded_at=row.recorded_at,
        )

    def lines(
        self, *, run_id: int | None = None, performer: str | None = None
    ) -> Sequence[ResidualLine]:
        """Stored lines, optionally of one run and/or one performer, in key order."""
        query = select(t.residual_lines).order_by(_L.run_id, _L.production, _L.year, _L.performer)
        if run_id is not None:
            query = query.where(_L.run_id == run_id)
        if performer is not None:
            query = query.where(_L.performer == performer)
        return [
            ResidualLine(
                run_id=row.run_id,
                production=row.production,
                year=row.year,
                performer=row.performer,
                fixed_residual=row.fixed_residual,
                bonus=row.bonus,
            )
            for row in self._conn.execute(query)
        ]
