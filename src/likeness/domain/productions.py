"""Producers and their productions (SPEC §1, §2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from likeness.domain.ids import ProducerId, ProductionId

#: the rule set a production is under when nothing else is said (SPEC §7)
DEFAULT_AGREEMENT = "sag-aftra-tv-theatrical-2023"


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
    """A work made by one producer under one rule set (``agreement``, SPEC §7)."""

    id: ProductionId
    title: str
    producer: ProducerId
    kind: ProductionKind
    agreement: str
    principal_photography: dt.date | None = None
