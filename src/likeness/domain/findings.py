"""Finding likeness in media (SPEC §13): enrolled embeddings, matches, coverage and findings.

A *match* is a face or voice in a file that is close to a performer's enrolled replica. It is
*covered* when the file carries a valid Likeness C2PA manifest of a recorded use of that
performer's replica, or when the file's SHA-256 is registered as the output of such a use. An
uncovered match is a *finding*: stored once per file, replica and medium, and told to the
performer and the union with a takedown notice draft.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from likeness.domain.replicas import AssetFile


class MatchMedium(StrEnum):
    """What was matched: a face in a picture or video frame, or a voice in audio."""

    FACE = "face"
    VOICE = "voice"


#: how each medium's score reads: faces by Euclidean distance between descriptors (lower is
#: closer), voices by cosine similarity of speaker embeddings (higher is closer)
MEASURES = {
    MatchMedium.FACE: "euclidean-distance",
    MatchMedium.VOICE: "cosine-similarity",
}


def is_match(medium: MatchMedium, score: float, threshold: float) -> bool:
    """Whether ``score`` is close enough under ``medium``'s measure.

    >>> is_match(MatchMedium.FACE, 0.41, 0.5), is_match(MatchMedium.VOICE, 0.91, 0.85)
    (True, True)
    """
    if medium is MatchMedium.FACE:
        return score <= threshold
    return score >= threshold


def is_closer(medium: MatchMedium, score: float, than: float) -> bool:
    """Whether ``score`` is a closer match than ``than`` under ``medium``'s measure.

    >>> is_closer(MatchMedium.FACE, 0.2, 0.3), is_closer(MatchMedium.VOICE, 0.9, 0.95)
    (True, False)
    """
    if medium is MatchMedium.FACE:
        return score < than
    return score > than


def assets_digest(assets: Iterable[AssetFile]) -> str:
    """One SHA-256 naming a replica's set of asset files (their digests, sorted), so that any
    added, removed or changed asset shows as a stale enrolment.

    >>> assets_digest([]) == hashlib.sha256(b"").hexdigest()
    True
    """
    joined = "\n".join(sorted(a.sha256 for a in assets))
    return hashlib.sha256(joined.encode("ascii")).hexdigest()


@dataclass(frozen=True, slots=True)
class Enrolment:
    """What was enrolled for a replica: from which asset set, with which models, how many
    faces and voices, and what could not be used (one line per asset)."""

    replica: str
    assets_digest: str
    models: str
    enrolled_at: dt.datetime
    faces: int
    voices: int
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Coverage:
    """Whether a match is licensed, and by what: the use, and how it is known (``manifest``
    or ``registered-output``); or why not."""

    covered: bool
    reason: str
    use: int | None = None
    via: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """A face or voice in ``file`` at ``time_s`` seconds of media close to ``replica``."""

    file: str
    sha256: str
    time_s: float
    medium: MatchMedium
    performer: str
    replica: str
    score: float
    threshold: float
    coverage: Coverage

    @property
    def measure(self) -> str:
        """How ``score`` reads (see :data:`MEASURES`)."""
        return MEASURES[self.medium]


@dataclass(frozen=True, slots=True)
class Finding:
    """An uncovered match, stored once per file content, replica and medium: the first time
    it was seen in the media, the closest score, who ran the scan and when."""

    file: str
    sha256: str
    medium: MatchMedium
    performer: str
    replica: str
    time_s: float
    score: float
    reason: str
    found_at: dt.datetime
    found_by: str
    id: int | None = None
    ledger_index: int | None = None
    #: where the file was found (a web address), when the scan was told
    source: str | None = None

    def __post_init__(self) -> None:
        if self.found_at.utcoffset() is None:
            raise ValueError(f"finding time {self.found_at.isoformat()} has no time zone")
        if self.time_s < 0:
            raise ValueError(f"finding at {self.time_s} s: a time in the media is not negative")


def format_time(seconds: float) -> str:
    """A time in media as people read it.

    >>> format_time(0.0), format_time(75.5), format_time(3723.25)
    ('0:00.0', '1:15.5', '1:02:03.2')
    """
    tenths = round(seconds * 10)
    hours, rest = divmod(tenths, 36_000)
    minutes, rest = divmod(rest, 600)
    secs, tenth = divmod(rest, 10)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}.{tenth}"
    return f"{minutes}:{secs:02d}.{tenth}"
