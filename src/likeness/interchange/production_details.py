"""The ``titles`` and ``cast`` sections of a world file (SPEC §6.1): what a residual run reads
from the registry besides the productions themselves.

A title record is ``{production, title, runtime_minutes, premiere}``, a cast record
``{production, performer, residual_base}``; the records parse as every world record does
(unknown keys refused, errors naming the record, field, value and what was expected).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from likeness.domain.ids import PerformerId, ProductionId
from likeness.domain.productions import CastMember, ProductionTitle
from likeness.interchange.records import Amount, Day, Id, Record

#: the world-file sections of this module, in the order export writes them
DETAIL_SECTIONS = ("titles", "cast")


class TitleRecord(Record):
    production: Id
    title: Id
    runtime_minutes: int = Field(gt=0, strict=True)
    premiere: Day


class CastRecord(Record):
    production: Id
    performer: Id
    residual_base: Amount


def title_label(data: Any, position: int) -> str:
    """``title F1-E1`` when the record names its title, else ``titles[3]``."""
    title = data.get("title") if isinstance(data, Mapping) else None
    return f"title {title}" if isinstance(title, str) and title else f"titles[{position}]"


def cast_label(data: Any, position: int) -> str:
    """``cast F1 P1`` when the record names its production and performer, else ``cast[3]``."""
    if isinstance(data, Mapping):
        production, performer = data.get("production"), data.get("performer")
        if isinstance(production, str) and isinstance(performer, str):
            return f"cast {production} {performer}"
    return f"cast[{position}]"


def title_from_record(rec: TitleRecord) -> ProductionTitle:
    """The domain title of a parsed record (raises ValueError on a broken invariant)."""
    return ProductionTitle(
        ProductionId(rec.production), rec.title, rec.runtime_minutes, rec.premiere
    )


def cast_from_record(rec: CastRecord) -> CastMember:
    """The domain cast member of a parsed record (raises ValueError on a broken invariant)."""
    return CastMember(ProductionId(rec.production), PerformerId(rec.performer), rec.residual_base)


def title_document(t: ProductionTitle) -> dict[str, Any]:
    """One title in the file format (the inverse of :class:`TitleRecord`)."""
    return {
        "production": t.production,
        "title": t.title,
        "runtime_minutes": t.runtime_minutes,
        "premiere": t.premiere,
    }


def cast_document(m: CastMember) -> dict[str, Any]:
    """One cast member in the file format (the inverse of :class:`CastRecord`)."""
    return {"production": m.production, "performer": m.performer, "residual_base": m.residual_base}
