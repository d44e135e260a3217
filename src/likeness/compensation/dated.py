"""The one "row in force on a date" lookup of the pay and residual tables (SPEC §6, §6.1).

A rate row is in force from its ``from`` date (SPEC §6) and a subscriber count from its ``as_of``
date (SPEC §6.1); both are found the same way: the row with the latest date on or before the day
asked about. Rate tables (:mod:`likeness.compensation.rates`) and the subscriber table of the
residuals (:class:`likeness.compensation.residuals.compute.SubscriberIndex`) both use
:class:`DatedRows`, so the rule is written once.

>>> rows = DatedRows([(dt.date(2024, 7, 1), "216.00"), (dt.date(2023, 11, 9), "208.00")])
>>> rows.in_force(dt.date(2024, 6, 30))
'208.00'
>>> rows.in_force(dt.date(2023, 11, 8)) is None
True
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from typing import Generic, TypeVar

R = TypeVar("R")


class DatedRows(Generic[R]):
    """Rows, each in force from its date until the next row's date.

    The rows are sorted by date as given; the sort is stable, so of rows sharing a date the one
    given last is in force (a caller that cares orders them first).
    """

    __slots__ = ("rows", "starts")

    def __init__(self, dated: Iterable[tuple[dt.date, R]]) -> None:
        entries = sorted(dated, key=lambda entry: entry[0])
        #: the dates the rows take effect, in increasing order
        self.starts: tuple[dt.date, ...] = tuple(start for start, _ in entries)
        #: the rows, in the order of :attr:`starts`
        self.rows: tuple[R, ...] = tuple(row for _, row in entries)

    def in_force(self, day: dt.date) -> R | None:
        """The row with the latest date on or before ``day``; None when every row is later.

        >>> DatedRows([(dt.date(2024, 1, 1), 5)]).in_force(dt.date(2024, 1, 1))
        5
        """
        index = bisect.bisect_right(self.starts, day)
        return None if index == 0 else self.rows[index - 1]
