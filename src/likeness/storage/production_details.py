"""Repositories of productions' titles and cast (SPEC §6.1), over one SQLAlchemy Connection."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import Connection, Row, insert, select

from likeness.domain.ids import PerformerId, ProductionId
from likeness.domain.productions import CastMember, ProductionTitle
from likeness.storage import tables as t

_TITLES = t.production_titles
_CAST = t.production_cast
#: ids per IN list (SQLite allows 32,766 bound parameters per statement)
_CHUNK = 10_000


def _title(row: Row[tuple[object, ...]]) -> ProductionTitle:
    return ProductionTitle(
        ProductionId(row.production_id), row.title, row.runtime_minutes, row.premiere
    )


def _member(row: Row[tuple[object, ...]]) -> CastMember:
    return CastMember(
        ProductionId(row.production_id), PerformerId(row.performer_id), row.residual_base
    )


class SqlTitleRepository:
    """Titles, by production then title id."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, title: ProductionTitle) -> None:
        self.add_many([title])

    def add_many(self, titles: Sequence[ProductionTitle]) -> None:
        if titles:
            rows = [
                {
                    "title": x.title,
                    "production_id": x.production,
                    "runtime_minutes": x.runtime_minutes,
                    "premiere": x.premiere,
                }
                for x in titles
            ]
            self._conn.execute(insert(_TITLES), rows)

    def existing(self, titles: Collection[str]) -> set[str]:
        """Which of these title ids are registered (in any production)."""
        wanted, found = sorted(set(titles)), set[str]()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            found.update(
                self._conn.scalars(select(_TITLES.c.title).where(_TITLES.c.title.in_(chunk)))
            )
        return found

    def of_production(self, production_id: str) -> list[ProductionTitle]:
        query = select(_TITLES).where(_TITLES.c.production_id == production_id)
        return [_title(r) for r in self._conn.execute(query.order_by(_TITLES.c.title))]

    def list(self) -> list[ProductionTitle]:
        query = select(_TITLES).order_by(_TITLES.c.production_id, _TITLES.c.title)
        return [_title(r) for r in self._conn.execute(query)]


class SqlCastRepository:
    """Cast members, by production then performer id."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, member: CastMember) -> None:
        self.add_many([member])

    def add_many(self, members: Sequence[CastMember]) -> None:
        if members:
            rows = [
                {
                    "production_id": m.production,
                    "performer_id": m.performer,
                    "residual_base": m.residual_base,
                }
                for m in members
            ]
            self._conn.execute(insert(_CAST), rows)

    def existing(self, pairs: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (production, performer) pairs are registered."""
        productions = sorted({p for p, _ in pairs})
        found: set[tuple[str, str]] = set()
        for start in range(0, len(productions), _CHUNK):
            chunk = productions[start : start + _CHUNK]
            query = select(_CAST.c.production_id, _CAST.c.performer_id).where(
                _CAST.c.production_id.in_(chunk)
            )
            found.update((p, q) for p, q in self._conn.execute(query))
        return found & set(pairs)

    def of_production(self, production_id: str) -> list[CastMember]:
        query = select(_CAST).where(_CAST.c.production_id == production_id)
        return [_member(r) for r in self._conn.execute(query.order_by(_CAST.c.performer_id))]

    def list(self) -> list[CastMember]:
        query = select(_CAST).order_by(_CAST.c.production_id, _CAST.c.performer_id)
        return [_member(r) for r in self._conn.execute(query)]
