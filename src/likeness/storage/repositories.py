"""Repositories for the registry, over one SQLAlchemy Connection (SQLAlchemy Core).

Rows are translated to the frozen domain dataclasses by hand rather than with
``registry.map_imperatively``: the ORM's identity map and attribute instrumentation cannot set
attributes on frozen, slotted dataclasses, and bulk loads (a million consents for the decision
engine) are several times faster through Core rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Column, Connection, Row, Table, bindparam, insert, select

from likeness.domain.ids import (
    PerformerId,
    ProducerId,
    ProductionId,
    ReplicaId,
    RepresentativeId,
)
from likeness.domain.performers import (
    Performer,
    PerformerCategory,
    Representative,
    RepresentativeKind,
)
from likeness.domain.productions import Producer, Production, ProductionKind
from likeness.domain.replicas import AssetFile, Medium, Replica, ReplicaKind
from likeness.storage import tables as t

# the lookups by id that every decision runs, built once with a bound parameter (building a
# statement costs more than running it on SQLite)
_PRODUCER = select(t.producers).where(t.producers.c.id == bindparam("id"))
_PRODUCTION = select(t.productions).where(t.productions.c.id == bindparam("id"))
_PERFORMER = select(t.performers).where(t.performers.c.id == bindparam("id"))
_REPRESENTATIVES_OF = (
    select(t.representatives)
    .where(t.representatives.c.performer_id == bindparam("id"))
    .order_by(t.representatives.c.position)
)
_REPLICA = select(t.replicas).where(t.replicas.c.id == bindparam("id"))
_REPLICAS = select(t.replicas).where(t.replicas.c.id.in_(bindparam("ids", expanding=True)))
_PERFORMERS = select(t.performers).where(t.performers.c.id.in_(bindparam("ids", expanding=True)))
_REPRESENTATIVES_OF_MANY = (
    select(t.representatives)
    .where(t.representatives.c.performer_id.in_(bindparam("ids", expanding=True)))
    .order_by(t.representatives.c.performer_id, t.representatives.c.position)
)
_ASSETS_OF_MANY = (
    select(t.replica_assets)
    .where(t.replica_assets.c.replica_id.in_(bindparam("ids", expanding=True)))
    .order_by(t.replica_assets.c.replica_id, t.replica_assets.c.position)
)
#: ids per IN list (SQLite allows 32,766 bound parameters per statement)
_CHUNK = 10_000
_ASSETS_OF = (
    select(t.replica_assets)
    .where(t.replica_assets.c.replica_id == bindparam("id"))
    .order_by(t.replica_assets.c.position)
)


def _existing(conn: Connection, column: Column[Any], ids: Collection[str]) -> set[str]:
    """Which of ``ids`` are in ``column`` (one indexed ``IN`` per chunk)."""
    wanted, found = sorted(set(ids)), set[str]()
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        found.update(conn.scalars(select(column).where(column.in_(chunk))))
    return found


def _insert_rows(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany INSERT of ``rows`` (nothing when there are none).

    The rows (all with the keys of the first) go to the driver's ``executemany`` after the
    columns' own bind processors (dates, Money), the values SQLAlchemy would send: its per-row
    parameter handling cost more than the insert itself in an import of a million records.
    A table with Python-side defaults for columns the rows leave out goes through ``insert()``.
    """
    if not rows:
        return
    names = list(rows[0])
    if any(c.default is not None for c in table.columns if c.name not in names):
        conn.execute(insert(table), rows)
        return
    dialect = conn.dialect
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    ]
    quote = dialect.identifier_preparer.quote
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    statement = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)})"
        f" VALUES ({', '.join([marker] * len(names))})"
    )
    if not any(processors):
        conn.exec_driver_sql(statement, [tuple(row[n] for n in names) for row in rows])
        return
    pairs = list(zip(names, processors, strict=True))
    conn.exec_driver_sql(
        statement,
        [tuple(row[n] if p is None else p(row[n]) for n, p in pairs) for row in rows],
    )


class SqlProducerRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, producer_id: str) -> Producer | None:
        row = self._conn.execute(_PRODUCER, {"id": producer_id}).first()
        return Producer(ProducerId(row.id), row.name) if row else None

    def add(self, producer: Producer) -> None:
        self._conn.execute(insert(t.producers).values(id=producer.id, name=producer.name))

    def add_many(self, producers: Sequence[Producer]) -> None:
        _insert_rows(self._conn, t.producers, [{"id": p.id, "name": p.name} for p in producers])

    def existing(self, producer_ids: Collection[str]) -> set[str]:
        return _existing(self._conn, t.producers.c.id, producer_ids)

    def list(self) -> Sequence[Producer]:
        rows = self._conn.execute(select(t.producers).order_by(t.producers.c.id))
        return [Producer(ProducerId(r.id), r.name) for r in rows]

    def ids(self) -> set[ProducerId]:
        return {ProducerId(i) for i in self._conn.scalars(select(t.producers.c.id))}


