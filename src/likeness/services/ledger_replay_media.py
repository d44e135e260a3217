"""The rows the entries of finding likeness in media (SPEC §13) describe, for
``likeness ledger audit``:

- ``replica-enrolled``: the ``replica_enrolments`` row (a later enrolment of the same replica
  replaces it); the embeddings themselves are derived data and not audited;
- ``use-output-registered``: the ``use_outputs`` row;
- ``finding-recorded``: the ``findings`` row.
"""

from __future__ import annotations

from likeness.services.ledger_rows import Apply, Expected, Record, json_digest


def _enrolled(state: Expected, index: int, actor: str, r: Record) -> None:
    values = {
        "assets_digest": r["assets_digest"],
        "models": r["models"],
        "faces": int(r["faces"]),
        "voices": int(r["voices"]),
        "skipped": json_digest(list(r["skipped"])),
    }
    replica = str(r["replica"])
    if replica in state.tables.get("replica_enrolments", {}):
        state.update("replica_enrolments", replica, index, values)
    else:
        state.create("replica_enrolments", replica, index, values)


def _output(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create(
        "use_outputs",
        f"{r['sha256']}:{int(r['use'])}",
        index,
        {"how": r["how"], "registered_by": actor, "ledger_index": index},
    )


def _finding(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create(
        "findings",
        str(int(r["id"])),
        index,
        {
            "file": r["file"],
            "sha256": r["sha256"],
            "medium": r["medium"],
            "performer_id": r["performer"],
            "replica_id": r["replica"],
            "time_ms": int(r["time_ms"]),
            "score": float(r["score"]),
            "reason": r["reason"],
            "source": r.get("source"),
            "found_by": actor,
            "ledger_index": index,
        },
    )


MEDIA_KINDS: dict[str, Apply] = {
    "replica-enrolled": _enrolled,
    "use-output-registered": _output,
    "finding-recorded": _finding,
}
