"""In-memory fakes of the storage Protocols, for service tests without I/O (cosmicpython style)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, Self

from likeness.domain.ids import PerformerId, ProducerId, ProductionId, ReplicaId
from likeness.domain.performers import Performer
from likeness.domain.productions import Producer, Production
from likeness.domain.replicas import AssetFile, Replica


class _Repo:
    def __init__(self) -> None:
        self.items: dict[str, Any] = {}

    def get(self, ident: str) -> Any:
        return self.items.get(ident)

    def add(self, item: Any) -> None:
        assert item.id not in self.items, f"duplicate {item.id}"
        self.items[item.id] = item

    def ids(self) -> set[Any]:
        return set(self.items)


class FakePerformers(_Repo):
    def list(self) -> Sequence[Performer]:
        return [self.items[k] for k in sorted(self.items)]

    def ids(self) -> set[PerformerId]:
        return set(self.items)  # type: ignore[arg-type]


class FakeProducers(_Repo):
    def list(self) -> Sequence[Producer]:
        return [self.items[k] for k in sorted(self.items)]

    def ids(self) -> set[ProducerId]:
        return set(self.items)  # type: ignore[arg-type]


class FakeProductions(_Repo):
    def list(self) -> Sequence[Production]:
        return [self.items[k] for k in sorted(self.items)]

    def ids(self) -> set[ProductionId]:
        return set(self.items)  # type: ignore[arg-type]


class FakeReplicas(_Repo):
    def list(self, performer_id: str | None = None) -> Sequence[Replica]:
        return [
            self.items[k]
            for k in sorted(self.items)
            if performer_id is None or self.items[k].performer == performer_id
        ]

    def add_asset(self, replica_id: str, asset: AssetFile) -> None:
        self.items[replica_id] = self.items[replica_id].with_asset(asset)

    def ids(self) -> set[ReplicaId]:
        return set(self.items)  # type: ignore[arg-type]


class FakeLedger:
    def __init__(self) -> None:
        self.entries: list[tuple[str, str, Mapping[str, Any]]] = []

    def append(self, kind: str, actor: str, record: Mapping[str, Any]) -> int:
        self.entries.append((kind, actor, dict(record)))
        return len(self.entries) - 1


class FakeUnitOfWork:
    """Keeps everything in dicts; ``committed`` counts commits. Uncommitted work is discarded."""

    def __init__(self) -> None:
        self.performers = FakePerformers()
        self.producers = FakeProducers()
        self.productions = FakeProductions()
        self.replicas = FakeReplicas()
        self.ledger = FakeLedger()
        self.committed = 0
        self._snapshot: tuple[Any, ...] = ()

    def _take(self) -> tuple[Any, ...]:
        return (
            dict(self.performers.items),
            dict(self.producers.items),
            dict(self.productions.items),
            dict(self.replicas.items),
            list(self.ledger.entries),
        )

    def __enter__(self) -> Self:
        self._snapshot = self._take()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self.committed += 1
        self._snapshot = self._take()

    def rollback(self) -> None:
        (
            self.performers.items,
            self.producers.items,
            self.productions.items,
            self.replicas.items,
            self.ledger.entries,
        ) = (
            dict(self._snapshot[0]),
            dict(self._snapshot[1]),
            dict(self._snapshot[2]),
            dict(self._snapshot[3]),
            list(self._snapshot[4]),
        )
