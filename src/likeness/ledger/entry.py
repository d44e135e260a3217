"""A ledger entry: what happened (kind), when, who did it (actor), and the record itself.

The entry's *body* is the RFC 8785 canonical JSON of ``{"actor", "kind", "record", "time"}``
(SPEC §8); its leaf hash is ``SHA-256(0x00 || body)``. The index is the entry's position in the
log and is not part of the body: the tree already binds every leaf to its position.

>>> from datetime import UTC, datetime
>>> moment = datetime(2025, 3, 1, tzinfo=UTC)
>>> LedgerEntry(0, "consent.granted", moment, "cli", {"id": "c-1"}).body()[:62]
b'{"actor":"cli","kind":"consent.granted","record":{"id":"c-1"},'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from likeness.errors import InvalidInputError, LedgerIntegrityError
from likeness.ledger.canonical import canonicalize
from likeness.ledger.tree import hash_leaf

__all__ = ["LedgerEntry", "format_time", "parse_time", "require_aware"]

_KIND = re.compile(r"[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


def require_aware(moment: datetime) -> None:
    """Refuse a naive datetime, whose moment is ambiguous.

    :raises InvalidInputError: naming the time.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInputError(f"ledger time {moment.isoformat()} has no timezone (expected UTC)")


def format_time(moment: datetime) -> str:
    """Spell a timezone-aware moment as the ledger does: UTC, microseconds, ``Z``.

    :raises InvalidInputError: for a naive datetime (its moment is ambiguous).
    """
    require_aware(moment)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_body(kind: str, actor: str, time: str, record: Mapping[str, Any]) -> bytes:
    """The canonical JSON body of an entry whose time is already spelled by
    :func:`format_time` (appending many entries at one moment spells it once).

    :raises InvalidInputError: if the record holds a float or a non-JSON value.
    """
    return canonicalize({"actor": actor, "kind": kind, "record": record, "time": time})


def parse_time(text: str) -> datetime:
    """Read a time written by :func:`format_time`.

    :raises InvalidInputError: for any other spelling.
    """
    if not _TIME.fullmatch(text):
        raise InvalidInputError(
            f"ledger time {text!r} is malformed (expected YYYY-MM-DDTHH:MM:SS.ffffffZ)"
        )
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


@dataclass(frozen=True)
class LedgerEntry:
    """One entry of the log; checks its fields when built.

    :param index: position in the log, from 0.
    :param kind: lowercase name of what happened, e.g. ``"use-recorded"``.
    :param time: when it was recorded (timezone-aware).
    :param actor: who did it (a user, ``"cli"``, an API client id).
    :param record: the state change as JSON data; no floats (see :mod:`.canonical`).
    """

    index: int
    kind: str
    time: datetime
    actor: str
    record: Mapping[str, Any]

    def __post_init__(self) -> None:
        # Values arrive from JSON and callers' dicts: check the types the annotations promise.
        index: object = self.index
        kind: object = self.kind
        actor: object = self.actor
        record: object = self.record
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise InvalidInputError(
                f"ledger entry index {self.index!r} is invalid (expected an integer >= 0)"
            )
        if not isinstance(kind, str) or not _KIND.fullmatch(kind):
            raise InvalidInputError(
                f"ledger entry {self.index}: kind {self.kind!r} is invalid "
                "(expected lowercase words joined by '-', '_' or '.', e.g. 'consent-granted')"
            )
        if not isinstance(actor, str) or not actor.strip():
            raise InvalidInputError(
                f"ledger entry {self.index}: actor {self.actor!r} is invalid "
                "(expected a non-empty string)"
            )
        if not isinstance(record, Mapping):
            raise InvalidInputError(
                f"ledger entry {self.index}: record is a {type(self.record).__name__} "
                "(expected a JSON object)"
            )
        require_aware(self.time)

    def body(self) -> bytes:
        """Return the canonical JSON body that the tree hashes.

        :raises InvalidInputError: if the record holds a float or a non-JSON value.
        """
        return entry_body(self.kind, self.actor, format_time(self.time), self.record)

    def leaf_hash(self) -> bytes:
        """Return the RFC 9162 leaf hash of :meth:`body`."""
        return hash_leaf(self.body())

    @classmethod
    def from_body(cls, index: int, body: bytes) -> LedgerEntry:
        """Rebuild an entry from its stored body, checking that the body is canonical.

        :raises LedgerIntegrityError: if the body is not the canonical JSON of an entry.
        """
        try:
            data = json.loads(body)
            entry = cls(
                index,
                data["kind"],
                parse_time(data["time"]),
                data["actor"],
                data["record"],
            )
            if set(data) != {"actor", "kind", "record", "time"}:
                raise InvalidInputError(f"unexpected fields {sorted(set(data))}")
            canonical = entry.body()
        except (ValueError, KeyError, TypeError, InvalidInputError) as exc:
            raise LedgerIntegrityError(
                f"entry {index}: body is not a ledger entry ({exc})", index
            ) from exc
        if canonical != body:
            raise LedgerIntegrityError(
                f"entry {index}: body is not in canonical form (RFC 8785)", index
            )
        return entry
