"""Tables of money owed and paid (SPEC §6, §6.1, §12).

A pay line is one amount owed by a production's producer to a performer: a line of a recorded
use (``use_id``), a residual line of a residual run (``residual_run_id``), or a correction that
reverses an earlier line (``reverses``, a negative amount). Lines are never edited; a payment is a
row of ``payments`` (one per line). ``ledger_index`` is the entry that recorded the line.
``residual_years`` keeps each production year of a residual run (its fund share, SPEC §6.1).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from likeness.storage.metadata import metadata
from likeness.storage.types import Money

_KEY = BigInteger().with_variant(Integer, "sqlite")

pay_lines = Table(
    "pay_lines",
    metadata,
    Column("id", _KEY, primary_key=True, autoincrement=True),
    Column("use_id", _KEY, ForeignKey("uses.id"), nullable=True, index=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("performer_id", String(64), nullable=True, index=True),
    Column("production_id", String(64), nullable=False),
    Column("date", Date, nullable=False),
    Column("amount", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("basis", Text, nullable=True),
    Column("rule", Text, nullable=True),
    Column("rate_row", Text, nullable=True),
    # added by migration 0009 (SPEC §12)
    Column("producer_id", String(64), nullable=False, index=True),
    Column("source", String(16), nullable=False),
    Column("residual_run_id", _KEY, ForeignKey("residual_runs.id"), nullable=True),
    Column("subject", String(200), nullable=True),
    Column("what", String(64), nullable=True),
    Column("quantity", Integer, nullable=True),
    Column("reverses", _KEY, ForeignKey("pay_lines.id"), nullable=True, unique=True),
    Column("reason", Text, nullable=True),
    Column("ledger_index", BigInteger, nullable=True),
)

payments = Table(
    "payments",
    metadata,
    Column("line_id", _KEY, ForeignKey("pay_lines.id"), primary_key=True, autoincrement=False),
    Column("paid_on", Date, nullable=False),
    Column("reference", String(200), nullable=False),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_at", DateTime, nullable=False),
    Column("ledger_index", BigInteger, nullable=False),
)

residual_years = Table(
    "residual_years",
    metadata,
    Column("run_id", _KEY, ForeignKey("residual_runs.id"), primary_key=True),
    Column("production", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("qualified", Boolean, nullable=False),
    Column("fund", Money, nullable=False),
)
