"""The database schema as SQLAlchemy Core tables, in one MetaData.

Migrations under ``migrations/versions`` create exactly these tables; a test compares the two.
Repositories translate rows to domain values by hand (see ``repositories.py`` for why).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from likeness.storage.detection_tables import (
    findings as findings,
)
from likeness.storage.detection_tables import (
    replica_embeddings as replica_embeddings,
)
from likeness.storage.detection_tables import (
    replica_enrolments as replica_enrolments,
)
from likeness.storage.detection_tables import (
    use_outputs as use_outputs,
)
from likeness.storage.metadata import metadata as metadata

# The tables of money owed and paid live in their own module (SPEC §6, §12); imported here so
# that they are in ``metadata`` whenever this module is, and ``tables.pay_lines`` works.
from likeness.storage.money_tables import (
    pay_lines as pay_lines,
)
from likeness.storage.money_tables import (
    payments as payments,
)
from likeness.storage.money_tables import (
    residual_years as residual_years,
)
from likeness.storage.production_tables import (
    production_cast as production_cast,
)
from likeness.storage.production_tables import (
    production_titles as production_titles,
)
from likeness.storage.types import Money

# ---- registry (SPEC §1-§2) ------------------------------------------------------------------

producers = Table(
    "producers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
)

productions = Table(
    "productions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", String(300), nullable=False),
    Column("producer_id", String(64), ForeignKey("producers.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("agreement", String(64), nullable=False),
    Column("principal_photography", Date, nullable=True),
    Column("platform", String(64), nullable=True),  # migration 0010 (SPEC §6.1)
)

performers = Table(
    "performers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("category", String(32), nullable=False),
    Column("born", Date, nullable=False),
    Column("died", Date, nullable=True),
    Column("union_member_id", String(64), nullable=True),
    Column("weekly_salary", Money, nullable=True),
    Column("day_rate", Money, nullable=True),
)

representatives = Table(
    "representatives",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("performer_id", String(64), ForeignKey("performers.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("may_consent", Boolean, nullable=False),
    Column("name", String(200), nullable=True),
)

replicas = Table(
    "replicas",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("performer_id", String(64), ForeignKey("performers.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    # media as a comma-separated list in SPEC order, e.g. "face,body"
    Column("media", String(100), nullable=False),
    Column("made_in", String(64), ForeignKey("productions.id"), nullable=True),
    Column("made_on", Date, nullable=True),
)

replica_assets = Table(
    "replica_assets",
    metadata,
    Column("replica_id", String(64), ForeignKey("replicas.id"), primary_key=True),
    Column("location", String(1000), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
)

# ---- ledger (SPEC §8, issue 4) --------------------------------------------------------------
# One append-only log. `ledger_state` is a single row (id 1) that appends lock to get one total
# order. `ledger_nodes` holds every complete perfect subtree's hash under the key
# node_id(level, index) = level * 2**56 + index (likeness.storage.ledger.node_id), so one
# indexed `IN (...)` fetches the O(log n) nodes of a proof (see likeness.ledger.tree). Bodies
# are the exact bytes hashed. On SQLite the integer keys are rowid aliases (INTEGER PRIMARY KEY).

_RowKey = BigInteger().with_variant(Integer(), "sqlite")

ledger_state = Table(
    "ledger_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("index", _RowKey, primary_key=True, autoincrement=False),
    Column("kind", String(64), nullable=False),
    # the body's time, as written there: 2025-03-01T12:30:00.000000Z (sorts as text)
    Column("time", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
)

ledger_nodes = Table(
    "ledger_nodes",
    metadata,
    Column("id", _RowKey, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
)

ledger_checkpoints = Table(
    "ledger_checkpoints",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("time", String(32), nullable=False),
    Column("note", Text, nullable=False),
)

ledger_cosignatures = Table(
    "ledger_cosignatures",
    metadata,
    Column(
        "size",
        BigInteger,
        ForeignKey("ledger_checkpoints.size", name="fk_ledger_cosignatures_size"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("witness", String(200), primary_key=True),
    Column("key_id", LargeBinary(4), primary_key=True),
    Column("line", Text, nullable=False),
)

# ---- end of ledger (issue 4) ----------------------------------------------------------------

# ---- consents and strikes (SPEC §2, §5; issue 3) ---------------------------------------------
# `seq` keeps the order consents were stored in (the engine examines them in that order). A
# consent names a replica or a performer, never both. Productions and uses are comma-joined ids
# in the order given (ids never contain commas). `problems` are the SPEC §5 codes found when it
# was recorded (comma-joined, "" when valid): an invalid consent is kept only for the record.
# Revocation sets `revoked_on`, a suspension during a video-game strike `suspended_on` (added by
# migration 0006, so it comes last); rows are never deleted.

_SEQ = BigInteger().with_variant(Integer, "sqlite")

consents = Table(
    "consents",
    metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("replica_id", String(64), ForeignKey("replicas.id"), nullable=True, index=True),
    Column("performer_id", String(64), ForeignKey("performers.id"), nullable=True, index=True),
    Column("given_by", String(64), nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("separately_signed", Boolean, nullable=False),
    Column("productions", Text, nullable=False),
    Column("uses", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("valid_from", Date, nullable=True),
    Column("valid_until", Date, nullable=True),
    Column("compensation_amount", Money, nullable=True),
    Column("compensation_per", String(8), nullable=True),
    Column("compensation_currency", String(3), nullable=True),
    Column("lifetime_only", Boolean, nullable=False),
    Column("revoked_on", Date, nullable=True),
    Column("problems", Text, nullable=False),
    Column("suspended_on", Date, nullable=True),
    # the consent request it answered (SPEC §11; migration 0008)
    Column("request_id", String(64), nullable=True),
    CheckConstraint("(replica_id IS NULL) <> (performer_id IS NULL)", name="one_subject"),
)

strikes = Table(
    "strikes",
    metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=True),
    # comma-joined producer ids, or NULL for a strike against all producers
    Column("against", Text, nullable=True),
    Column("start", Date, nullable=False),
    Column("until", Date, nullable=True),
)
# ---- end of consents and strikes (issue 3) ---------------------------------------------------

# ---- streaming residuals (SPEC §6.1; issue 5) -----------------------------------------------

residual_runs = Table(
    "residual_runs",
    metadata,
    Column("id", _SEQ, primary_key=True, autoincrement=True),
    Column("rule_set", String(64), nullable=False),
    Column("engine", String(16), nullable=False),
    Column("source", Text, nullable=False),
    Column("viewership_rows", BigInteger, nullable=False),
    Column("production_years", Integer, nullable=False),
    # problems of the validation report (non-zero only for a run with --skip-bad-rows)
    Column("problems", Integer, nullable=False),
    Column("total_fixed", Money, nullable=False),
    Column("total_bonus", Money, nullable=False),
    Column("total_fund", Money, nullable=False),
    # SHA-256 of the canonical JSON of the §6.1 output, also written to the ledger
    Column("result_sha256", String(64), nullable=False),
    Column("recorded_at", String(32), nullable=False),
)

residual_lines = Table(
    "residual_lines",
    metadata,
    Column("run_id", _SEQ, ForeignKey("residual_runs.id"), primary_key=True),
    Column("production", String(64), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("performer", String(64), primary_key=True, index=True),
    Column("fixed_residual", Money, nullable=False),
    Column("bonus", Money, nullable=False),
)
# ---- end of streaming residuals (issue 5) ---------------------------------------------------

# ---- decisions on use requests, uses and their pay lines (issue 4) ---------------------------

# Every decision taken by `use record`, keyed by the producer's idempotency key (allowed or not).
use_decisions = Table(
    "use_decisions",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("request_id", String(64), nullable=False),
    Column("producer_id", String(64), nullable=False, index=True),
    Column("production_id", String(64), nullable=False),
    Column("allowed", Boolean, nullable=False),
    Column("request", Text, nullable=False),  # the request as sent, canonical JSON
    Column("decision", Text, nullable=False),  # the decision with its explanation, JSON
    Column("recorded_at", DateTime, nullable=False),  # UTC
)

uses = Table(
    "uses",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("key", String(200), ForeignKey("use_decisions.key"), nullable=False, unique=True),
    Column("request_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("producer_id", String(64), nullable=False),
    Column("production_id", String(64), nullable=False, index=True),
    Column("replica_id", String(64), nullable=True, index=True),
    Column("performer_id", String(64), nullable=True, index=True),
    Column("use", String(32), nullable=False),
    Column("date", Date, nullable=False),
    Column("days", Integer, nullable=False),
    Column("consent_id", String(64), nullable=True),
    Column("recorded_at", DateTime, nullable=False),
    # the index of its `use-recorded` ledger entry (SPEC §13: its output credential names it)
    Column("ledger_index", BigInteger, nullable=True),
)

# ---- accounts, API tokens and sign-in failures (SPEC §10) -----------------------------------
# Times are naive UTC (the repository converts). A token row holds the SHA-256 of the whole
# token string, never the token. `sign_in_failures` counts consecutive failures per name,
# whether or not an account has that name, so a lockout never tells which names exist.

accounts = Table(
    "accounts",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("party", String(64), nullable=True),
    Column("disabled", Boolean, nullable=False),
    Column("password_hash", String(255), nullable=True),  # Argon2id, PHC string format
    Column("created_at", DateTime, nullable=False),
    Column("email", String(320), nullable=True),  # where notices are sent (migration 0008)
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("account", String(64), ForeignKey("accounts.name"), nullable=False, index=True),
    Column("secret_hash", String(64), nullable=False),  # SHA-256, hex
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=True),
    Column("last_used_at", DateTime, nullable=True),
    Column("revoked_at", DateTime, nullable=True),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", DateTime, nullable=True),
    Column("last_failure_at", DateTime, nullable=False),
)
# ---- end of accounts (SPEC §10) -------------------------------------------------------------

# ---- consent requests and notices (SPEC §11) ------------------------------------------------
# A request's terms are stored like a consent's (comma-joined productions and uses); `about` is
# the performer it concerns (the replica's performer for a replica request). Only `state` and
# the answer columns change, once, from `pending`.

consent_requests = Table(
    "consent_requests",
    metadata,
    Column("seq", _SEQ, primary_key=True, autoincrement=True),
    Column("id", String(64), nullable=False, unique=True),
    Column("producer_id", String(64), nullable=False, index=True),
    Column("about", String(64), nullable=False, index=True),
    Column("replica_id", String(64), nullable=True),
    Column("performer_id", String(64), nullable=True),
    Column("productions", Text, nullable=False),
    Column("uses", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("valid_from", Date, nullable=True),
    Column("valid_until", Date, nullable=True),
    Column("compensation_amount", Money, nullable=True),
    Column("compensation_per", String(8), nullable=True),
    Column("compensation_currency", String(3), nullable=True),
    Column("lifetime_only", Boolean, nullable=False),
    Column("respond_by", Date, nullable=False),
    Column("created_on", Date, nullable=False),
    Column("state", String(16), nullable=False, index=True),
    Column("answered_by", String(64), nullable=True),
    Column("answered_on", Date, nullable=True),
    Column("reason", Text, nullable=True),
    Column("consent_id", String(64), nullable=True),
    CheckConstraint("(replica_id IS NULL) <> (performer_id IS NULL)", name="one_subject"),
)

# The outbox: a notice is written with the change it reports, then delivered by a sender that
# claims it (`claimed_by` until `claimed_until`), so two senders never send the same one.
notices = Table(
    "notices",
    metadata,
    Column("id", _SEQ, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("recipient", String(64), nullable=False),
    Column("recipient_role", String(16), nullable=False),
    Column("performer", String(64), nullable=True, index=True),
    Column("subject", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON
    Column("created_at", DateTime, nullable=False),  # UTC
    Column("delivery", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("sent_at", DateTime, nullable=True),
    Column("claimed_by", String(64), nullable=True),
    Column("claimed_until", DateTime, nullable=True),
)
Index("ix_notices_recipient", notices.c.recipient, notices.c.id)
Index("ix_notices_delivery", notices.c.delivery, notices.c.next_attempt_at)
# ---- end of consent requests and notices (SPEC §11) -----------------------------------------
