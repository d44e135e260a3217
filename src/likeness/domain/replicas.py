"""Digital replicas and the asset files they are made of (SPEC §2)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from likeness.domain.ids import PerformerId, ProductionId, ReplicaId

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class ReplicaKind(StrEnum):
    """How a replica was made: with the performer taking part, or from existing material."""

    EMPLOYMENT_BASED = "employment-based"
    INDEPENDENTLY_CREATED = "independently-created"


class Medium(StrEnum):
    """What of the performer a replica reproduces."""

    FACE = "face"
    BODY = "body"
    VOICE = "voice"
    MOVEMENT = "movement"


@dataclass(frozen=True, slots=True)
class AssetFile:
    """One file of a replica: where it is stored, its size and its SHA-256 content digest."""

    location: str
    size: int
    sha256: str

    def __post_init__(self) -> None:
        if self.size < 0:
            raise ValueError(f"asset {self.location}: size {self.size} is negative")
        if not _SHA256_HEX.match(self.sha256):
            raise ValueError(
                f"asset {self.location}: sha256 {self.sha256!r} is not 64 lowercase hex digits"
            )


@dataclass(frozen=True, slots=True)
class Replica:
    """A digital replica of one performer.

    ``made_in`` is the production an employment-based replica was made in; a replica of a
    background performer is a background replica.
    """

    id: ReplicaId
    performer: PerformerId
    kind: ReplicaKind
    media: tuple[Medium, ...]
    made_on: dt.date | None = None
    made_in: ProductionId | None = None
    assets: tuple[AssetFile, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.media:
            raise ValueError(f"replica {self.id}: media is empty")
        if len(set(self.media)) != len(self.media):
            raise ValueError(f"replica {self.id}: media repeat: {list(self.media)}")

    def with_asset(self, asset: AssetFile) -> Replica:
        """A copy of this replica with ``asset`` added (replacing one at the same location)."""
        kept = tuple(a for a in self.assets if a.location != asset.location)
        return Replica(
            self.id,
            self.performer,
            self.kind,
            self.media,
            self.made_on,
            self.made_in,
            (*kept, asset),
        )
