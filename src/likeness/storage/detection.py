"""Enrolments, embeddings, registered outputs and findings (SPEC §13) in their tables.

Vectors are stored as float32 little-endian bytes. Times are naive UTC in the database and
timezone-aware here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, Row, delete, func, insert, select, update

from likeness.domain.findings import Enrolment, Finding, MatchMedium
from likeness.storage import tables as t

_E = t.replica_embeddings.c
_F = t.findings.c
_O = t.use_outputs.c

Vector = npt.NDArray[np.float32]


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC)


def vector_bytes(vector: Vector) -> bytes:
    """The stored form of a vector."""
    return np.asarray(vector, dtype="<f4").tobytes()


def vector_of(data: bytes) -> Vector:
    """A stored vector, read back."""
    return np.frombuffer(data, dtype="<f4").astype(np.float32)


def _finding(row: Row[Any]) -> Finding:
    return Finding(
        file=row.file,
        sha256=row.sha256,
        medium=MatchMedium(row.medium),
        performer=row.performer_id,
        replica=row.replica_id,
        time_s=row.time_ms / 1000,
        score=row.score,
        reason=row.reason,
        found_at=_aware(row.found_at),
        found_by=row.found_by,
        id=row.id,
        ledger_index=row.ledger_index,
        source=row.source,
    )


class SqlDetectionRepository:
    """What detection stores, on the unit of work's connection."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # ---- enrolment ---------------------------------------------------------------------------

    def enrolments(self) -> dict[str, Enrolment]:
        """Every replica's enrolment, by replica id."""
        rows = self._conn.execute(select(t.replica_enrolments))
        return {
            row.replica_id: Enrolment(
                row.replica_id,
                row.assets_digest,
                row.models,
                _aware(row.enrolled_at),
                row.faces,
                row.voices,
                tuple(json.loads(row.skipped)),
            )
            for row in rows
        }

    def enrol(
        self, enrolment: Enrolment, vectors: Sequence[tuple[MatchMedium, str, str, Vector]]
    ) -> tuple[list[int], list[tuple[int, MatchMedium, Vector]]]:
        """Replace the replica's enrolment and embeddings with ``vectors`` (medium, model,
        asset digest, vector). Returns the ids removed and the (id, medium, vector) added."""
        replica = enrolment.replica
        removed = list(self._conn.execute(select(_E.id).where(_E.replica_id == replica)).scalars())
        self._conn.execute(delete(t.replica_embeddings).where(_E.replica_id == replica))
        self._conn.execute(
            delete(t.replica_enrolments).where(t.replica_enrolments.c.replica_id == replica)
        )
        self._conn.execute(
            insert(t.replica_enrolments).values(
                replica_id=replica,
                assets_digest=enrolment.assets_digest,
                models=enrolment.models,
                enrolled_at=_naive(enrolment.enrolled_at),
                faces=enrolment.faces,
                voices=enrolment.voices,
                skipped=json.dumps(list(enrolment.skipped)),
            )
        )
        added: list[tuple[int, MatchMedium, Vector]] = []
        for medium, model, asset, vector in vectors:
            new_id = self._conn.execute(
                insert(t.replica_embeddings)
                .values(
                    replica_id=replica,
                    medium=str(medium),
                    model=model,
                    asset_sha256=asset,
                    vector=vector_bytes(vector),
                )
                .returning(_E.id)
            ).scalar_one()
            added.append((int(new_id), medium, vector))
        return removed, added

    def fingerprint(self, medium: MatchMedium) -> tuple[int, int]:
        """The count and the sum of the ids of the medium's embeddings."""
        count, total = self._conn.execute(
            select(func.count(), func.coalesce(func.sum(_E.id), 0)).where(_E.medium == str(medium))
        ).one()
        return int(count), int(total)

    def vectors(self, medium: MatchMedium) -> Iterator[tuple[int, Vector]]:
        """Every embedding of the medium, by id (streamed)."""
        rows = self._conn.execute(
            select(_E.id, _E.vector)
            .where(_E.medium == str(medium))
            .order_by(_E.id)
            .execution_options(yield_per=10_000)  # on the statement: never the connection's
        )
        for row in rows:
            yield int(row.id), vector_of(row.vector)

    def owners(self, ids: Collection[int]) -> dict[int, tuple[str, str]]:
        """The replica and performer of each embedding id."""
        if not ids:
            return {}
        rows = self._conn.execute(
            select(_E.id, _E.replica_id, t.replicas.c.performer_id)
            .join(t.replicas, t.replicas.c.id == _E.replica_id)
            .where(_E.id.in_(list(ids)))
        )
        return {int(row.id): (row.replica_id, row.performer_id) for row in rows}

    # ---- outputs of uses ---------------------------------------------------------------------

    def add_output(self, use_id: int, sha256: str, how: str, at: dt.datetime, by: str) -> bool:
        """Register ``sha256`` as an output of the use; False when it already is."""
        exists = self._conn.execute(
            select(_O.use_id).where(_O.use_id == use_id, _O.sha256 == sha256)
        ).first()
        if exists is not None:
            return False
        self._conn.execute(
            insert(t.use_outputs).values(
                sha256=sha256, use_id=use_id, how=how, registered_at=_naive(at), registered_by=by
            )
        )
        return True

    def set_output_ledger_index(self, use_id: int, sha256: str, index: int) -> None:
        """Note the index of the output's ledger entry."""
        self._conn.execute(
            update(t.use_outputs)
            .where(_O.use_id == use_id, _O.sha256 == sha256)
            .values(ledger_index=index)
        )

    def uses_with_output(self, sha256: str) -> list[int]:
        """The uses ``sha256`` is registered as an output of."""
        rows = self._conn.execute(select(_O.use_id).where(_O.sha256 == sha256).order_by(_O.use_id))
        return [int(use_id) for use_id in rows.scalars()]

    # ---- findings ----------------------------------------------------------------------------

    def seen(self, sha256: str, replica: str, medium: MatchMedium) -> Finding | None:
        """The finding already stored for this file content, replica and medium."""
        row = self._conn.execute(
            select(t.findings).where(
                _F.sha256 == sha256, _F.replica_id == replica, _F.medium == str(medium)
            )
        ).first()
        return _finding(row) if row else None

    def add_finding(self, finding: Finding) -> int:
        """Store ``finding``; its new id."""
        new_id = self._conn.execute(
            insert(t.findings)
            .values(
                file=finding.file,
                sha256=finding.sha256,
                medium=str(finding.medium),
                performer_id=finding.performer,
                replica_id=finding.replica,
                time_ms=round(finding.time_s * 1000),
                score=finding.score,
                reason=finding.reason,
                source=finding.source,
                found_at=_naive(finding.found_at),
                found_by=finding.found_by,
            )
            .returning(_F.id)
        ).scalar_one()
        return int(new_id)

    def set_finding_ledger_index(self, finding_id: int, index: int) -> None:
        """Note the index of the finding's ledger entry."""
        self._conn.execute(update(t.findings).where(_F.id == finding_id).values(ledger_index=index))

    def finding(self, finding_id: int) -> Finding | None:
        """One finding, or None."""
        row = self._conn.execute(select(t.findings).where(_F.id == finding_id)).first()
        return _finding(row) if row else None

    def findings(
        self, performers: Collection[str] | None, *, limit: int, offset: int
    ) -> tuple[list[Finding], int]:
        """Findings (about ``performers``; None: all), newest first, and how many in all."""
        query = select(t.findings)
        counted = select(func.count()).select_from(t.findings)
        if performers is not None:
            query = query.where(_F.performer_id.in_(list(performers)))
            counted = counted.where(_F.performer_id.in_(list(performers)))
        rows = self._conn.execute(query.order_by(_F.id.desc()).limit(limit).offset(offset))
        total = self._conn.execute(counted).scalar_one()
        return [_finding(row) for row in rows], int(total)
