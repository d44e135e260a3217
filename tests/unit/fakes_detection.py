"""An in-memory detection store (SPEC §13), behaving as ``storage.detection`` does: ids only
grow, one finding per file content, replica and medium, newest findings first."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from likeness.domain.findings import Enrolment, Finding, MatchMedium
from likeness.services.unit_of_work import Vector


class FakeDetection:
    def __init__(self, replicas: Any) -> None:
        self._replicas = replicas
        self.enrolled: dict[str, Enrolment] = {}
        self.vectors_by_id: dict[int, tuple[str, MatchMedium, Vector]] = {}
        self.outputs: dict[tuple[int, str], int | None] = {}
        self.items: dict[int, Finding] = {}
        self.next_id = 1

    def state(self) -> tuple[Any, ...]:
        return (
            dict(self.enrolled),
            dict(self.vectors_by_id),
            dict(self.outputs),
            dict(self.items),
            self.next_id,
        )

    def restore(self, state: tuple[Any, ...]) -> None:
        self.enrolled, self.vectors_by_id, self.outputs, self.items, self.next_id = (
            dict(state[0]),
            dict(state[1]),
            dict(state[2]),
            dict(state[3]),
            state[4],
        )

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def enrolments(self) -> dict[str, Enrolment]:
        return dict(self.enrolled)

    def enrol(
        self, enrolment: Enrolment, vectors: Sequence[tuple[MatchMedium, str, str, Vector]]
    ) -> tuple[list[int], list[tuple[int, MatchMedium, Vector]]]:
        removed = [k for k, (r, _, _) in self.vectors_by_id.items() if r == enrolment.replica]
        for key in removed:
            del self.vectors_by_id[key]
        self.enrolled[enrolment.replica] = enrolment
        added = []
        for medium, _, _, vector in vectors:
            key = self._new_id()
            self.vectors_by_id[key] = (enrolment.replica, medium, vector)
            added.append((key, medium, vector))
        return removed, added

    def fingerprint(self, medium: MatchMedium) -> tuple[int, int]:
        keys = [k for k, (_, m, _) in self.vectors_by_id.items() if m is medium]
        return len(keys), sum(keys)

    def vectors(self, medium: MatchMedium) -> Iterator[tuple[int, Vector]]:
        for key in sorted(self.vectors_by_id):
            _, m, vector = self.vectors_by_id[key]
            if m is medium:
                yield key, vector

    def owners(self, ids: Collection[int]) -> dict[int, tuple[str, str]]:
        found = {}
        for key in ids:
            if key in self.vectors_by_id:
                replica = self._replicas.get(self.vectors_by_id[key][0])
                found[key] = (replica.id, replica.performer)
        return found

    def add_output(self, use_id: int, sha256: str, how: str, at: dt.datetime, by: str) -> bool:
        if (use_id, sha256) in self.outputs:
            return False
        self.outputs[(use_id, sha256)] = None
        return True

    def set_output_ledger_index(self, use_id: int, sha256: str, index: int) -> None:
        self.outputs[(use_id, sha256)] = index

    def uses_with_output(self, sha256: str) -> list[int]:
        return sorted(use for use, digest in self.outputs if digest == sha256)

    def seen(self, sha256: str, replica: str, medium: MatchMedium) -> Finding | None:
        return next(
            (
                f
                for f in self.items.values()
                if (f.sha256, f.replica, f.medium) == (sha256, replica, medium)
            ),
            None,
        )

    def add_finding(self, finding: Finding) -> int:
        key = self._new_id()
        self.items[key] = dataclasses.replace(finding, id=key)
        return key

    def set_finding_ledger_index(self, finding_id: int, index: int) -> None:
        self.items[finding_id] = dataclasses.replace(self.items[finding_id], ledger_index=index)

    def finding(self, finding_id: int) -> Finding | None:
        return self.items.get(finding_id)

    def findings(
        self, performers: Collection[str] | None, *, limit: int, offset: int
    ) -> tuple[list[Finding], int]:
        chosen = [
            f
            for _, f in sorted(self.items.items(), reverse=True)
            if performers is None or f.performer in performers
        ]
        return chosen[offset : offset + limit], len(chosen)
