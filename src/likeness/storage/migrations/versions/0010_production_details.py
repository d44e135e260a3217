"""What residual runs read from the registry (SPEC §6.1): the platform of a production, its
titles (runtime, premiere) and its cast (residual base).

Revision ID: 0010_production_details
Revises: 0009_payments
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from likeness.storage.types import Money

revision = "0010_production_details"
down_revision = "0009_payments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("productions") as batch:
        batch.add_column(sa.Column("platform", sa.String(64), nullable=True))
    op.create_table(
        "production_titles",
        sa.Column("title", sa.String(64), nullable=False),
        sa.Column("production_id", sa.String(64), nullable=False),
        sa.Column("runtime_minutes", sa.Integer(), nullable=False),
        sa.Column("premiere", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "runtime_minutes > 0", name=op.f("ck_production_titles_positive_runtime")
        ),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name="fk_production_titles_production_id_productions",
        ),
        sa.PrimaryKeyConstraint("title", name="pk_production_titles"),
    )
    op.create_index("ix_production_titles_production_id", "production_titles", ["production_id"])
    op.create_table(
        "production_cast",
        sa.Column("production_id", sa.String(64), nullable=False),
        sa.Column("performer_id", sa.String(64), nullable=False),
        sa.Column("residual_base", Money(), nullable=False),
        sa.ForeignKeyConstraint(
            ["production_id"],
            ["productions.id"],
            name="fk_production_cast_production_id_productions",
        ),
        sa.ForeignKeyConstraint(
            ["performer_id"],
            ["performers.id"],
            name="fk_production_cast_performer_id_performers",
        ),
        sa.PrimaryKeyConstraint("production_id", "performer_id", name="pk_production_cast"),
    )
    op.create_index("ix_production_cast_performer_id", "production_cast", ["performer_id"])


def downgrade() -> None:
    op.drop_table("production_cast")
    op.drop_table("production_titles")
    with op.batch_alter_table("productions") as batch:
        batch.drop_column("platform")
