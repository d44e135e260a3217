"""Consents, strikes and decisions (decision engine).

Revision ID: 0002_consents
Revises: 0001_registry
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from likeness.storage.types import Money

revision = "0002_consents"
down_revision = "0001_registry"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("seq", _SEQ, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("replica_id", sa.String(64), nullable=True),
        sa.Column("performer_id", sa.String(64), nullable=True),
        sa.Column("given_by", sa.String(64), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("separately_signed", sa.Boolean(), nullable=False),
        sa.Column("productions", sa.Text(), nullable=False),
        sa.Column("uses", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("compensation_amount", Money(), nullable=True),
        sa.Column("compensation_per", sa.String(8), nullable=True),
        sa.Column("compensation_currency", sa.String(3), nullable=True),
        sa.Column("lifetime_only", sa.Boolean(), nullable=False),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("problems", sa.Text(), nullable=False),
        # op.f: the name is final; a plain string would get the metadata's "ck_%(table_name)s_"
        # convention again (ck_consents_ck_consents_one_subject)
        sa.CheckConstraint(
            "(replica_id IS NULL) <> (performer_id IS NULL)", name=op.f("ck_consents_one_subject")
        ),
        sa.ForeignKeyConstraint(
            ["replica_id"], ["replicas.id"], name="fk_consents_replica_id_replicas"
        ),
        sa.ForeignKeyConstraint(
            ["performer_id"], ["performers.id"], name="fk_consents_performer_id_performers"
        ),
        sa.PrimaryKeyConstraint("seq", name="pk_consents"),
        sa.UniqueConstraint("id", name="uq_consents_id"),
    )
    op.create_index("ix_consents_replica_id", "consents", ["replica_id"])
    op.create_index("ix_consents_performer_id", "consents", ["performer_id"])
    op.create_table(
        "strikes",
        sa.Column("seq", _SEQ, autoincrement=True, nullable=False),
        sa.Column("against", sa.Text(), nullable=True),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_strikes"),
    )


def downgrade() -> None:
    op.drop_table("strikes")
    op.drop_index("ix_consents_performer_id", table_name="consents")
    op.drop_index("ix_consents_replica_id", table_name="consents")
    op.drop_table("consents")
