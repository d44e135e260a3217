"""The ledger in SQLite and PostgreSQL: appends, proofs, checkpoints, tampering, crashes,
concurrency."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, func, insert, select, update

from likeness.errors import InvalidInputError, LedgerIntegrityError, StorageError
from likeness.ledger.export import write_export
from likeness.ledger.heads import ensure_signing_key
from likeness.ledger.proofs import verify_consistency, verify_inclusion
from likeness.ledger.signer import load_signer
from likeness.ledger.tree import (
    CompactRange,
    MemoryNodeStore,
    hash_leaf,
)
from likeness.ledger.verify import LogKeys, verify_export
from likeness.storage.database import make_engine, upgrade
from likeness.storage.ledger import SqlLedger, node_id
from likeness.storage.tables import (
    ledger_checkpoints,
    ledger_entries,
    ledger_nodes,
    ledger_state,
)
from likeness.storage.unit_of_work import SqlUnitOfWork

ORIGIN = "test.example/ledger"


@pytest.fixture
def key(tmp_path):
    """The installation's checkpoint signer (its key and its record of what it signed)."""
    ensure_signing_key(tmp_path / "home")
    return load_signer(tmp_path / "home", ORIGIN)


def keys(signer):
    return LogKeys(signer.verifier)


def append(engine, count, start=0):
    with SqlUnitOfWork(engine) as uow:
        indices = [
            uow.ledger.append("use-recorded", "tester", {"use": f"u-{i}", "fee": f"{i}.00"})
            for i in range(start, start + count)
        ]
        uow.commit()
    return indices


def ledger_call(engine, method, *args):
    with SqlUnitOfWork(engine) as uow:
        result = getattr(uow.ledger, method)(*args)
        uow.commit()
    return result


def test_appends_get_consecutive_indices_and_the_log_verifies(engine, key):
    assert append(engine, 5) == [0, 1, 2, 3, 4]
    assert append(engine, 3, start=5) == [5, 6, 7]
    head = ledger_call(engine, "sign_head", key)
    result = ledger_call(engine, "verify", keys(key))
    assert (result.size, result.root, result.heads_checked) == (8, head.root, 1)


def test_an_entry_rolls_back_with_the_change_it_records(engine, key):
    append(engine, 2)
    with SqlUnitOfWork(engine) as uow:
        uow.ledger.append("use-recorded", "tester", {"use": "never"})
        # leaving without commit: the entry goes with the transaction
    assert append(engine, 1, start=2) == [2]
    ledger_call(engine, "sign_head", key)
    assert ledger_call(engine, "verify", keys(key)).size == 3


def test_a_record_with_a_float_is_refused_and_nothing_is_written(engine):
    with (
        SqlUnitOfWork(engine) as uow,
        pytest.raises(InvalidInputError, match=r"fee: float 1\.5 is not allowed"),
    ):
        uow.ledger.append("use-recorded", "tester", {"fee": 1.5})
    assert ledger_call(engine, "size") == 0


def test_proofs_from_the_database_equal_proofs_from_memory_and_verify(engine, key):
    append(engine, 37)
    head = ledger_call(engine, "sign_head", key)
    memory, tree = MemoryNodeStore(), CompactRange()
    with SqlUnitOfWork(engine, write=False) as uow:
        for _, body, leaf in uow.ledger.read():
            assert leaf == hash_leaf(body)
            memory.put_nodes(tree.append(leaf))
        assert uow.ledger.root() == tree.root() == head.root
        for index in (0, 1, 17, 36):
            proof = uow.ledger.inclusion_proof(index, 37)
            verify_inclusion(memory.nodes[(0, index)], index, 37, proof, head.root)
        for old in (1, 8, 20, 37):
            proof = uow.ledger.consistency_proof(old, 37)
            verify_consistency(old, 37, uow.ledger.root(old), head.root, proof)
        with pytest.raises(InvalidInputError, match="entry 37 is not in the tree of size 37"):
            uow.ledger.inclusion_proof(37)


def test_signing_again_without_appends_returns_the_same_head(engine, key):
    append(engine, 3)
    first = ledger_call(engine, "sign_head", key)
    assert ledger_call(engine, "sign_head", key) == first
    append(engine, 2, start=3)
    second = ledger_call(engine, "sign_head", key)
    assert second.size == 5
    assert [h.size for h in ledger_call(engine, "heads")] == [3, 5]


# ---- tampering directly in the database -------------------------------------------------------


