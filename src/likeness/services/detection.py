"""``likeness detect PATH``: find performers' likeness in media and tell licensed matches from
unlicensed ones (SPEC §13).

A scan first brings enrolment up to date (:mod:`.enrolment`), then reads each file on its own:
every face and voice the scanner sees is searched in the vector index; an enrolled embedding
close enough (the thresholds are settings) is a match. Each file's matches are judged
(:func:`~likeness.services.findings.coverage`) and its findings stored in one transaction, so
a file's findings land whole or not at all, and a file that cannot be read is one line in the
report while the rest of the folder is still scanned.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from likeness.domain.findings import (
    Coverage,
    Finding,
    Match,
    MatchMedium,
    is_closer,
    is_match,
)
from likeness.domain.principals import Principal
from likeness.errors import InvalidInputError, MediaError
from likeness.services.assets import sha256_of
from likeness.services.detection_ports import Credential, MediaScanner, Observation
from likeness.services.enrolment import EnrolmentReport, enrol, require_detection
from likeness.services.findings import coverage, record_finding
from likeness.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a face or voice counts as a match: a face descriptor within ``face_distance``
    (Euclidean), a voice embedding at least ``voice_similarity`` (cosine) to an enrolled one."""

    face_distance: float
    voice_similarity: float

    def of(self, medium: MatchMedium) -> float:
        """The threshold of ``medium``."""
        return self.face_distance if medium is MatchMedium.FACE else self.voice_similarity


@dataclass(frozen=True, slots=True)
class FileReport:
    """One file scanned: its matches (each with its coverage), the findings they made (new or
    already stored), or the one line saying why it could not be read."""

    file: str
    sha256: str | None = None
    matches: tuple[Match, ...] = ()
    findings: tuple[tuple[Finding, bool], ...] = ()
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class DetectionReport:
    """A whole scan: the enrolment pass before it and every file, in the order scanned."""

    enrolment: EnrolmentReport
    files: list[FileReport] = field(default_factory=list)

    @property
    def matches(self) -> list[Match]:
        """Every match of every file."""
        return [m for f in self.files for m in f.matches]

    @property
    def problems(self) -> list[str]:
        """One line per file that could not be read."""
        return [f"{f.file}: {f.problem}" for f in self.files if f.problem]


def media_files(paths: Sequence[Path]) -> Iterator[Path]:
    """The files to scan: each file named, and every regular file under each folder named
    (sorted, hidden files and folders left out, symbolic links not followed)."""
    for path in paths:
        if path.is_symlink():
            raise InvalidInputError(
                f"{path}: is a symbolic link (expected a regular file or folder to scan)"
            )
        if not path.exists():
            raise InvalidInputError(f"{path}: no such file or folder (expected media to scan)")
        if path.is_file():
            yield path
            continue
        if not path.is_dir():
            raise InvalidInputError(f"{path}: not a regular file or folder")
        for root, folders, files in os.walk(path):
            folders[:] = sorted(d for d in folders if not d.startswith("."))
            for name in sorted(files):
                candidate = Path(root) / name
                if not name.startswith(".") and candidate.is_file() and not candidate.is_symlink():
                    yield candidate


def _nearest(
    uow: UnitOfWork,
    scanner: MediaScanner,
    observations: Sequence[Observation],
    thresholds: Thresholds,
) -> list[tuple[Observation, str, str, float]]:
    """Each observation's closest match per replica: (observation, replica, performer,
    score), keeping only those within the threshold."""
    close: list[tuple[int, int, float]] = []  # (observation number, embedding id, score)
    for number, seen in enumerate(observations):
        for hit in scanner.search(seen.medium, seen.vector, 5):
            if is_match(seen.medium, hit.score, thresholds.of(seen.medium)):
                close.append((number, hit.key, hit.score))
    owners = uow.detection.owners({key for _, key, _ in close})
    best: dict[tuple[int, str], tuple[Observation, str, str, float]] = {}
    for number, key, score in close:
        if key not in owners:
            continue  # enrolled again since the index was read: the new rows are searched next time
        replica, performer = owners[key]
        seen = observations[number]
        kept = best.get((number, replica))
        if kept is None or is_closer(seen.medium, score, kept[3]):
            best[(number, replica)] = (seen, replica, performer, score)
    return sorted(best.values(), key=lambda m: (m[0].time_s, m[1]))


