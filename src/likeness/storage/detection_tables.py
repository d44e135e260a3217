"""Tables of finding likeness in media (SPEC §13): enrolments and their embeddings, the
registered outputs of uses, and findings.

Embedding ids are never reused (``sqlite_autoincrement``; PostgreSQL sequences never go back),
which the vector index's fingerprint relies on (see ``likeness.media.index``). A finding is
stored once per file content, replica and medium.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from likeness.storage.metadata import metadata

_Id = BigInteger().with_variant(Integer, "sqlite")

replica_enrolments = Table(
    "replica_enrolments",
    metadata,
    Column("replica_id", String(64), ForeignKey("replicas.id"), primary_key=True),
    # SHA-256 over the replica's asset digests when it was enrolled (stale once they change)
    Column("assets_digest", String(64), nullable=False),
    Column("models", String(200), nullable=False),
    Column("enrolled_at", DateTime, nullable=False),
    Column("faces", Integer, nullable=False),
    Column("voices", Integer, nullable=False),
    # JSON list: one line per asset that gave no face or voice, and why
    Column("skipped", Text, nullable=False),
)

replica_embeddings = Table(
    "replica_embeddings",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("replica_id", String(64), ForeignKey("replicas.id"), nullable=False, index=True),
    Column("medium", String(8), nullable=False),
    Column("model", String(64), nullable=False),
    Column("asset_sha256", String(64), nullable=False),
    # float32 little-endian
    Column("vector", LargeBinary, nullable=False),
    sqlite_autoincrement=True,
)

use_outputs = Table(
    "use_outputs",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("use_id", _Id, ForeignKey("uses.id"), primary_key=True),
    # credential (signed by `use credential`) or registered (`use output`)
    Column("how", String(16), nullable=False),
    Column("registered_at", DateTime, nullable=False),
    Column("registered_by", String(200), nullable=False),
    Column("ledger_index", BigInteger, nullable=True),
)

findings = Table(
    "findings",
    metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("file", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("medium", String(8), nullable=False),
    Column("performer_id", String(64), ForeignKey("performers.id"), nullable=False, index=True),
    Column("replica_id", String(64), ForeignKey("replicas.id"), nullable=False),
    Column("time_ms", BigInteger, nullable=False),
    Column("score", Float, nullable=False),
    Column("reason", Text, nullable=False),
    # where the file was found, as the scan was told (a web address), for the takedown
    Column("source", Text, nullable=True),
    Column("found_at", DateTime, nullable=False),
    Column("found_by", String(200), nullable=False),
    Column("ledger_index", BigInteger, nullable=True),
    UniqueConstraint("sha256", "replica_id", "medium", name="uq_findings_seen"),
    sqlite_autoincrement=True,
)
