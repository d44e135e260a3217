"""Streaming residual runs and residual lines per performer.

Revision ID: 0004_residuals
Revises: 0003_ledger
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from likeness.storage.types import Money

revision = "0004_residuals"
down_revision = "0003_ledger"
branch_labels = None
depends_on = None

# integer keys that are rowid aliases on SQLite (INTEGER PRIMARY KEY), BIGINT elsewhere
_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "residual_runs",
        sa.Column("id", _SEQ, autoincrement=True, nullable=False),
        sa.Column("rule_set", sa.String(64), nullable=False),
        sa.Column("engine", sa.String(16), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("viewership_rows", sa.BigInteger(), nullable=False),
        sa.Column("production_years", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Integer(), nullable=False),
        sa.Column("total_fixed", Money(), nullable=False),
        sa.Column("total_bonus", Money(), nullable=False),
        sa.Column("total_fund", Money(), nullable=False),
        sa.Column("result_sha256", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_residual_runs"),
    )
    op.create_table(
        "residual_lines",
        sa.Column("run_id", _SEQ, nullable=False),
        sa.Column("production", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("performer", sa.String(64), nullable=False),
        sa.Column("fixed_residual", Money(), nullable=False),
        sa.Column("bonus", Money(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["residual_runs.id"], name="fk_residual_lines_run_id_residual_runs"
        ),
        sa.PrimaryKeyConstraint(
            "run_id", "production", "year", "performer", name="pk_residual_lines"
        ),
    )
    op.create_index("ix_residual_lines_performer", "residual_lines", ["performer"])


def downgrade() -> None:
    op.drop_index("ix_residual_lines_performer", table_name="residual_lines")
    op.drop_table("residual_lines")
    op.drop_table("residual_runs")
