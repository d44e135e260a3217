"""What one look over the viewership table tells validation, from whichever engine took it
(:meth:`.engines.Engine.viewership_overview`).

Whole-table figures (rows, values held per column, least hours, date range) say whether any row
has a wrong type or negative hours; when none has, and every title is known, nothing else about
the rows' values is needed. A Parquet file keeps those figures in its footer, so an engine can
answer them without reading a row; the per-title groups then need only their row counts and
whatever the engine uses to find duplicated keys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from likeness.compensation.residuals.duplicate_slots import DuplicateSuspects
from likeness.compensation.residuals.schemas import VIEWERSHIP


@dataclass(frozen=True, slots=True)
class ViewershipOverview:
    """``totals``: ``rows``, ``held_<column>`` for each column, ``least_hours``, ``first_date``
    and ``last_date`` of the whole table; ``groups``: ``platform``, ``title`` and ``rows`` of
    each (platform, title); ``suspects``: what the engine found out about duplicated keys (None
    when it cannot tell: every group may hold one)."""

    totals: Mapping[str, Any]
    groups: pa.Table
    suspects: DuplicateSuspects | None

    @property
    def clean(self) -> bool:
        """Whether every row holds every column and no hours are negative."""
        rows = self.totals["rows"]
        least = self.totals["least_hours"]
        held = all(self.totals[f"held_{name}"] == rows for name in VIEWERSHIP.column_names)
        return held and (least is None or least >= 0)

    @property
    def last_date(self) -> dt.date | None:
        """The latest date of any row."""
        last: dt.date | None = self.totals["last_date"]
        return last


def totals_of(groups: pa.Table) -> dict[str, Any]:
    """The whole-table figures summed from per-group ones (``rows``, ``held_<column>``,
    ``least_hours``, ``first_date``, ``last_date`` of each group)."""
    totals: dict[str, Any] = {
        name: pc.sum(groups[name]).as_py() or 0
        for name in ["rows", *(f"held_{c}" for c in VIEWERSHIP.column_names)]
    }
    totals["least_hours"] = pc.min(groups["least_hours"]).as_py()
    totals["first_date"] = pc.min(groups["first_date"]).as_py()
    totals["last_date"] = pc.max(groups["last_date"]).as_py()
    return totals
