"""Consents gain ``suspended_on``: suspended during a video-game strike (SPEC §2, §7).

Revision ID: 0006_suspended_consents
Revises: 0005_uses
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_suspended_consents"
down_revision = "0005_uses"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.add_column(sa.Column("suspended_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.drop_column("suspended_on")
