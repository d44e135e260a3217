"""Ledger benchmark: batched durable appends, inclusion proofs at scale, full verification.

Appends ``--entries`` entries (default 1,000,000) to a SQLite file in batches of ``--batch``,
one durable commit per batch (WAL journal, ``synchronous=FULL``, as ``likeness`` configures
SQLite); then times inclusion proofs at the final size (p50 of ``--proofs`` random indices,
each one read of the stored nodes) and a full verification, both of the database (entries,
every stored node, heads) and of an export directory (the offline verifier). The same entry
bodies go into pymerkle's ``SqliteTree`` (same journal and sync settings, one commit per batch)
as the peer, whose proofs are timed the same way.

Last line (one line)::

    ledger: append_per_s=… proof_p50_us=… verify_per_s=… verify_db_per_s=…
        witness_per_s=… pymerkle_append_per_s=… pymerkle_proof_p50_us=…

``verify_per_s`` is the offline verifier's rate over the export (SPEC §8's verifier);
``verify_db_per_s`` the database check's (every body re-hashed, every stored node and
checkpoint checked). ``witness_per_s`` is how many checkpoints a witness
(``likeness ledger witness``) cosigns per second, each ``add-checkpoint`` request carrying a
consistency proof from the previous one over the last ``--witness-rounds`` sizes of the log:
parse, check the log's signature and the proof, cosign, and persist its state (fsync).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pymerkle import SqliteTree

from likeness.ledger.export import write_export
from likeness.ledger.heads import Checkpoint, ensure_signing_key, log_verifier, sign_head
from likeness.ledger.signer import load_signer
from likeness.ledger.verify import LogKeys, verify_export
from likeness.ledger.witness import AddCheckpoint, Witness, parse_add_checkpoint
from likeness.storage.database import make_engine, upgrade
from likeness.storage.unit_of_work import SqlUnitOfWork

NOW = datetime.now(UTC)


def records(start: int, stop: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Entries shaped like recorded uses and pay lines."""
    for i in range(start, stop):
        yield (
            "use-recorded" if i % 3 else "pay-line",
            "bench",
            {
                "use": f"U{i:08d}",
                "replica": f"D{i % 97}",
                "production": f"F{i % 13}",
                "fee": f"{1000 + i % 500}.00",
                "minutes": i % 120,
            },
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000, help="entries to append")
    parser.add_argument("--batch", type=int, default=10_000, help="entries per commit")
    parser.add_argument("--proofs", type=int, default=2_000, help="inclusion proofs to time")
    parser.add_argument("--peer-proofs", type=int, default=300, help="pymerkle proofs to time")
    parser.add_argument("--witness-rounds", type=int, default=1_000, help="checkpoints to cosign")
    parser.add_argument("--dir", type=Path, default=None, help="work directory (default: temp)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-ledger-", dir=args.dir))
    try:
        run(work, args.entries, args.batch, args.proofs, args.peer_proofs, args.witness_rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(work: Path, entries: int, batch: int, proofs: int, peer_proofs: int, rounds: int) -> None:
    engine = make_engine(f"sqlite:///{work / 'ledger.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}[
            int(conn.exec_driver_sql("PRAGMA synchronous").scalar() or 0)
        ]
    print(f"sqlite: journal_mode={journal} synchronous={sync}, one commit per {batch} entries")
    ensure_signing_key(work / "home")
    signer = load_signer(work / "home", "bench.example/ledger")

    # ---- appends ----
    started = time.perf_counter()
    for start in range(0, entries, batch):
        with SqlUnitOfWork(engine) as uow:
            uow.ledger.append_many(records(start, min(start + batch, entries)))
            uow.commit()
    append_seconds = time.perf_counter() - started
    append_per_s = entries / append_seconds
    print(f"appended {entries:,} entries in {append_seconds:.1f} s: {append_per_s:,.0f}/s")

    with SqlUnitOfWork(engine) as uow:
        head = uow.ledger.sign_head(signer)
        uow.commit()
    print(f"signed a checkpoint at size {head.size:,}: root {head.root.hex()}")

    # ---- inclusion proofs ----
    rng = random.Random(9162)
    indices = [rng.randrange(entries) for _ in range(proofs)]
    timings = []
    with SqlUnitOfWork(engine, write=False) as uow:
        for index in indices:
            t0 = time.perf_counter()
            uow.ledger.inclusion_proof(index, entries)
            timings.append(time.perf_counter() - t0)
    proof_p50_us = statistics.median(timings) * 1e6
    proof_p99_us = sorted(timings)[int(len(timings) * 0.99)] * 1e6
    print(f"inclusion proofs at {entries:,}: p50 {proof_p50_us:.0f} µs, p99 {proof_p99_us:.0f} µs")

    # ---- full verification: the database, then an export ----
    t0 = time.perf_counter()
    with SqlUnitOfWork(engine, write=False) as uow:
        result = uow.ledger.verify(LogKeys(signer.verifier), signer_head=signer.last_signed())
    db_verify_per_s = result.size / (time.perf_counter() - t0)
    print(f"verified the database (entries, nodes, checkpoints): {db_verify_per_s:,.0f} entries/s")
    with SqlUnitOfWork(engine, write=False) as uow:
        write_export(work / "export", uow.ledger.read(), uow.ledger.heads(), signer.verifier.vkey())
    t0 = time.perf_counter()
    result = verify_export(work / "export", LogKeys(signer.verifier))
    verify_per_s = result.size / (time.perf_counter() - t0)
    print(f"verified the export offline: {verify_per_s:,.0f} entries/s (root {result.root.hex()})")

    witness_per_s = bench_witness(work, engine, signer.key, entries, rounds)

    # ---- the peer: pymerkle's SQLite tree, the same bodies, the same durability ----
    # pymerkle is handed the finished body bytes (read back from our log, outside the timing);
    # our append rate above includes building and canonicalizing each body.
    peer = SqliteTree(str(work / "pymerkle.db"))
    peer.con.execute("PRAGMA journal_mode=WAL")
    peer.con.execute("PRAGMA synchronous=FULL")
    peer_seconds = 0.0
    with SqlUnitOfWork(engine, write=False) as uow:
        for start in range(0, entries, batch):
            bodies = [body for _, body, _ in uow.ledger.read(start, min(start + batch, entries))]
            t0 = time.perf_counter()
            peer.append_entries(bodies)  # one transaction (one commit) per call
            peer_seconds += time.perf_counter() - t0
    engine.dispose()
    peer_append_per_s = entries / peer_seconds
    print(f"pymerkle SqliteTree appended {entries:,} entries: {peer_append_per_s:,.0f}/s")
    peer_timings = []
    for index in indices[:peer_proofs]:
        t0 = time.perf_counter()
        peer.prove_inclusion(index + 1, entries)
        peer_timings.append(time.perf_counter() - t0)
    peer_p50_us = statistics.median(peer_timings) * 1e6
    print(
        f"pymerkle inclusion proofs at {entries:,} ({len(peer_timings)} of the same indices, "
        f"its subroot cache warming as it goes): p50 {peer_p50_us:,.0f} µs"
    )
    if peer.get_root(entries) != head.root:
        raise SystemExit("pymerkle's root differs from ours: the comparison is void")
    print("pymerkle's root equals our signed root")
    peer.close()

    print(
        f"ledger: append_per_s={append_per_s:.0f} proof_p50_us={proof_p50_us:.0f} "
        f"verify_per_s={verify_per_s:.0f} verify_db_per_s={db_verify_per_s:.0f} "
        f"witness_per_s={witness_per_s:.0f} pymerkle_append_per_s={peer_append_per_s:.0f} "
        f"pymerkle_proof_p50_us={peer_p50_us:.0f}"
    )


def bench_witness(work: Path, engine: Any, key: Any, entries: int, rounds: int) -> float:
    """Checkpoints a witness cosigns per second, each with a consistency proof from the last.

    The requests (checkpoints of the last ``rounds`` sizes, signed by the log, with their
    proofs) are made first; only the witness's work is timed.
    """
    origin = "bench.example/ledger"
    sizes = list(range(max(1, entries - rounds + 1), entries + 1))
    requests: list[bytes] = []
    with SqlUnitOfWork(engine, write=False) as uow:
        old = 0
        for size in sizes:
            head = sign_head(Checkpoint(origin, size, uow.ledger.root(size)), key, NOW)
            proof = uow.ledger.consistency_proof(old, size) if old else []
            requests.append(AddCheckpoint(old, tuple(proof), head.render()).body())
            old = size
    witness = Witness.create(work / "witness", "bench.example/witness")
    witness.follow(log_verifier(origin, key.public_key()).vkey())
    started = time.perf_counter()
    for body in requests:
        witness.add_checkpoint(parse_add_checkpoint(body), 1_700_000_000)
    seconds = time.perf_counter() - started
    per_s = len(requests) / seconds
    print(
        f"witness cosigned {len(requests):,} checkpoints (sizes {sizes[0]:,}..{sizes[-1]:,}), "
        f"each with a consistency proof: {per_s:,.0f}/s"
    )
    return per_s


if __name__ == "__main__":
    main()
