"""Decisions on use requests, recorded uses and their pay lines.

Revision ID: 0005_uses
Revises: 0004_residuals
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from likeness.storage.types import Money

revision = "0005_uses"
down_revision = "0004_residuals"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "use_decisions",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("producer_id", sa.String(64), nullable=False),
        sa.Column("production_id", sa.String(64), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_use_decisions"),
    )
    op.create_index("ix_use_decisions_producer_id", "use_decisions", ["producer_id"])
    op.create_table(
        "uses",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("producer_id", sa.String(64), nullable=False),
        sa.Column("production_id", sa.String(64), nullable=False),
        sa.Column("replica_id", sa.String(64), nullable=True),
        sa.Column("performer_id", sa.String(64), nullable=True),
        sa.Column("use", sa.String(32), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("consent_id", sa.String(64), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["key"], ["use_decisions.key"], name="fk_uses_key_use_decisions"),
        sa.PrimaryKeyConstraint("id", name="pk_uses"),
        sa.UniqueConstraint("key", name="uq_uses_key"),
    )
    op.create_index("ix_uses_production_id", "uses", ["production_id"])
    op.create_index("ix_uses_replica_id", "uses", ["replica_id"])
    op.create_index("ix_uses_performer_id", "uses", ["performer_id"])
    op.create_table(
        "pay_lines",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("use_id", _ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("performer_id", sa.String(64), nullable=True),
        sa.Column("production_id", sa.String(64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("amount", Money(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("rule", sa.Text(), nullable=True),
        sa.Column("rate_row", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["use_id"], ["uses.id"], name="fk_pay_lines_use_id_uses"),
        sa.PrimaryKeyConstraint("id", name="pk_pay_lines"),
    )
    op.create_index("ix_pay_lines_use_id", "pay_lines", ["use_id"])
    op.create_index("ix_pay_lines_performer_id", "pay_lines", ["performer_id"])


def downgrade() -> None:
    op.drop_table("pay_lines")
    op.drop_table("uses")
    op.drop_table("use_decisions")
