"""Registry: producers, productions, performers, representatives, replicas and their assets.

Revision ID: 0001_registry
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from likeness.storage.types import Money

revision = "0001_registry"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "producers",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_producers"),
    )
    op.create_table(
        "productions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("producer_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("agreement", sa.String(64), nullable=False),
        sa.Column("principal_photography", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["producers.id"], name="fk_productions_producer_id_producers"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_productions"),
    )
    op.create_index("ix_productions_producer_id", "productions", ["producer_id"])
    op.create_table(
        "performers",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("born", sa.Date(), nullable=False),
        sa.Column("died", sa.Date(), nullable=True),
        sa.Column("union_member_id", sa.String(64), nullable=True),
        sa.Column("weekly_salary", Money(), nullable=True),
        sa.Column("day_rate", Money(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_performers"),
    )
    op.create_table(
        "representatives",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("performer_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("may_consent", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["performer_id"], ["performers.id"], name="fk_representatives_performer_id_performers"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_representatives"),
    )
    op.create_index("ix_representatives_performer_id", "representatives", ["performer_id"])
    op.create_table(
        "replicas",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("performer_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("media", sa.String(100), nullable=False),
        sa.Column("made_in", sa.String(64), nullable=True),
        sa.Column("made_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["performer_id"], ["performers.id"], name="fk_replicas_performer_id_performers"
        ),
        sa.ForeignKeyConstraint(
            ["made_in"], ["productions.id"], name="fk_replicas_made_in_productions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_replicas"),
    )
    op.create_index("ix_replicas_performer_id", "replicas", ["performer_id"])
    op.create_table(
        "replica_assets",
        sa.Column("replica_id", sa.String(64), nullable=False),
        sa.Column("location", sa.String(1000), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["replica_id"], ["replicas.id"], name="fk_replica_assets_replica_id_replicas"
        ),
        sa.PrimaryKeyConstraint("replica_id", "location", name="pk_replica_assets"),
    )


def downgrade() -> None:
    op.drop_table("replica_assets")
    op.drop_index("ix_replicas_performer_id", table_name="replicas")
    op.drop_table("replicas")
    op.drop_index("ix_representatives_performer_id", table_name="representatives")
    op.drop_table("representatives")
    op.drop_table("performers")
    op.drop_index("ix_productions_producer_id", table_name="productions")
    op.drop_table("productions")
    op.drop_table("producers")
