"""Payments and statements (SPEC §12): who owes each pay line, what it is for, the entry that
recorded it, reversing lines, payments, and the production years of residual runs.

Existing pay lines (all of recorded uses) are filled in from their uses and ledger entries.

Revision ID: 0009_payments
Revises: 0008_consent_requests
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from likeness.storage.types import Money

revision = "0009_payments"
down_revision = "0008_consent_requests"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("pay_lines") as batch:
        batch.alter_column("use_id", existing_type=_ID, nullable=True)
        batch.add_column(sa.Column("producer_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("source", sa.String(16), nullable=True))
        batch.add_column(sa.Column("residual_run_id", _ID, nullable=True))
        batch.add_column(sa.Column("subject", sa.String(200), nullable=True))
        batch.add_column(sa.Column("what", sa.String(64), nullable=True))
        batch.add_column(sa.Column("quantity", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("reverses", _ID, nullable=True))
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("ledger_index", sa.BigInteger(), nullable=True))
    _fill_in_existing_lines()
    with op.batch_alter_table("pay_lines") as batch:
        batch.alter_column("producer_id", existing_type=sa.String(64), nullable=False)
        batch.alter_column("source", existing_type=sa.String(16), nullable=False)
        batch.create_foreign_key(
            "fk_pay_lines_residual_run_id_residual_runs",
            "residual_runs",
            ["residual_run_id"],
            ["id"],
        )
        batch.create_foreign_key(
            "fk_pay_lines_reverses_pay_lines", "pay_lines", ["reverses"], ["id"]
        )
        batch.create_unique_constraint("uq_pay_lines_reverses", ["reverses"])
    op.create_index("ix_pay_lines_producer_id", "pay_lines", ["producer_id"])
    op.create_table(
        "payments",
        sa.Column("line_id", _ID, autoincrement=False, nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("ledger_index", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"], ["pay_lines.id"], name="fk_payments_line_id_pay_lines"
        ),
        sa.PrimaryKeyConstraint("line_id", name="pk_payments"),
    )
    op.create_table(
        "residual_years",
        sa.Column("run_id", _ID, nullable=False),
        sa.Column("production", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("qualified", sa.Boolean(), nullable=False),
        sa.Column("fund", Money(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["residual_runs.id"], name="fk_residual_years_run_id_residual_runs"
        ),
        sa.PrimaryKeyConstraint("run_id", "production", "year", name="pk_residual_years"),
    )


def _fill_in_existing_lines() -> None:
    """Each existing line is owed by its use's producer, for its replica (or performer), use and
    days; its ledger index is the ``pay-line`` entry of its use, in the order written."""
    conn = op.get_bind()
    uses = sa.table(
        "uses",
        sa.column("id"),
        sa.column("producer_id"),
        sa.column("replica_id"),
        sa.column("performer_id"),
        sa.column("use"),
        sa.column("days"),
    )
    lines = sa.table(
        "pay_lines",
        sa.column("id"),
        sa.column("use_id"),
        sa.column("position"),
        sa.column("producer_id"),
        sa.column("source"),
        sa.column("subject"),
        sa.column("what"),
        sa.column("quantity"),
        sa.column("ledger_index"),
    )
    entries = sa.table("ledger_entries", sa.column("index"), sa.column("kind"), sa.column("body"))
    indexes: dict[int, list[int]] = defaultdict(list)
    query = sa.select(entries.c.index, entries.c.body).where(entries.c.kind == "pay-line")
    for index, body in conn.execute(query.order_by(entries.c.index)):
        use = json.loads(bytes(body))["record"].get("use")
        if isinstance(use, int):
            indexes[use].append(index)
    rows = conn.execute(
        sa.select(
            lines.c.id,
            lines.c.use_id,
            lines.c.position,
            uses.c.producer_id,
            uses.c.replica_id,
            uses.c.performer_id,
            uses.c.use,
            uses.c.days,
        ).join(uses, uses.c.id == lines.c.use_id)
    ).all()
    for row in rows:
        found = indexes.get(row.use_id, [])
        conn.execute(
            lines.update()
            .where(lines.c.id == row.id)
            .values(
                producer_id=row.producer_id,
                source="use",
                subject=row.replica_id or row.performer_id,
                what=row.use,
                quantity=row.days,
                ledger_index=found[row.position] if row.position < len(found) else None,
            )
        )
