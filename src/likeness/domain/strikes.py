"""Strikes: while one is in effect, replicas may not cross the picket line (SPEC §2, §7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from likeness.domain.ids import ProducerId

#: ``against: all``: a strike against every producer
ALL_PRODUCERS = "all"


@dataclass(frozen=True, slots=True)
class Strike:
    """A strike against some producers (or ``all``) covering ``start`` ≤ date < ``until``.

    ``until`` is the day work resumed, so it is not covered; ``None`` means still on strike.
    """

    against: tuple[ProducerId, ...] | None
    start: dt.date
    until: dt.date | None = None
    #: the number the store gave it (None until stored); not part of what the strike is
    id: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.against is not None and not self.against:
            raise ValueError("a strike names no producer (expected ids or 'all')")
        if self.until is not None and self.until < self.start:
            raise ValueError(f"strike: until {self.until} is before from {self.start}")

    @property
    def is_against_all(self) -> bool:
        """Whether every producer is struck."""
        return self.against is None

    def covers_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a strike day (from ≤ day < until), whoever is struck."""
        return self.start <= day and (self.until is None or day < self.until)

    def covers(self, producer: str, day: dt.date) -> bool:
        """Whether ``producer`` is struck on ``day`` (from ≤ day < until).

        >>> Strike((ProducerId("S4"),), dt.date(2027, 3, 1), dt.date(2027, 6, 15)).covers(
        ...     "S4", dt.date(2027, 6, 15))
        False
        """
        if day < self.start or (self.until is not None and day >= self.until):
            return False
        return self.against is None or producer in self.against
