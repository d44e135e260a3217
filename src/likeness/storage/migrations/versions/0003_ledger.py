"""Ledger: entries, subtree node hashes and signed tree heads.

Revision ID: 0003_ledger
Revises: 0002_consents
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_ledger"
down_revision = "0002_consents"
branch_labels = None
depends_on = None


# integer keys that are rowid aliases on SQLite (INTEGER PRIMARY KEY), BIGINT elsewhere
ROW_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    state = op.create_table(
        "ledger_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_state"),
    )
    # The one row that appends lock (SELECT ... FOR UPDATE) to keep the log in one total order.
    op.bulk_insert(state, [{"id": 1, "size": 0}])
    op.create_table(
        "ledger_entries",
        sa.Column("index", ROW_KEY, autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("time", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("index", name="pk_ledger_entries"),
    )
    op.create_table(
        "ledger_nodes",
        # id = level * 2**56 + index of a perfect subtree (see likeness.storage.ledger.node_id)
        sa.Column("id", ROW_KEY, autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_nodes"),
    )
    op.create_table(
        "ledger_heads",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
        sa.Column("time", sa.String(32), nullable=False),
        sa.Column("signature", sa.LargeBinary(64), nullable=False),
        sa.PrimaryKeyConstraint("size", name="pk_ledger_heads"),
    )


def downgrade() -> None:
    op.drop_table("ledger_heads")
    op.drop_table("ledger_nodes")
    op.drop_table("ledger_entries")
    op.drop_table("ledger_state")
