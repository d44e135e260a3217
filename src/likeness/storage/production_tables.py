"""Tables of what a production is made of for streaming residuals (SPEC §6.1): its titles
(episodes, films: runtime and premiere) and its cast (each performer's residual base).

A title id is unique across all productions (viewership rows name a title alone); a
performer is in a production's cast once.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Integer, String, Table

from likeness.storage.metadata import metadata
from likeness.storage.types import Money

production_titles = Table(
    "production_titles",
    metadata,
    Column("title", String(64), primary_key=True),
    Column("production_id", String(64), ForeignKey("productions.id"), nullable=False, index=True),
    Column("runtime_minutes", Integer, nullable=False),
    Column("premiere", Date, nullable=False),
    CheckConstraint("runtime_minutes > 0", name="positive_runtime"),
)

production_cast = Table(
    "production_cast",
    metadata,
    Column("production_id", String(64), ForeignKey("productions.id"), primary_key=True),
    Column("performer_id", String(64), ForeignKey("performers.id"), primary_key=True, index=True),
    Column("residual_base", Money, nullable=False),
)
