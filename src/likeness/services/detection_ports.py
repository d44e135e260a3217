"""What finding likeness in media (SPEC §13) needs from outside the service layer: the store of
enrolments, outputs and findings, and the media scanner (decoding, face and voice models, the
vector index, C2PA). The composition root wires the real ones (``likeness.media``)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from likeness.domain.findings import MatchMedium
from likeness.domain.replicas import Medium
from likeness.services.unit_of_work import Vector as Vector


@dataclass(frozen=True, slots=True)
class Observation:
    """A face or voice seen in a file at ``time_s`` seconds of media."""

    medium: MatchMedium
    time_s: float
    vector: Vector


@dataclass(frozen=True, slots=True)
class Credential:
    """What a file's C2PA manifest says, as checked against this installation's trust anchor:
    ``state`` is ``absent``, ``valid`` or ``invalid``; ``use`` the fields of its Likeness use
    assertion when valid."""

    state: str
    use: dict[str, Any] = field(default_factory=dict)
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IndexHit:
    """An enrolled embedding near an observation: its row id and score (see MEASURES)."""

    key: int
    score: float


class MediaScanner(Protocol):
    """Decoding, embeddings, the vector index and credentials, behind one port.

    Every method reading a file raises :class:`~likeness.errors.MediaError` (one line naming
    the file) when it cannot be read.
    """

    #: the models in force, as stored with an enrolment (a change re-enrols every replica)
    models: str

    def reference(self, path: Path, media: Collection[Medium]) -> list[tuple[MatchMedium, Vector]]:
        """The faces and voices a reference asset gives, for a replica of ``media``."""
        ...

    def observe(self, path: Path) -> Iterator[Observation]:
        """Every face and voice in a picture, video or audio file, in media order."""
        ...

    def credential(self, path: Path) -> Credential:
        """The file's C2PA manifest, checked."""
        ...

    def open_index(self, medium: MatchMedium, fingerprint: tuple[int, int], rows: Any) -> None:
        """Load the medium's index, rebuilding it from ``rows()`` unless it holds exactly the
        rows of ``fingerprint``."""
        ...

    def update_index(
        self, removed: Sequence[int], added: Sequence[tuple[int, MatchMedium, Vector]]
    ) -> None:
        """Apply a committed re-enrolment to the indexes and save them."""
        ...

    def search(self, medium: MatchMedium, vector: Vector, count: int) -> list[IndexHit]:
        """The ``count`` enrolled embeddings nearest ``vector``, nearest first."""
        ...


class MediaScannerFactory(Protocol):
    """Makes the scanner (loading models takes a moment; only commands that scan pay it)."""

    def __call__(self) -> MediaScanner: ...


class OutputSigner(Protocol):
    """Signs a use's output with the installation's C2PA credential (``likeness.media``)."""

    def sign(self, source: Path, dest: Path, use: dict[str, Any]) -> str:
        """Write ``source`` with a manifest naming ``use`` to ``dest`` (atomically: nothing is
        left there on failure) and return the SHA-256 of what was written."""
        ...
