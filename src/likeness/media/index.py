"""The vector index of enrolled embeddings (usearch, HNSW), one per medium, kept beside the
database.

Keys are the ids of the embedding rows, so a hit leads back to its replica and performer. The
database is the source of truth: the index file carries a fingerprint of the rows it holds
(their count and the sum of their ids) in a sidecar, and :meth:`VectorIndex.open`
rebuilds it from the rows when the two disagree (a crash between commit and save, another
machine's enrolment, a copied database). Row ids only grow (they are never reused), so rows
added since the index was saved are all larger than the ones removed since: the same count
then means a larger sum, and any change shows.

Files are written to a temporary name and renamed, so a reader never sees half an index.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from usearch.index import Index

#: how a medium's vectors are compared: faces by squared Euclidean distance (dlib's metric),
#: voices by cosine distance (1 - cosine similarity)
METRICS = {"face": "l2sq", "voice": "cos"}


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the index must hold: the count and the sum of the row ids."""

    count: int
    total: int

    @classmethod
    def of(cls, keys: Iterable[int]) -> Fingerprint:
        """The fingerprint of ``keys``."""
        ids = list(keys)
        return cls(len(ids), sum(ids))


@dataclass(frozen=True, slots=True)
class Hit:
    """One nearest neighbour: the embedding row id and its distance under the index metric."""

    key: int
    distance: float


Rows = Callable[[], Iterable[tuple[int, npt.NDArray[np.float32]]]]


class VectorIndex:
    """The embeddings of one medium, searchable by nearest neighbour."""

    def __init__(self, path: Path, medium: str, dimensions: int) -> None:
        self.path = path
        self.medium = medium
        self.dimensions = dimensions
        self._index = self._empty()
        self.fingerprint = Fingerprint(0, 0)

    def _empty(self) -> Index:
        return Index(
            ndim=self.dimensions,
            metric=METRICS[self.medium],
            dtype="f32",
            connectivity=16,
            expansion_add=128,
            expansion_search=64,
        )

    @property
    def _sidecar(self) -> Path:
        return self.path.with_suffix(".json")

    def __len__(self) -> int:
        return len(self._index)

    def open(self, expected: Fingerprint, rows: Rows) -> bool:
        """Load the saved index if it holds exactly the rows of ``expected``, else rebuild it
        from ``rows`` and save it. True when it was rebuilt."""
        if self._load_matching(expected):
            return False
        self.rebuild(rows())
        if self.fingerprint != expected:
            raise RuntimeError(
                f"the {self.medium} embeddings changed while the index was rebuilt (expected"
                f" {expected}, read {self.fingerprint}): run the command again"
            )
        self.save()
        return True

    def _load_matching(self, expected: Fingerprint) -> bool:
        try:
            saved = json.loads(self._sidecar.read_text(encoding="utf-8"))
            fingerprint = Fingerprint(**saved["fingerprint"])
            if saved["dimensions"] != self.dimensions or fingerprint != expected:
                return False
            if expected.count == 0:
                self._index, self.fingerprint = self._empty(), fingerprint
                return True
            loaded = Index.restore(str(self.path))
        except (OSError, ValueError, KeyError, TypeError, RuntimeError):
            return False
        if loaded is None or len(loaded) != expected.count or loaded.ndim != self.dimensions:
            return False
        self._index, self.fingerprint = loaded, fingerprint
        return True

    def rebuild(self, rows: Iterable[tuple[int, npt.NDArray[np.float32]]]) -> None:
        """Replace the contents with ``rows`` (embedding id, vector)."""
        self._index = self._empty()
        keys: list[int] = []
        batch_keys: list[int] = []
        batch: list[npt.NDArray[np.float32]] = []
        for key, vector in rows:
            batch_keys.append(key)
            batch.append(vector)
            if len(batch) == 10_000:
                self._add(batch_keys, batch)
                keys += batch_keys
                batch_keys, batch = [], []
        if batch:
            self._add(batch_keys, batch)
            keys += batch_keys
        self.fingerprint = Fingerprint.of(keys)

    def _add(self, keys: list[int], vectors: list[npt.NDArray[np.float32]]) -> None:
        matrix = np.vstack(vectors).astype(np.float32, copy=False)
        if matrix.shape[1] != self.dimensions:
            raise ValueError(
                f"{self.medium} vectors have {matrix.shape[1]} numbers (expected {self.dimensions})"
            )
        self._index.add(np.asarray(keys, dtype=np.uint64), matrix)

    def update(
        self, removed: Iterable[int], added: Iterable[tuple[int, npt.NDArray[np.float32]]]
    ) -> None:
        """Remove the rows ``removed`` and add ``added`` (a re-enrolment), keeping the
        fingerprint in step."""
        count, total = self.fingerprint.count, self.fingerprint.total
        for key in removed:
            if key in self._index:
                self._index.remove(key)
                count, total = count - 1, total - key
        new = list(added)
        if new:
            self._add([k for k, _ in new], [v for _, v in new])
            count += len(new)
            total += sum(k for k, _ in new)
        self.fingerprint = Fingerprint(count, total)

    def search(self, vector: npt.NDArray[np.float32], count: int = 5) -> list[Hit]:
        """The ``count`` nearest rows to ``vector``, nearest first."""
        if len(self._index) == 0:
            return []
        found = self._index.search(vector.astype(np.float32, copy=False), count)
        return [Hit(int(k), float(d)) for k, d in zip(found.keys, found.distances, strict=True)]

    def save(self) -> None:
        """Write the index and its sidecar atomically (temporary file, fsync, rename)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if len(self._index):
            handle, temporary = tempfile.mkstemp(prefix=".index-", dir=self.path.parent)
            os.close(handle)
            try:
                self._index.save(temporary)
                _fsync(Path(temporary))
                os.replace(temporary, self.path)
            finally:
                Path(temporary).unlink(missing_ok=True)
        sidecar = {
            "medium": self.medium,
            "dimensions": self.dimensions,
            "fingerprint": {
                "count": self.fingerprint.count,
                "total": self.fingerprint.total,
            },
        }
        handle, temporary = tempfile.mkstemp(prefix=".index-", dir=self.path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(sidecar, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self._sidecar)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
