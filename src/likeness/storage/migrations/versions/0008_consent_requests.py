"""Consent requests, the notices outbox, a consent's request and an account's email (SPEC §11).

Revision ID: 0008_consent_requests
Revises: 0007_accounts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from likeness.storage.types import Money

revision = "0008_consent_requests"
down_revision = "0007_accounts"
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.add_column(sa.Column("request_id", sa.String(64), nullable=True))
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("email", sa.String(320), nullable=True))
    op.create_table(
        "consent_requests",
        sa.Column("seq", _SEQ, autoincrement=True, nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("producer_id", sa.String(64), nullable=False),
        sa.Column("about", sa.String(64), nullable=False),
        sa.Column("replica_id", sa.String(64), nullable=True),
        sa.Column("performer_id", sa.String(64), nullable=True),
        sa.Column("productions", sa.Text(), nullable=False),
        sa.Column("uses", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("compensation_amount", Money(), nullable=True),
        sa.Column("compensation_per", sa.String(8), nullable=True),
        sa.Column("compensation_currency", sa.String(3), nullable=True),
        sa.Column("lifetime_only", sa.Boolean(), nullable=False),
        sa.Column("respond_by", sa.Date(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("answered_by", sa.String(64), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("consent_id", sa.String(64), nullable=True),
        sa.CheckConstraint(
            "(replica_id IS NULL) <> (performer_id IS NULL)",
            name="one_subject",
        ),
        sa.PrimaryKeyConstraint("seq", name="pk_consent_requests"),
        sa.UniqueConstraint("id", name="uq_consent_requests_id"),
    )
    op.create_index("ix_consent_requests_producer_id", "consent_requests", ["producer_id"])
    op.create_index("ix_consent_requests_about", "consent_requests", ["about"])
    op.create_index("ix_consent_requests_state", "consent_requests", ["state"])
    op.create_table(
        "notices",
        sa.Column("id", _SEQ, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("recipient", sa.String(64), nullable=False),
        sa.Column("recipient_role", sa.String(16), nullable=False),
        sa.Column("performer", sa.String(64), nullable=True),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivery", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("claimed_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_notices"),
    )
    op.create_index("ix_notices_performer", "notices", ["performer"])
    op.create_index("ix_notices_recipient", "notices", ["recipient", "id"])
    op.create_index("ix_notices_delivery", "notices", ["delivery", "next_attempt_at"])


def downgrade() -> None:
    op.drop_table("notices")
    op.drop_table("consent_requests")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("consents") as batch:
        batch.drop_column("request_id")
