"""The media scanner the detection services use (their ``MediaScanner`` and ``OutputSigner``
ports): decoding, the face and voice models, the vector indexes and C2PA, in one object.

Models load on first use (a scan of pictures never loads the voice model). Indexes live in
``index/`` of the data directory, beside the database.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import likeness.media.decode as decode
from likeness.domain.findings import MatchMedium
from likeness.domain.replicas import Medium
from likeness.errors import InvalidInputError
from likeness.media.credential_keys import load_signing_identity
from likeness.media.credentials import UseCredential, read_credential, sign_output
from likeness.media.faces import FACE_DIMENSIONS, FACE_MODEL, FaceEmbedder
from likeness.media.index import Fingerprint, VectorIndex
from likeness.media.voice import VOICE_MODEL, VoiceEmbedder, voice_print
from likeness.services.detection_ports import Credential, IndexHit, Observation, Vector

VOICE_DIMENSIONS = 256
#: the models, loaded once per process and shared (each serialises its own calls)
_FACE_MODELS: dict[int, FaceEmbedder] = {}
_VOICE_MODELS: list[VoiceEmbedder] = []
_LOADING = threading.Lock()
#: reference faces taken from a video asset at most (one per sampled frame)
MAX_REFERENCE_FRAMES = 10


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """How media is sampled: a video frame every ``every_s`` seconds; audio in windows of
    ``window_s`` seconds, one every ``hop_s``; the face detector's ``upsample``."""

    every_s: float = 1.0
    window_s: float = 3.0
    hop_s: float = 1.5
    upsample: int = 1