def _production(row: Row[tuple[object, ...]]) -> Production:
    return Production(
        id=ProductionId(row.id),
        title=row.title,
        producer=ProducerId(row.producer_id),
        kind=ProductionKind(row.kind),
        agreement=row.agreement,
        principal_photography=row.principal_photography,
        platform=row.platform,
    )


class SqlProductionRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, production_id: str) -> Production | None:
        row = self._conn.execute(_PRODUCTION, {"id": production_id}).first()
        return _production(row) if row else None

    def add(self, production: Production) -> None:
        self.add_many([production])

    def add_many(self, productions: Sequence[Production]) -> None:
        rows = [
            {
                "id": p.id,
                "title": p.title,
                "producer_id": p.producer,
                "kind": str(p.kind),
                "agreement": p.agreement,
                "principal_photography": p.principal_photography,
                "platform": p.platform,
            }
            for p in productions
        ]
        _insert_rows(self._conn, t.productions, rows)

    def existing(self, production_ids: Collection[str]) -> set[str]:
        return _existing(self._conn, t.productions.c.id, production_ids)

    def list(self) -> Sequence[Production]:
        rows = self._conn.execute(select(t.productions).order_by(t.productions.c.id))
        return [_production(r) for r in rows]

    def ids(self) -> set[ProductionId]:
        return {ProductionId(i) for i in self._conn.scalars(select(t.productions.c.id))}


class SqlPerformerRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _build(
        self, rows: Sequence[Row[tuple[object, ...]]], *, some: bool = False
    ) -> list[Performer]:
        if not rows:
            return []
        reps: dict[str, list[Representative]] = defaultdict(list)
        if len(rows) == 1:
            found = self._conn.execute(_REPRESENTATIVES_OF, {"id": rows[0].id})
        elif some:
            found = self._conn.execute(_REPRESENTATIVES_OF_MANY, {"ids": [r.id for r in rows]})
        else:
            found = self._conn.execute(
                select(t.representatives).order_by(
                    t.representatives.c.performer_id, t.representatives.c.position
                )
            )
        for r in found:
            reps[r.performer_id].append(
                Representative(
                    RepresentativeId(r.id), RepresentativeKind(r.kind), r.may_consent, r.name
                )
            )
        return [
            Performer(
                id=PerformerId(row.id),
                name=row.name,
                category=PerformerCategory(row.category),
                born=row.born,
                died=row.died,
                union_member_id=row.union_member_id,
                weekly_salary=row.weekly_salary,
                day_rate=row.day_rate,
                representatives=tuple(reps.get(row.id, ())),
            )
            for row in rows
        ]

    def get(self, performer_id: str) -> Performer | None:
        rows = self._conn.execute(_PERFORMER, {"id": performer_id}).all()
        found = self._build(rows)
        return found[0] if found else None

    def get_many(self, performer_ids: Collection[str]) -> list[Performer]:
        """The performers with these ids that exist (in two queries per chunk of ids)."""
        ids, found = sorted(performer_ids), []
        for start in range(0, len(ids), _CHUNK):
            rows = self._conn.execute(_PERFORMERS, {"ids": ids[start : start + _CHUNK]}).all()
            found += self._build(rows, some=True)
        return found

    def represented_by(self, representative_id: str) -> list[PerformerId]:
        """The performers whose representatives include this id, in id order."""
        reps = t.representatives.c
        query = select(reps.performer_id).where(reps.id == representative_id)
        return [
            PerformerId(row[0]) for row in self._conn.execute(query.order_by(reps.performer_id))
        ]

    def add(self, performer: Performer) -> None:
        self.add_many([performer])

    def add_many(self, performers: Sequence[Performer]) -> None:
        rows = [
            {
                "id": p.id,
                "name": p.name,
                "category": str(p.category),
                "born": p.born,
                "died": p.died,
                "union_member_id": p.union_member_id,
                "weekly_salary": p.weekly_salary,
                "day_rate": p.day_rate,
            }
            for p in performers
        ]
        reps = [
            {
                "id": rep.id,
                "performer_id": p.id,
                "position": i,
                "kind": str(rep.kind),
                "may_consent": rep.may_consent,
                "name": rep.name,
            }
            for p in performers
            for i, rep in enumerate(p.representatives)
        ]
        _insert_rows(self._conn, t.performers, rows)
        _insert_rows(self._conn, t.representatives, reps)

    def existing(self, performer_ids: Collection[str]) -> set[str]:
        return _existing(self._conn, t.performers.c.id, performer_ids)

    def existing_representatives(self, representative_ids: Collection[str]) -> set[str]:
        return _existing(self._conn, t.representatives.c.id, representative_ids)

    def list(self) -> Sequence[Performer]:
        rows = self._conn.execute(select(t.performers).order_by(t.performers.c.id)).all()
        return self._build(rows)

    def ids(self) -> set[PerformerId]:
        return {PerformerId(i) for i in self._conn.scalars(select(t.performers.c.id))}

    def representative_ids(self) -> set[str]:
        return set(self._conn.scalars(select(t.representatives.c.id)))


class SqlReplicaRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _build(
        self, rows: Sequence[Row[tuple[object, ...]]], *, some: bool = False
    ) -> list[Replica]:
        if not rows:
            return []
        assets: dict[str, list[AssetFile]] = defaultdict(list)
        if len(rows) == 1:
            found = self._conn.execute(_ASSETS_OF, {"id": rows[0].id})
        elif some:
            found = self._conn.execute(_ASSETS_OF_MANY, {"ids": [r.id for r in rows]})
        else:
            found = self._conn.execute(
                select(t.replica_assets).order_by(
                    t.replica_assets.c.replica_id, t.replica_assets.c.position
                )
            )
        for a in found:
            assets[a.replica_id].append(AssetFile(a.location, a.size, a.sha256))
        return [
            Replica(
                id=ReplicaId(row.id),
                performer=PerformerId(row.performer_id),
                kind=ReplicaKind(row.kind),
                media=tuple(Medium(m) for m in row.media.split(",")),
                made_on=row.made_on,
                made_in=ProductionId(row.made_in) if row.made_in else None,
                assets=tuple(assets.get(row.id, ())),
            )
            for row in rows
        ]

    def get(self, replica_id: str) -> Replica | None:
        rows = self._conn.execute(_REPLICA, {"id": replica_id}).all()
        found = self._build(rows)
        return found[0] if found else None

    def get_many(self, replica_ids: Collection[str]) -> list[Replica]:
        """The replicas with these ids that exist (in two queries per chunk of ids)."""
        ids, found = sorted(replica_ids), []
        for start in range(0, len(ids), _CHUNK):
            rows = self._conn.execute(_REPLICAS, {"ids": ids[start : start + _CHUNK]}).all()
            found += self._build(rows, some=True)
        return found

    def add(self, replica: Replica) -> None:
        self.add_many([replica])

    def add_many(self, replicas: Sequence[Replica]) -> None:
        rows = [
            {
                "id": r.id,
                "performer_id": r.performer,
                "kind": str(r.kind),
                "media": ",".join(str(m) for m in r.media),
                "made_in": r.made_in,
                "made_on": r.made_on,
            }
            for r in replicas
        ]
        assets = [
            {
                "replica_id": r.id,
                "location": a.location,
                "position": i,
                "size": a.size,
                "sha256": a.sha256,
            }
            for r in replicas
            for i, a in enumerate(r.assets)
        ]
        _insert_rows(self._conn, t.replicas, rows)
        _insert_rows(self._conn, t.replica_assets, assets)

    def existing(self, replica_ids: Collection[str]) -> set[str]:
        return _existing(self._conn, t.replicas.c.id, replica_ids)

    def add_asset(self, replica_id: str, asset: AssetFile) -> None:
        position = len(
            self._conn.execute(
                select(t.replica_assets.c.location).where(
                    t.replica_assets.c.replica_id == replica_id
                )
            ).all()
        )
        self._conn.execute(
            insert(t.replica_assets).values(
                replica_id=replica_id,
                location=asset.location,
                position=position,
                size=asset.size,
                sha256=asset.sha256,
            )
        )

    def list(self, performer_id: str | None = None) -> Sequence[Replica]:
        query = select(t.replicas).order_by(t.replicas.c.id)
        if performer_id is not None:
            query = query.where(t.replicas.c.performer_id == performer_id)
        return self._build(self._conn.execute(query).all())

    def ids(self) -> set[ReplicaId]:
        return {ReplicaId(i) for i in self._conn.scalars(select(t.replicas.c.id))}
