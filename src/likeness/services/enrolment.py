"""Enrolment (SPEC §13): a replica's reference assets give the face and voice embeddings that
detection matches against.

A replica is enrolled again whenever its set of asset files (their digests) or the models in
force change, so the index always describes the assets as registered. An asset that gives no
face or voice, is missing from disk, no longer has the content registered for it, or cannot be
read is skipped with one line saying why; the rest of the replica is still enrolled.

Each enrolment is a ``replica-enrolled`` ledger entry naming the asset set and the models.
The embeddings themselves are derived data (the same assets and models give them again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from likeness.domain.findings import Enrolment, MatchMedium, assets_digest
from likeness.domain.principals import Principal
from likeness.domain.replicas import AssetFile, Medium, Replica
from likeness.errors import ForbiddenError, MediaError, NotFoundError
from likeness.services.access import Action, may
from likeness.services.assets import sha256_of
from likeness.services.detection_ports import MediaScanner, Vector
from likeness.services.registry import REGISTRY
from likeness.services.unit_of_work import UnitOfWork

#: the media of a replica that detection can match
MATCHABLE = frozenset({Medium.FACE, Medium.VOICE})


@dataclass(frozen=True, slots=True)
class EnrolmentReport:
    """What an enrolment pass did: the enrolments made, and the replicas already current."""

    enrolled: list[Enrolment] = field(default_factory=list)
    current: int = 0


def require_detection(principal: Principal) -> None:
    """Only the union and the operator scan media and enrol replicas (SPEC §13): anyone else
    gets :class:`ForbiddenError` (scanning is not a record that could be hidden)."""
    permission = may(principal, Action.DETECT, REGISTRY)
    if not permission.allowed:
        raise ForbiddenError(
            f"{principal.actor} may not scan media for likeness (the union and the operator"
            " do, SPEC §13)"
        )


def _embed_asset(
    scanner: MediaScanner, replica: Replica, asset: AssetFile
) -> tuple[list[tuple[MatchMedium, Vector]], str | None]:
    path = Path(asset.location)
    try:
        if sha256_of(path) != asset.sha256:
            return [], f"{asset.location}: its content changed since it was registered"
        found = scanner.reference(path, replica.media)
    except FileNotFoundError:
        return [], f"{asset.location}: the file is missing"
    except OSError as exc:
        return [], f"{asset.location}: cannot be read ({exc.strerror})"
    except MediaError as exc:
        return [], str(exc)
    if not found:
        wanted = " or ".join(sorted(m.value for m in replica.media if m in MATCHABLE))
        return [], f"{asset.location}: no {wanted} found in it"
    return found, None


def enrol(
    uow: UnitOfWork,
    principal: Principal,
    scanner: MediaScanner,
    clock: Callable[[], dt.datetime],
    *,
    replicas: Sequence[str] = (),
    force: bool = False,
) -> EnrolmentReport:
    """Enrol every replica of a face or voice whose enrolment is missing or stale (or those
    named in ``replicas``; ``force``: again even if current), commit, then apply the changes
    to the vector indexes (opened first, as the stored rows stood). A crash between the commit
    and the index update is repaired the next time: the index no longer matches the rows'
    fingerprint and is rebuilt from them."""
    require_detection(principal)
    if replicas:
        chosen = uow.replicas.get_many(replicas)
        missing = sorted(set(replicas) - {r.id for r in chosen})
        if missing:
            raise NotFoundError(f"replica {missing[0]!r} does not exist")
    else:
        chosen = list(uow.replicas.list())
    open_indexes(uow, scanner)  # as the rows stand before this pass: its changes apply on top
    known = uow.detection.enrolments()
    report = EnrolmentReport()
    changes: list[tuple[list[int], list[tuple[int, MatchMedium, Vector]]]] = []
    current = 0
    for replica in chosen:
        if not MATCHABLE & set(replica.media):
            continue
        digest = assets_digest(replica.assets)
        before = known.get(replica.id)
        stale = before is None or (before.assets_digest, before.models) != (
            digest,
            scanner.models,
        )
        if not (stale or force):
            current += 1
            continue
        vectors: list[tuple[MatchMedium, str, str, Vector]] = []
        skipped: list[str] = []
        for asset in replica.assets:
            found, problem = _embed_asset(scanner, replica, asset)
            if problem:
                skipped.append(problem)
            vectors += [(medium, scanner.models, asset.sha256, v) for medium, v in found]
        enrolment = Enrolment(
            replica.id,
            digest,
            scanner.models,
            clock(),
            sum(1 for v in vectors if v[0] is MatchMedium.FACE),
            sum(1 for v in vectors if v[0] is MatchMedium.VOICE),
            tuple(skipped),
        )
        changes.append(uow.detection.enrol(enrolment, vectors))
        uow.ledger.append(
            "replica-enrolled",
            principal.actor,
            {
                "replica": replica.id,
                "assets_digest": digest,
                "models": scanner.models,
                "faces": enrolment.faces,
                "voices": enrolment.voices,
                "skipped": list(enrolment.skipped),
            },
        )
        report.enrolled.append(enrolment)
    uow.commit()
    removed = [key for gone, _ in changes for key in gone]
    added = [item for _, new in changes for item in new]
    if removed or added:
        scanner.update_index(removed, added)
    return EnrolmentReport(report.enrolled, current)


def open_indexes(uow: UnitOfWork, scanner: MediaScanner) -> None:
    """Load each medium's index, rebuilt from the stored embeddings if it does not hold them
    exactly (the database is the source of truth)."""
    store = uow.detection
    for medium in MatchMedium:
        scanner.open_index(medium, store.fingerprint(medium), partial(store.vectors, medium))