def change_body(conn):
    body = conn.execute(select(ledger_entries.c.body).where(ledger_entries.c.index == 41)).scalar()
    conn.execute(
        update(ledger_entries)
        .where(ledger_entries.c.index == 41)
        .values(body=body.replace(b"u-41", b"u-99"))
    )


def change_body_and_hashes(conn):
    """A careful editor: body, leaf hash and level-0 node all rewritten consistently."""
    body = conn.execute(select(ledger_entries.c.body).where(ledger_entries.c.index == 41)).scalar()
    forged = body.replace(b"u-41", b"u-99")
    conn.execute(
        update(ledger_entries)
        .where(ledger_entries.c.index == 41)
        .values(body=forged, leaf_hash=hash_leaf(forged))
    )
    conn.execute(
        update(ledger_nodes)
        .where(ledger_nodes.c.id == node_id(0, 41))
        .values(hash=hash_leaf(forged))
    )


def delete_row(conn):
    conn.execute(delete(ledger_entries).where(ledger_entries.c.index == 41))


def insert_row(conn):
    """Shift entries 41.. up by one and slip a new entry in at 41."""
    for index in range(59, 40, -1):
        conn.execute(
            update(ledger_entries).where(ledger_entries.c.index == index).values(index=index + 1)
        )
    body = b'{"actor":"x","kind":"use-recorded","record":{},"time":"2025-01-01T00:00:00.000000Z"}'
    conn.execute(
        insert(ledger_entries).values(
            index=41,
            kind="use-recorded",
            time="2025-01-01T00:00:00.000000Z",
            actor="x",
            body=body,
            leaf_hash=hash_leaf(body),
        )
    )


def reorder_rows(conn):
    rows = {
        row.index: row
        for row in conn.execute(select(ledger_entries).where(ledger_entries.c.index.in_([41, 45])))
    }
    for index, other in ((41, 45), (45, 41)):
        conn.execute(
            update(ledger_entries)
            .where(ledger_entries.c.index == index)
            .values(body=rows[other].body, leaf_hash=rows[other].leaf_hash)
        )


def truncate(conn):
    conn.execute(delete(ledger_entries).where(ledger_entries.c.index >= 41))
    conn.execute(
        delete(ledger_nodes).where(ledger_nodes.c.id.between(node_id(0, 41), node_id(0, 59)))
    )
    conn.execute(update(ledger_state).values(size=41))


def forge_head(conn):
    """Change the root in the newest checkpoint's note (its signature then fails)."""
    latest = ledger_checkpoints.c.size == 60
    note = conn.execute(select(ledger_checkpoints.c.note).where(latest)).scalar()
    origin, size, root, rest = note.split("\n", 3)
    forged_root = ("B" if root[0] == "A" else "A") + root[1:]
    conn.execute(
        update(ledger_checkpoints)
        .where(latest)
        .values(note="\n".join([origin, size, forged_root, rest]))
    )


def change_node(conn):
    conn.execute(
        update(ledger_nodes).where(ledger_nodes.c.id == node_id(2, 10)).values(hash=b"\x00" * 32)
    )


TAMPERING = [
    # (how, what verify must say, index in the database, index in an export)
    (
        change_body,
        r"entry 41: leaf hash differs from stored \(got \w{64}, expected \w{64}\)",
        41,
        41,
    ),
    (
        change_body_and_hashes,
        r"checkpoint at size 60 .*: entries 40\.\.59 do not match its signed root",
        40,
        40,
    ),
    (delete_row, r"entry 41: found index 42 in its place", 41, 41),
    (insert_row, r"entry 41: leaf hash differs|entries 40\.\.59 do not match", 40, 40),
    (reorder_rows, r"entries 40\.\.59 do not match|leaf hash differs", 40, 40),
    (truncate, r"checkpoint at size 60 .*entries 41\.\.59 were removed", 41, 41),
    (
        forge_head,
        r"checkpoint at size 60 .*signature by test\.example/ledger .*does not verify",
        None,
        None,
    ),
    (change_node, r"node \(level 2, index 10\) covering entries 40\.\.43 differs", 40, None),
]


