"""The residual run's production, title and cast tables read from the registry (SPEC §6.1), so
that a producer reports only viewership and subscribers (``--from-registry``, issue #16).

:func:`registry_tables` gives the three tables as rows whose keys are exactly the residual input
columns. Whom they show is decided by :mod:`likeness.services.access` alone: the rows of every
production the principal sees (a producer: its own; the operator and the union: all).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from likeness.domain.principals import Principal
from likeness.services.access import Action, may
from likeness.services.records import production_record
from likeness.services.unit_of_work import UnitOfWork

#: the columns of each table, as the residual inputs name them (SPEC §6.1)
PRODUCTION_COLUMNS = ("production", "kind", "platform")
TITLE_COLUMNS = ("production", "title", "runtime_minutes", "premiere")
CAST_COLUMNS = ("production", "performer", "residual_base")


@dataclass(frozen=True, slots=True)
class RegistryTables:
    """The ``productions``, ``titles`` and ``cast`` input tables, each sorted by its key
    (production; production and title; production and performer)."""

    #: ``{"production": str, "kind": str, "platform": str | None}``
    productions: list[dict[str, Any]] = field(default_factory=list)
    #: ``{"production": str, "title": str, "runtime_minutes": int, "premiere": date}``
    titles: list[dict[str, Any]] = field(default_factory=list)
    #: ``{"production": str, "performer": str, "residual_base": Decimal}``
    cast: list[dict[str, Any]] = field(default_factory=list)


def registry_tables(uow: UnitOfWork, principal: Principal) -> RegistryTables:
    """The residual input tables of every production ``principal`` sees that has a platform
    or titles; titles and cast of the productions it sees (none of any other)."""
    seen = {
        p.id: p
        for p in uow.productions.list()
        if may(principal, Action.SEE, production_record(p)).visible
    }
    titles: list[dict[str, Any]] = [
        {
            "production": str(t.production),
            "title": t.title,
            "runtime_minutes": int(t.runtime_minutes),
            "premiere": t.premiere,
        }
        for t in uow.titles.list()
        if t.production in seen
    ]
    cast: list[dict[str, Any]] = [
        {
            "production": str(m.production),
            "performer": str(m.performer),
            "residual_base": Decimal(m.residual_base),
        }
        for m in uow.cast.list()
        if m.production in seen
    ]
    with_titles = {row["production"] for row in titles}
    productions: list[dict[str, Any]] = [
        {"production": str(p.id), "kind": str(p.kind), "platform": p.platform}
        for p in seen.values()
        if p.platform is not None or p.id in with_titles
    ]
    return RegistryTables(
        productions=sorted(productions, key=lambda r: r["production"]),
        titles=sorted(titles, key=lambda r: (r["production"], r["title"])),
        cast=sorted(cast, key=lambda r: (r["production"], r["performer"])),
    )
