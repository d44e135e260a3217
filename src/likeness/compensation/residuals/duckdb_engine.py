"""DuckDB, the default engine of the residual pipeline: in this process, no server needed.

Besides running the pipeline's SQL, it finds duplicated viewership keys in the same scan as the
overview (:meth:`DuckDBEngine.viewership_overview`): one bitmap per (platform, title) with a bit
per key, laid out day-major (``day * territories + territory``) so that rows arriving in date
order touch one cache line of each title's bitmap per day. A group with more rows than set bits
holds a duplicated key; :mod:`.duplicate_slots` names the slots of one or two surplus copies from
sums taken in the same scan, and only groups with more are narrowed down by another scan
(:meth:`DuckDBEngine.duplicate_candidates`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from likeness.compensation.residuals.duplicate_slots import DuplicateSuspects, surplus_slots
from likeness.compensation.residuals.engine_types import duckdb_ibis_type
from likeness.compensation.residuals.overview import ViewershipOverview
from likeness.compensation.residuals.schemas import VIEWERSHIP
from likeness.errors import CompensationError, InvalidInputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

#: the widest territory x day bitmap built per (platform, title) (<= 250 kB of bits)
BITMAP_BITS = 2_000_000
#: unresolved groups holding at most this many rows together are searched whole, unnarrowed
WHOLE_GROUP_ROWS = 2_000_000

#: the whole-table figures of :class:`ViewershipOverview` as one select list
_TOTALS = (
    "count(*) AS rows, "
    + ", ".join(f"count({name}) AS held_{name}" for name in VIEWERSHIP.column_names)
    + ", min(hours) AS least_hours, min(date) AS first_date, max(date) AS last_date"
)


class DuckDBEngine:
    """DuckDB in this process: the default engine, no server needed."""

    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        self.connection = duckdb.connect()
        # results never depend on row order (every output is sorted), so let DuckDB stream freely
        self.connection.execute("SET preserve_insertion_order = false")
        # DuckDB draws its own progress bar on stdout, which would corrupt --json output
        self.connection.execute("SET enable_progress_bar = false")
        if threads is not None:
            self.connection.execute(f"SET threads = {int(threads)}")
        if memory_limit is not None:
            self.connection.execute("SET memory_limit = ?", [memory_limit])

    def load(self, view: str, path: Path) -> dict[str, str]:
        literal = "'" + str(path).replace("'", "''") + "'"
        if path.suffix == ".parquet":
            source = f"read_parquet({literal})"
        else:
            source = (
                f"read_csv({literal}, header = true, all_varchar = true, delim = ',', "
                "quote = '\"', escape = '\"', null_padding = true)"
            )
        try:
            self.connection.execute(f'CREATE OR REPLACE VIEW "{view}" AS SELECT * FROM {source}')
            described = self.connection.execute(f'DESCRIBE "{view}"').fetchall()
        except duckdb.Error as exc:
            raise InvalidInputError(f"{path}: cannot be read ({exc})") from exc
        return {str(row[0]): duckdb_ibis_type(str(row[1])) for row in described}

    def register(self, view: str, table: pa.Table) -> None:
        self.connection.register(view, table)

    def define(self, view: str, sql: str) -> None:
        self.connection.execute(f'CREATE OR REPLACE VIEW "{view}" AS {sql}')

    def query(self, sql: str) -> pa.Table:
        try:
            result: pa.Table = self.connection.sql(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise CompensationError(f"duckdb could not run the residual query: {exc}") from exc
        return result

    def viewership_overview(
        self, typed: ir.Table, *, statistics: bool = False
    ) -> ViewershipOverview:
        """The whole-table figures, the row count of each (platform, title), and the duplicate
        suspects from the same aggregate (see the module). With ``statistics`` (a Parquet file)
        the figures come from the file's footer and the distinct territories from one column;
        otherwise both come from one scan. The suspects are None when the bitmaps would be
        wider than :data:`BITMAP_BITS` (then the caller groups every key)."""
        view = typed.get_name()
        if statistics:
            totals = self.query(f'SELECT {_TOTALS} FROM "{view}"').to_pylist()[0]
            listed = self.query(f'SELECT DISTINCT territory FROM "{view}"')["territory"]
            territories = sorted(t for t in listed.to_pylist() if t is not None)
        else:
            totals = self.query(
                f'SELECT {_TOTALS}, list(DISTINCT territory) AS territories FROM "{view}"'
            ).to_pylist()[0]
            territories = sorted(t for t in totals.pop("territories") or [] if t is not None)
        first, last = totals["first_date"], totals["last_date"]
        count = max(1, len(territories))
        span = (last - first).days + 1 if first is not None else 1
        width = span * count
        if first is None or width > BITMAP_BITS:
            groups = self.query(
                f'SELECT platform, title, count(*) AS rows FROM "{view}" GROUP BY ALL'
            )
            return ViewershipOverview(totals, groups, None)
        self.register(
            "territory_index",
            pa.table(
                {
                    "territory": pa.array(territories, pa.string()),
                    "slot": pa.array(range(len(territories)), pa.int64()),
                }
            ),
        )
        groups = self.query(
            f"""
            SELECT platform, title, rows, slots - bit_count(bits) AS extra,
                   CASE WHEN slots > bit_count(bits) THEN bits END AS bits,
                   slot_sum, slot_squares
            FROM (
              SELECT platform, title, count(*) AS rows, count(slot) AS slots,
                     bitstring_agg(slot, 0, {width - 1}) AS bits,
                     sum(slot) AS slot_sum, sum(slot * slot) AS slot_squares
              FROM (
                SELECT v.platform, v.title,
                       (v.date - DATE '{first.isoformat()}') * {count} + t.slot AS slot
                FROM "{view}" v LEFT JOIN territory_index t ON v.territory = t.territory
              )
              GROUP BY platform, title
            )
            """
        )
        suspects = _suspects(groups, territories, first, last)
        return ViewershipOverview(totals, groups.select(["platform", "title", "rows"]), suspects)

    def duplicate_candidates(
        self, typed: ir.Table, suspects: DuplicateSuspects | None
    ) -> pa.Table | None:
        """The (platform, title, territory) groups named by the overview's sums, plus those of
        the unresolved groups: every territory of each when they hold at most
        :data:`WHOLE_GROUP_ROWS` rows together (the exact search groups them whole, sparing a
        scan), else those found by narrowing each down with one bitmap of days per territory."""
        if suspects is None:
            return None
        resolved = sorted(suspects.resolved)
        unresolved = suspects.unresolved
        if unresolved.num_rows == 0:
            return _candidate_table(resolved)
        if suspects.unresolved_rows <= WHOLE_GROUP_ROWS:
            pairs = zip(
                unresolved["platform"].to_pylist(), unresolved["title"].to_pylist(), strict=True
            )
            every = [(p, t, territory) for p, t in pairs for territory in suspects.territories]
            return _candidate_table(resolved + every)
        first, last = suspects.first_date, suspects.last_date
        self.register("duplicate_suspects", unresolved)
        narrowed = self.query(
            f"""
            SELECT v.platform, v.title, v.territory
            FROM "{typed.get_name()}" v
            SEMI JOIN duplicate_suspects s ON v.platform = s.platform AND v.title = s.title
            WHERE v.territory IS NOT NULL AND v.date IS NOT NULL
            GROUP BY v.platform, v.title, v.territory
            HAVING count(*) > bit_count(bitstring_agg(
                v.date - DATE '{first.isoformat()}', 0, {(last - first).days}))
            """
        )
        named = _candidate_table(resolved)
        return pa.concat_tables([named, narrowed.cast(named.schema)])

    def close(self) -> None:
        self.connection.close()


def _candidate_table(groups: list[tuple[str, str, str]]) -> pa.Table:
    """(platform, title, territory) groups as the table the exact search semi-joins."""
    return pa.table(
        {
            name: pa.array([group[i] for group in groups], pa.string())
            for i, name in enumerate(("platform", "title", "territory"))
        }
    )


def _suspects(
    table: pa.Table, territories: list[str], first: dt.date, last: dt.date
) -> DuplicateSuspects:
    """Each group with surplus copies: its slots named from the sums, or left unresolved."""
    resolved: set[tuple[str, str, str]] = set()
    unresolved: list[tuple[str, str]] = []
    unresolved_rows = 0
    columns = ["platform", "title", "rows", "extra", "slot_sum", "slot_squares", "bits"]
    for row in table.filter(pc.greater(table["extra"], 0)).select(columns).to_pylist():
        slots = surplus_slots(
            row["extra"], int(row["slot_sum"]), int(row["slot_squares"]), row["bits"]
        )
        if slots is None:
            unresolved.append((row["platform"], row["title"]))
            unresolved_rows += row["rows"]
            continue
        for slot in slots:
            resolved.add((row["platform"], row["title"], territories[slot % len(territories)]))
    return DuplicateSuspects(
        frozenset(resolved),
        pa.table(
            {
                "platform": pa.array([p for p, _ in unresolved], pa.string()),
                "title": pa.array([t for _, t in unresolved], pa.string()),
            }
        ),
        first,
        last,
        tuple(territories),
        unresolved_rows,
    )
