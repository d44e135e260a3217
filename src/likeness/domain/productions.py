"""Producers and their productions (SPEC §1, §2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from likeness.domain.bounds import AMOUNT_RULE, amount_problem
from likeness.domain.ids import ID_GRAMMAR, PerformerId, ProducerId, ProductionId, is_valid_id

#: the rule set a production is under when nothing else is said (SPEC §7)
DEFAULT_AGREEMENT = "sag-aftra-tv-theatrical-2023"
#: the most characters of a platform name (the width of its column)
MAX_PLATFORM = 64


class ProductionKind(StrEnum):
    """The kind of work; only ``hb-svod`` productions earn streaming residuals (SPEC §6.1)."""

    THEATRICAL = "theatrical"
    TELEVISION = "television"
    HB_SVOD = "hb-svod"
    COMMERCIAL = "commercial"
    VIDEO_GAME = "video-game"


@dataclass(frozen=True, slots=True)
class Producer:
    """A signatory company that makes productions."""

    id: ProducerId
    name: str


@dataclass(frozen=True, slots=True)
class Production:
    """A work made by one producer under one rule set (``agreement``, SPEC §7); ``platform``
    is the streaming platform an ``hb-svod`` production is on (SPEC §6.1), when known."""

    id: ProductionId
    title: str
    producer: ProducerId
    kind: ProductionKind
    agreement: str
    principal_photography: dt.date | None = None
    platform: str | None = None

    def __post_init__(self) -> None:
        platform = self.platform
        if platform is not None and not (platform.strip() and len(platform) <= MAX_PLATFORM):
            raise ValueError(
                f"production {self.id}: platform {platform!r} (expected 1 to {MAX_PLATFORM}"
                " characters, not only spaces)"
            )


@dataclass(frozen=True, slots=True)
class ProductionTitle:
    """One title of a production (an episode, a film): the key of viewership rows (SPEC §6.1).

    A title id follows the id grammar and is unique across all productions.

    >>> ProductionTitle(ProductionId("F1"), "F1-E1", 0, dt.date(2025, 1, 1))
    Traceback (most recent call last):
    ...
    ValueError: title F1-E1: runtime_minutes 0 is not positive
    """

    production: ProductionId
    title: str
    runtime_minutes: int
    premiere: dt.date

    def __post_init__(self) -> None:
        if not is_valid_id(self.title):
            raise ValueError(f"title {self.title!r}: not {ID_GRAMMAR}")
        runtime = self.runtime_minutes
        if isinstance(runtime, bool) or runtime <= 0:
            raise ValueError(f"title {self.title}: runtime_minutes {runtime!r} is not positive")
        if not isinstance(self.premiere, dt.date):
            raise ValueError(f"title {self.title}: premiere {self.premiere!r} is not a date")


@dataclass(frozen=True, slots=True)
class CastMember:
    """A performer in a production's cast with the base their streaming residuals are figured
    on (SPEC §6.1: fixed residual = residual_base * tier % * year %), kept to the cent.

    >>> CastMember(ProductionId("F1"), PerformerId("P1"), Decimal("2000")).residual_base
    Decimal('2000.00')
    """

    production: ProductionId
    performer: PerformerId
    residual_base: Decimal

    def __post_init__(self) -> None:
        base = self.residual_base
        if amount_problem(base) is not None:
            raise ValueError(
                f"cast {self.production} {self.performer}: residual_base {base!r} is not"
                f" {AMOUNT_RULE}"
            )
        object.__setattr__(self, "residual_base", base.quantize(Decimal("0.01")))
