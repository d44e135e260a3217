"""Finding likeness in media (SPEC §13): enrolments and embeddings of replicas, registered
outputs of uses, findings; and the ledger index of each use's ``use-recorded`` entry (an
output's C2PA credential names it), filled in for the uses already recorded.

Revision ID: 0012_detection
Revises: 0011_checkpoints
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0012_detection"
down_revision = "0011_checkpoints"
branch_labels = None
depends_on = None

_Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("uses") as batch:
        batch.add_column(sa.Column("ledger_index", sa.BigInteger(), nullable=True))
    _fill_use_ledger_index()
    op.create_table(
        "replica_enrolments",
        sa.Column("replica_id", sa.String(64), nullable=False),
        sa.Column("assets_digest", sa.String(64), nullable=False),
        sa.Column("models", sa.String(200), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("faces", sa.Integer(), nullable=False),
        sa.Column("voices", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["replica_id"], ["replicas.id"], name="fk_replica_enrolments_replica_id_replicas"
        ),
        sa.PrimaryKeyConstraint("replica_id", name="pk_replica_enrolments"),
    )
    op.create_table(
        "replica_embeddings",
        sa.Column("id", _Id, autoincrement=True, nullable=False),
        sa.Column("replica_id", sa.String(64), nullable=False),
        sa.Column("medium", sa.String(8), nullable=False),
        sa.Column("model", sa.String(64), nullable=False),
        sa.Column("asset_sha256", sa.String(64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["replica_id"], ["replicas.id"], name="fk_replica_embeddings_replica_id_replicas"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_replica_embeddings"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_replica_embeddings_replica_id", "replica_embeddings", ["replica_id"])
    op.create_table(
        "use_outputs",
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("use_id", _Id, nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("registered_by", sa.String(200), nullable=False),
        sa.Column("ledger_index", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["use_id"], ["uses.id"], name="fk_use_outputs_use_id_uses"),
        sa.PrimaryKeyConstraint("sha256", "use_id", name="pk_use_outputs"),
    )
    op.create_table(
        "findings",
        sa.Column("id", _Id, autoincrement=True, nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("medium", sa.String(8), nullable=False),
        sa.Column("performer_id", sa.String(64), nullable=False),
        sa.Column("replica_id", sa.String(64), nullable=False),
        sa.Column("time_ms", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.Column("found_by", sa.String(200), nullable=False),
        sa.Column("ledger_index", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["performer_id"], ["performers.id"], name="fk_findings_performer_id_performers"
        ),
        sa.ForeignKeyConstraint(
            ["replica_id"], ["replicas.id"], name="fk_findings_replica_id_replicas"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
        sa.UniqueConstraint("sha256", "replica_id", "medium", name="uq_findings_seen"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_findings_performer_id", "findings", ["performer_id"])


def _fill_use_ledger_index() -> None:
    """Each recorded use gets the index of its ``use-recorded`` entry (read from the entry's
    canonical JSON body)."""
    conn = op.get_bind()
    entries = sa.table("ledger_entries", sa.column("index"), sa.column("kind"), sa.column("body"))
    uses = sa.table("uses", sa.column("id"), sa.column("ledger_index"))
    found = conn.execute(
        sa.select(entries.c.index, entries.c.body).where(entries.c.kind == "use-recorded")
    )
    for index, body in found:
        record = json.loads(bytes(body)).get("record", {})
        use_id = record.get("use")
        if isinstance(use_id, int):
            conn.execute(sa.update(uses).where(uses.c.id == use_id).values(ledger_index=int(index)))


def downgrade() -> None:
    op.drop_table("findings")
    op.drop_table("use_outputs")
    op.drop_table("replica_embeddings")
    op.drop_table("replica_enrolments")
    with op.batch_alter_table("uses") as batch:
        batch.drop_column("ledger_index")
