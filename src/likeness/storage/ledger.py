"""The ledger in SQL: appends in the caller's transaction, proofs from stored nodes.

:class:`SqlLedger` implements the services' ``LedgerWriter`` on the unit of work's connection,
so an entry commits or rolls back with the state change it records (SPEC §8: no change without
its entry, no entry without its change).

One total order, no gaps. Every append first locks the single ``ledger_state`` row
(``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the unit of work's ``BEGIN IMMEDIATE``
already holds the database's one write lock) and takes ``index = size`` under that lock, so
concurrent writers queue and the indices they get are exactly 0, 1, 2, ... in commit order.
Nothing is cached between appends: a rolled-back savepoint cannot leave a stale size behind.

Each append writes the entry row, its level-0 node and every parent node it completes
(:class:`likeness.ledger.tree.CompactRange`), reading only the O(log n) nodes of the right edge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from likeness.errors import InvalidInputError, LedgerIntegrityError, NotFoundError, StorageError
from likeness.ledger.entry import LedgerEntry, entry_body, format_time
from likeness.ledger.heads import SignedTreeHead
from likeness.ledger.signer import CheckpointSigner
from likeness.ledger.tree import (
    CompactRange,
    NodeKey,
    consistency_proof,
    hash_leaf,
    inclusion_proof,
    root_hash,
)
from likeness.ledger.verify import LogKeys, VerifyResult
from likeness.storage.database import WRITE
from likeness.storage.ledger_checkpoints import SqlCheckpoints, sign_checkpoint, verify_database
from likeness.storage.tables import ledger_entries, ledger_nodes, ledger_state

__all__ = ["SqlLedger", "node_id"]

_STATE_ID = 1
# the widths of ledger_entries.kind and .actor
_KIND_LENGTH = 64
_ACTOR_LENGTH = 200
#: how many node keys go into one ``IN (...)`` query
_KEYS_PER_QUERY = 500


_LEVEL_SHIFT = 56

# Hot statements, built once: building a Core statement costs more than running it on SQLite.
_SELECT_SIZE = select(ledger_state.c.size).where(ledger_state.c.id == _STATE_ID)
_LOCK_SIZE = _SELECT_SIZE.with_for_update()
_SET_SIZE = (
    update(ledger_state).where(ledger_state.c.id == _STATE_ID).values(size=bindparam("new_size"))
)


def node_id(level: int, index: int) -> int:
    """The ``ledger_nodes.id`` of the perfect subtree at ``(level, index)``.

    ``level * 2**56 + index``: one integer key, so a proof's nodes are one indexed ``IN`` and
    a level is one key range (levels stay below 64 and indices below 2**56).
    """
    return (level << _LEVEL_SHIFT) | index


def _insert_many(conn: Connection, table: Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """Insert rows (values in the table's column order) with one driver ``executemany``.

    Appends are the ledger's hot path: going around SQLAlchemy's per-row parameter processing
    roughly halves the cost of an append (bench/bench_ledger.py). The statement is still one
    parameterized INSERT on the same connection and transaction; the values are plain ints,
    strings and bytes that both drivers take as they are.
    """
    quote = conn.dialect.identifier_preparer.quote
    marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    columns = ", ".join(quote(column.name) for column in table.columns)
    markers = ", ".join([marker] * len(table.columns))
    conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({markers})", rows)


def _stored_bytes(value: Any, index: int, what: str) -> bytes:
    """A stored body or hash as bytes; text or a number there means the row was edited."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    raise LedgerIntegrityError(
        f"entry {index}: its {what} is stored as {type(value).__name__}, not bytes "
        "(the row was written outside Likeness)",
        int(index),
    )


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SqlLedger:
    """The ledger on one connection; every method runs in that connection's transaction.

    :param conn: the unit of work's connection.
    :param clock: where entry and head times come from (the wall clock by default).
    """

    def __init__(self, conn: Connection, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self._conn = conn
        self._clock = clock

    # ---- writing ------------------------------------------------------------------------

    def append(self, kind: str, actor: str, record: Mapping[str, Any]) -> int:
        """Append one entry in the current transaction; return its index.

        :raises InvalidInputError: if the record holds a float or a non-JSON value, or the
            kind or actor is malformed (nothing is written).

        >>> with container.uow() as uow:  # doctest: +SKIP
        ...     index = uow.ledger.append("consent-granted", "cli", {"consent": "C1"})
        ...     uow.commit()
        """
        return self.append_many([(kind, actor, record)])[0]

    def append_many(self, items: Iterable[tuple[str, str, Mapping[str, Any]]]) -> list[int]:
        """Append several entries under one lock (the same as appending them one by one)."""
        size = self._lock_state()
        now = self._clock()
        now_text = format_time(now)
        tree = CompactRange.from_store(self, size)
        entry_rows: list[tuple[Any, ...]] = []
        node_rows: list[tuple[int, bytes]] = []
        for offset, (kind, actor, record) in enumerate(items):
            entry = LedgerEntry(size + offset, kind, now, actor, record)
            if len(kind) > _KIND_LENGTH or len(actor) > _ACTOR_LENGTH:
                raise InvalidInputError(
                    f"ledger entry {entry.index}: kind has {len(kind)} characters and actor "
                    f"{len(actor)} (expected at most {_KIND_LENGTH} and {_ACTOR_LENGTH})"
                )
            body = entry_body(kind, actor, now_text, record)  # entry.body(), time spelled once
            leaf = hash_leaf(body)
            entry_rows.append((entry.index, kind, now_text, actor, body, leaf))
            node_rows.extend(
                ((level << _LEVEL_SHIFT) | index, digest)
                for level, index, digest in tree.append(leaf)
            )
        if not entry_rows:
            return []
        _insert_many(self._conn, ledger_entries, entry_rows)
        _insert_many(self._conn, ledger_nodes, node_rows)
        self._conn.execute(_SET_SIZE, {"new_size": tree.size})
        return list(range(size, tree.size))

    def _lock_state(self) -> int:
        """Lock the ledger state row for this transaction and return the log's size."""
        if self._conn.dialect.name == "sqlite" and not self._conn.get_execution_options().get(
            WRITE, False
        ):
            # SQLite ignores FOR UPDATE: only BEGIN IMMEDIATE makes concurrent appenders queue
            # instead of failing at their first write.
            raise StorageError(
                "ledger append on SQLite needs a write unit of work (SqlUnitOfWork(write=True), "
                "which begins with BEGIN IMMEDIATE); this one is read-only"
            )
        size = self._conn.execute(_LOCK_SIZE).scalar_one_or_none()
        if size is None:
            # A schema made by metadata.create_all has no state row yet; make it once.
            dialect = self._conn.dialect.name
            maker = pg_insert if dialect == "postgresql" else sqlite_insert
            self._conn.execute(
                maker(ledger_state).values(id=_STATE_ID, size=0).on_conflict_do_nothing()
            )
            size = self._conn.execute(_LOCK_SIZE).scalar_one()
        return int(size)

    # ---- reading ------------------------------------------------------------------------

    def size(self) -> int:
        """How many entries the log holds (as the ledger state records it)."""
        rows = self._driver_rows(f"SELECT size FROM ledger_state WHERE id = {_STATE_ID}", ())
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def _driver_rows(self, sql: str, parameters: tuple[Any, ...]) -> list[Any]:
        """Run a read on the unit of work's own DBAPI connection (its transaction).

        Proofs are the hot read path (bench/bench_ledger.py: p50 at 1,000,000 entries): one
        size and one small ``IN`` query each, for which SQLAlchemy's statement and result
        machinery costs more than SQLite takes to answer. Plain parameterized SQL only.
        """
        cursor = self._conn.connection.cursor()
        try:
            cursor.execute(sql, parameters)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def get_nodes(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """Return the stored hashes of the given nodes in order (the tree's ``NodeStore``).

        :raises LedgerIntegrityError: naming the first node that is missing.
        """
        ids = [(level << _LEVEL_SHIFT) | index for level, index in keys]
        found: dict[int, bytes] = {}
        marker = "?" if self._conn.dialect.paramstyle == "qmark" else "%s"
        for start in range(0, len(ids), _KEYS_PER_QUERY):
            chunk = tuple(ids[start : start + _KEYS_PER_QUERY])
            markers = ", ".join([marker] * len(chunk))
            rows = self._driver_rows(
                f"SELECT id, hash FROM ledger_nodes WHERE id IN ({markers})", chunk
            )
            found.update((int(key), bytes(digest)) for key, digest in rows)
        try:
            return [found[key] for key in ids]
        except KeyError as exc:
            key = exc.args[0]
            level, index = key >> _LEVEL_SHIFT, key & ((1 << _LEVEL_SHIFT) - 1)
            first = index << level
            raise LedgerIntegrityError(
                f"ledger node (level {level}, index {index}) covering entries {first}.."
                f"{first + (1 << level) - 1} is missing from ledger_nodes",
                first,
            ) from None

    def read(self, start: int = 0, stop: int | None = None) -> Iterator[tuple[int, bytes, bytes]]:
        """Yield ``(index, body, stored leaf hash)`` in index order, streamed in batches."""
        position = start
        while stop is None or position < stop:
            query = (
                select(ledger_entries.c.index, ledger_entries.c.body, ledger_entries.c.leaf_hash)
                .where(ledger_entries.c.index >= position)
                .order_by(ledger_entries.c.index)
                .limit(10_000 if stop is None else min(10_000, stop - position))
            )
            rows = self._conn.execute(query).all()
            if not rows:
                return
            for index, body, leaf in rows:
                yield (
                    int(index),
                    _stored_bytes(body, index, "body"),
                    _stored_bytes(leaf, index, "leaf hash"),
                )
            position = int(rows[-1][0]) + 1

    def entry(self, index: int) -> LedgerEntry:
        """Return one entry, rebuilt from its stored body.

        :raises NotFoundError: if there is no entry ``index``.
        """
        body = self._conn.execute(
            select(ledger_entries.c.body).where(ledger_entries.c.index == index)
        ).scalar_one_or_none()
        if body is None:
            raise NotFoundError(f"ledger entry {index} does not exist (the log has {self.size()})")
        return LedgerEntry.from_body(index, _stored_bytes(body, index, "body"))

    def root(self, size: int | None = None) -> bytes:
        """The root of the tree of the first ``size`` entries (default: all), from stored nodes."""
        return root_hash(self, self._checked_size(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 inclusion proof of entry ``index`` in the tree of ``size`` (default: all).

        :raises InvalidInputError: if the index or size is out of range.
        """
        size = self._checked_size(size)
        if not 0 <= index < size:
            raise InvalidInputError(
                f"entry {index} is not in the tree of size {size} (expected 0..{size - 1})"
            )
        return inclusion_proof(self, index, size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """RFC 9162 consistency proof from ``old_size`` to ``new_size`` (default: all).

        :raises InvalidInputError: if the sizes are out of range or out of order.
        """
        new_size = self._checked_size(new_size)
        if not 0 <= old_size <= new_size:
            raise InvalidInputError(
                f"tree size {old_size} cannot be proved a prefix of size {new_size} "
                "(expected 0 <= old size <= new size)"
            )
        return consistency_proof(self, old_size, new_size)

    def _checked_size(self, size: int | None) -> int:
        current = self.size()
        if size is None:
            return current
        if not 0 <= size <= current:
            raise InvalidInputError(
                f"tree size {size} is out of range (the log has {current} entries)"
            )
        return size

    # ---- checkpoints ----------------------------------------------------------------------

    @property
    def checkpoints(self) -> SqlCheckpoints:
        """The stored checkpoints and cosignatures."""
        return SqlCheckpoints(self._conn)

    def heads(self) -> list[SignedTreeHead]:
        """Every stored checkpoint with its cosignatures, smallest size first."""
        return self.checkpoints.heads()

    def sign_head(self, signer: CheckpointSigner) -> SignedTreeHead:
        """Sign and store a checkpoint of the log as it is now (or return the one already
        signed at this size); see :func:`likeness.storage.ledger_checkpoints.sign_checkpoint`."""
        size = self._lock_state()
        return sign_checkpoint(self, self.checkpoints, signer, size, self._clock())

    def verify(
        self,
        keys: LogKeys,
        *,
        signer_head: SignedTreeHead | None = None,
        allow_unsigned_tail: bool = False,
    ) -> VerifyResult:
        """Check every stored entry, node and checkpoint; see
        :func:`likeness.storage.ledger_checkpoints.verify_database`."""
        return verify_database(
            self,
            self.checkpoints,
            keys,
            signer_head=signer_head,
            allow_unsigned_tail=allow_unsigned_tail,
        )

    def read_level(self, level: int) -> Iterable[tuple[int, bytes]]:
        """Yield the stored ``(index, hash)`` of one tree level in index order."""
        position = node_id(level, 0)
        end = node_id(level + 1, 0)
        while True:
            rows = self._conn.execute(
                select(ledger_nodes.c.id, ledger_nodes.c.hash)
                .where(ledger_nodes.c.id >= position, ledger_nodes.c.id < end)
                .order_by(ledger_nodes.c.id)
                .limit(50_000)
            ).all()
            if not rows:
                return
            for key, digest in rows:
                yield int(key) - node_id(level, 0), bytes(digest)
            position = int(rows[-1][0]) + 1