def scan_file(
    open_uow: Callable[[], UnitOfWork],
    principal: Principal,
    scanner: MediaScanner,
    path: Path,
    thresholds: Thresholds,
    clock: Callable[[], dt.datetime],
    source: str | None = None,
) -> FileReport:
    """Scan one file: its matches, their coverage, and its findings stored (one transaction).
    A file that cannot be read gives a report with its ``problem`` and nothing stored."""
    name = str(path)
    try:
        sha256 = sha256_of(path)
        observations = list(scanner.observe(path))
    except MediaError as exc:
        return FileReport(name, problem=str(exc).removeprefix(f"{name}: "))
    except OSError as exc:
        return FileReport(name, problem=f"cannot be read ({exc.strerror})")
    if not observations:
        return FileReport(name, sha256)
    with open_uow() as uow:
        near = _nearest(uow, scanner, observations, thresholds)
        if not near:
            return FileReport(name, sha256)
        try:
            credential = scanner.credential(path)
        except MediaError as exc:
            credential = Credential("invalid", problems=(str(exc),))
        judged: dict[str, Coverage] = {}
        matches = []
        for seen, replica, performer, score in near:
            if performer not in judged:
                judged[performer] = coverage(uow, sha256, credential, performer)
            matches.append(
                Match(
                    name,
                    sha256,
                    seen.time_s,
                    seen.medium,
                    performer,
                    replica,
                    score,
                    thresholds.of(seen.medium),
                    judged[performer],
                )
            )
        findings = _store_findings(uow, principal, matches, clock(), source)
        uow.commit()
    return FileReport(name, sha256, tuple(matches), tuple(findings))


def _store_findings(
    uow: UnitOfWork,
    principal: Principal,
    matches: Sequence[Match],
    at: dt.datetime,
    source: str | None,
) -> list[tuple[Finding, bool]]:
    """One finding per replica and medium among the uncovered matches: the first time it is
    seen, with the closest score of all its times."""
    first: dict[tuple[str, MatchMedium], Match] = {}
    closest: dict[tuple[str, MatchMedium], float] = {}
    for match in matches:
        if match.coverage.covered:
            continue
        slot = (match.replica, match.medium)
        first.setdefault(slot, match)
        old = closest.get(slot)
        if old is None or is_closer(match.medium, match.score, old):
            closest[slot] = match.score
    stored = []
    for slot, match in first.items():
        best = Match(
            match.file,
            match.sha256,
            match.time_s,
            match.medium,
            match.performer,
            match.replica,
            closest[slot],
            match.threshold,
            match.coverage,
        )
        stored.append(record_finding(uow, principal, best, at, source))
    return stored


def detect(
    open_uow: Callable[[], UnitOfWork],
    principal: Principal,
    scanner: MediaScanner,
    paths: Sequence[Path],
    thresholds: Thresholds,
    clock: Callable[[], dt.datetime],
    *,
    source: str | None = None,
    progress: Callable[[Path, int, int], None] | None = None,
) -> DetectionReport:
    """Enrol what is stale, then scan every file under ``paths`` (see the module's text).
    ``progress(file, done, total)`` is called after each file."""
    require_detection(principal)
    files = list(media_files(paths))
    with open_uow() as uow:
        enrolled = enrol(uow, principal, scanner, clock)
    report = DetectionReport(enrolled)
    for done, path in enumerate(files, start=1):
        report.files.append(
            scan_file(open_uow, principal, scanner, path, thresholds, clock, source)
        )
        if progress is not None:
            progress(path, done, len(files))
    return report