class Scanner:
    """Implements ``MediaScanner`` and ``OutputSigner`` (see ``services.detection_ports``)."""

    models = f"{FACE_MODEL}+{VOICE_MODEL}"

    def __init__(self, home: Path, options: ScanOptions | None = None) -> None:
        self.home = home
        self.options = options or ScanOptions()
        self._faces: FaceEmbedder | None = None
        self._voices: VoiceEmbedder | None = None
        self._indexes = {
            MatchMedium.FACE: VectorIndex(home / "index" / "face.usearch", "face", FACE_DIMENSIONS),
            MatchMedium.VOICE: VectorIndex(
                home / "index" / "voice.usearch", "voice", VOICE_DIMENSIONS
            ),
        }

    # ---- models ------------------------------------------------------------------------------

    @property
    def faces(self) -> FaceEmbedder:
        """The face model, loaded on first use (once per process)."""
        if self._faces is None:
            with _LOADING:
                upsample = self.options.upsample
                if upsample not in _FACE_MODELS:
                    _FACE_MODELS[upsample] = FaceEmbedder(upsample)
                self._faces = _FACE_MODELS[upsample]
        return self._faces

    @property
    def voices(self) -> VoiceEmbedder:
        """The voice model, loaded on first use (once per process: it takes a second or two)."""
        if self._voices is None:
            with _LOADING:
                if not _VOICE_MODELS:
                    _VOICE_MODELS.append(VoiceEmbedder())
                self._voices = _VOICE_MODELS[0]
        return self._voices

    # ---- reading media -----------------------------------------------------------------------

    def _kind(self, path: Path) -> decode.MediaKind:
        return decode.kind_of(path)

    def _frames(self, path: Path, every_s: float) -> Iterator[decode.Frame]:
        return decode.frames(path, every_s)

    def _windows(self, path: Path) -> Iterator[decode.AudioWindow]:
        return decode.audio_windows(path, self.options.window_s, self.options.hop_s)

    def reference(self, path: Path, media: Collection[Medium]) -> list[tuple[MatchMedium, Vector]]:
        """A reference picture gives its largest face; a video one face per sampled frame
        (at most :data:`MAX_REFERENCE_FRAMES`) and its voice; a recording its voice (the mean
        of its windows' embeddings)."""
        kind = self._kind(path)
        found: list[tuple[MatchMedium, Vector]] = []
        if Medium.FACE in media and kind in (decode.MediaKind.IMAGE, decode.MediaKind.VIDEO):
            for number, frame in enumerate(self._frames(path, self.options.every_s)):
                if number >= MAX_REFERENCE_FRAMES:
                    break
                face = self.faces.reference_face(frame.rgb)
                if face is not None:
                    found.append((MatchMedium.FACE, face.embedding))
        if Medium.VOICE in media and kind in (decode.MediaKind.AUDIO, decode.MediaKind.VIDEO):
            voices = [
                v for w in self._windows(path) if (v := self.voices.embed(w.samples)) is not None
            ]
            if voices:
                found.append((MatchMedium.VOICE, voice_print(voices)))
        return found

    def observe(self, path: Path) -> Iterator[Observation]:
        """Faces in a picture or in a video's sampled frames, then voices in its audio."""
        kind = self._kind(path)
        if kind in (decode.MediaKind.IMAGE, decode.MediaKind.VIDEO):
            for frame in self._frames(path, self.options.every_s):
                for face in self.faces.faces(frame.rgb):
                    yield Observation(MatchMedium.FACE, frame.time_s, face.embedding)
        if kind in (decode.MediaKind.AUDIO, decode.MediaKind.VIDEO):
            for window in self._windows(path):
                vector = self.voices.embed(window.samples)
                if vector is not None:
                    yield Observation(MatchMedium.VOICE, window.start_s, vector)

    # ---- credentials -------------------------------------------------------------------------

    def credential(self, path: Path) -> Credential:
        """The file's C2PA manifest checked against this installation's certificate root; a
        file of a kind C2PA does not carry counts as carrying none."""
        anchor = load_signing_identity(self.home / "c2pa").trust_anchor_pem
        try:
            check = read_credential(path, anchor)
        except InvalidInputError as exc:
            return Credential("absent", problems=(str(exc),))
        use: dict[str, Any] = {}
        if check.credential is not None:
            use = check.credential.to_dict()
            if isinstance(use.get("use"), str) and use["use"].isdigit():
                use["use"] = int(use["use"])
        return Credential(check.state, use, tuple(check.problems))

    def sign(self, source: Path, dest: Path, use: dict[str, Any]) -> str:
        """Sign ``source`` into ``dest`` with a manifest naming ``use`` (``OutputSigner``)."""
        if not use.get("replica"):
            raise InvalidInputError(
                f"use {use.get('use')} is of no replica: its output names no performer's replica"
                " (register its output with `likeness use output` instead)"
            )
        if use.get("ledger_index") is None:
            raise InvalidInputError(f"use {use.get('use')} has no ledger entry to name")
        credential = UseCredential(
            use=str(use["use"]),
            decision=use.get("decision"),
            replica=str(use["replica"]),
            performer=str(use.get("performer") or ""),
            production=str(use["production"]),
            ledger_index=int(use["ledger_index"]),
            installation=str(use["installation"]),
        )
        identity = load_signing_identity(self.home / "c2pa")
        return sign_output(identity, source, dest, credential)

    # ---- the indexes -------------------------------------------------------------------------

    def open_index(
        self,
        medium: MatchMedium,
        fingerprint: tuple[int, int],
        rows: Callable[[], Iterable[tuple[int, Vector]]],
    ) -> None:
        """Load the medium's index, rebuilt from ``rows()`` unless it holds exactly them."""
        self._indexes[medium].open(Fingerprint(*fingerprint), rows)

    def update_index(
        self, removed: Sequence[int], added: Sequence[tuple[int, MatchMedium, Vector]]
    ) -> None:
        """Apply a committed re-enrolment and save the indexes."""
        for medium, index in self._indexes.items():
            new = [(key, vector) for key, m, vector in added if m is medium]
            index.update(removed, new)
            index.save()

    def search(self, medium: MatchMedium, vector: Vector, count: int) -> list[IndexHit]:
        """Nearest enrolled embeddings: faces scored by Euclidean distance, voices by cosine
        similarity."""
        hits = self._indexes[medium].search(vector, count)
        if medium is MatchMedium.FACE:
            return [IndexHit(h.key, math.sqrt(max(h.distance, 0.0))) for h in hits]
        return [IndexHit(h.key, 1.0 - h.distance) for h in hits]
