"""Checkpoints as C2SP signed notes, and witness cosignatures (SPEC §8).

The old heads were signatures over a JSON document of the project's own; they cannot be turned
into signed notes without the key, which migrations never see. They are dropped: the entries
and nodes they covered stay, and the next ``likeness ledger head`` signs a checkpoint that
covers every entry (``likeness ledger verify`` reports the unsigned tail until then).

Revision ID: 0011_checkpoints
Revises: 0010_production_details
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_checkpoints"
down_revision = "0010_production_details"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("ledger_heads")
    op.create_table(
        "ledger_checkpoints",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("time", sa.String(32), nullable=False),
        # the signed note: the checkpoint's text, a blank line, the log's signature line
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("size", name="pk_ledger_checkpoints"),
    )
    op.create_table(
        "ledger_cosignatures",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("witness", sa.String(200), nullable=False),
        sa.Column("key_id", sa.LargeBinary(4), nullable=False),
        # the cosignature line, as the witness returned it
        sa.Column("line", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["size"], ["ledger_checkpoints.size"], name="fk_ledger_cosignatures_size"
        ),
        sa.PrimaryKeyConstraint("size", "witness", "key_id", name="pk_ledger_cosignatures"),
    )


def downgrade() -> None:
    op.drop_table("ledger_cosignatures")
    op.drop_table("ledger_checkpoints")
    op.create_table(
        "ledger_heads",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
        sa.Column("time", sa.String(32), nullable=False),
        sa.Column("signature", sa.LargeBinary(64), nullable=False),
        sa.PrimaryKeyConstraint("size", name="pk_ledger_heads"),
    )