@pytest.mark.parametrize(
    ("tamper", "message", "db_index", "export_index"),
    TAMPERING,
    ids=[t[0].__name__ for t in TAMPERING],
)
def test_tampering_in_the_database_makes_verify_fail_naming_what_and_where(
    engine, key, tmp_path, tamper, message, db_index, export_index
):
    append(engine, 40)
    ledger_call(engine, "sign_head", key)
    append(engine, 20, start=40)
    ledger_call(engine, "sign_head", key)
    with engine.begin() as conn:
        tamper(conn)
    with pytest.raises(LedgerIntegrityError, match=message) as caught:
        ledger_call(engine, "verify", keys(key))
    assert caught.value.index == db_index
    with SqlUnitOfWork(engine, write=False) as uow:
        write_export(
            tmp_path / "export", uow.ledger.read(), uow.ledger.heads(), key.verifier.vkey()
        )
    if export_index is None and tamper is change_node:
        verify_export(tmp_path / "export", keys(key))  # nodes are not part of an export
        return
    with pytest.raises(LedgerIntegrityError) as caught:
        verify_export(tmp_path / "export", keys(key))
    assert caught.value.index == export_index


def test_a_tampered_log_is_never_signed(engine, key):
    append(engine, 10)
    ledger_call(engine, "sign_head", key)
    append(engine, 5, start=10)
    with engine.begin() as conn:
        conn.execute(update(ledger_entries).where(ledger_entries.c.index == 12).values(body=b"{}"))
    with pytest.raises(LedgerIntegrityError, match="entry 12 does not match"):
        ledger_call(engine, "sign_head", key)


# ---- crashes and concurrency -----------------------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys
    from likeness.storage.database import make_engine
    from likeness.storage.unit_of_work import SqlUnitOfWork

    url, actor, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    engine = make_engine(url)
    n = 0
    while count < 0 or n < count:
        with SqlUnitOfWork(engine) as uow:
            index = uow.ledger.append("test-append", actor, {"n": n})
            uow.commit()
        print(index, flush=True)  # acknowledged: printed only after the commit returned
        n += 1
    """
)


def spawn(url, actor, count):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, url, actor, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


@pytest.mark.slow
def test_a_process_killed_while_appending_leaves_every_acknowledged_entry(
    engine, database_url, key
):
    child = spawn(database_url, "crash", -1)
    assert child.stdout is not None
    acknowledged = []
    deadline = time.monotonic() + 60
    while len(acknowledged) < 60 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        acknowledged.append(int(line))
    child.send_signal(signal.SIGKILL)
    remaining, errors = child.communicate()
    acknowledged += [int(line) for line in remaining.split()]
    assert len(acknowledged) >= 60, errors.decode()
    assert acknowledged == list(range(len(acknowledged)))
    # After restart: the log verifies, has no gap, and holds every acknowledged append.
    ledger_call(engine, "sign_head", key)
    result = ledger_call(engine, "verify", keys(key))
    assert result.size >= len(acknowledged)
    with SqlUnitOfWork(engine, write=False) as uow:
        stored = [index for index, _, _ in uow.ledger.read()]
    assert stored == list(range(result.size))
    assert append(engine, 1, start=1000) == [result.size]


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_appends_on_postgresql_form_one_total_order(postgres_schema_url, key):
    engine = make_engine(postgres_schema_url)
    upgrade(engine)
    workers, each = 4, 100
    children = [spawn(postgres_schema_url, f"worker-{w}", each) for w in range(workers)]
    claimed: dict[int, str] = {}
    for w, child in enumerate(children):
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err.decode()
        for line in out.split():
            assert int(line) not in claimed, f"index {int(line)} given twice"
            claimed[int(line)] = f"worker-{w}"
    assert sorted(claimed) == list(range(workers * each))
    ledger_call(engine, "sign_head", key)
    assert ledger_call(engine, "verify", keys(key)).size == workers * each
    with engine.connect() as conn:
        actors = dict(conn.execute(select(ledger_entries.c.index, ledger_entries.c.actor)).all())
        assert conn.execute(select(func.count()).select_from(ledger_nodes)).scalar() > 0
    assert actors == claimed
    engine.dispose()


def test_the_ledger_state_row_is_made_when_missing(engine):
    with engine.begin() as conn:
        conn.execute(delete(ledger_state))
    assert append(engine, 2) == [0, 1]
    with SqlUnitOfWork(engine, write=False) as uow:
        assert isinstance(uow.ledger, SqlLedger)
        assert uow.ledger.size() == 2


def test_appending_in_a_read_only_unit_of_work_on_sqlite_is_refused(tmp_path):
    # (PostgreSQL serializes appends with SELECT ... FOR UPDATE in any transaction.)
    engine = make_engine(f"sqlite:///{tmp_path / 'ledger.db'}")
    upgrade(engine)
    with (
        SqlUnitOfWork(engine, write=False) as uow,
        pytest.raises(StorageError, match="needs a write unit of work"),
    ):
        uow.ledger.append("use-recorded", "tester", {})
    engine.dispose()
