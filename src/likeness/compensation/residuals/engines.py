"""The two engines the residual pipeline runs on: DuckDB (in process) and Apache Spark.

An engine reads files into named views, registers small Arrow tables, and runs SQL text;
*what* is computed is defined once, in :mod:`.pipeline`, and compiled to each engine's dialect.
The one place the engines differ is how they find duplicated viewership keys without grouping
billions of rows (:meth:`Engine.viewership_overview`, :meth:`Engine.duplicate_candidates`):
DuckDB's SQL for that lives in :class:`DuckDBEngine`, so no other module asks which engine it
runs on.

Why compile and not use Ibis backends: Ibis 12's DuckDB backend calls
``DuckDBPyConnection.fetch_arrow_table``, which DuckDB 2.0 removed, so we use Ibis as the
pipeline language and compiler (``ibis.to_sql``) and run the SQL through each engine's own API.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import duckdb
import pyarrow as pa

from likeness.compensation.residuals import pipeline
from likeness.compensation.residuals.schemas import VIEWERSHIP
from likeness.compensation.residuals.settings import DEFAULT_SPARK_MASTER
from likeness.errors import CompensationError, InvalidInputError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from pyspark.sql import SparkSession

ENGINES = ("duckdb", "spark")

_DECIMAL = re.compile(r"^decimal\((\d+),\s*(\d+)\)$", re.IGNORECASE)
#: the largest territory x day bitmap DuckDB builds per title (<= 250 kB of bits)
_BITMAP_BITS = 2_000_000


class Engine(Protocol):
    """What the pipeline needs from an engine."""

    name: str
    #: the Ibis/SQLGlot dialect SQL is compiled to
    dialect: str

    def load(self, view: str, path: Path) -> dict[str, str]:
        """Expose the file at ``path`` as view ``view``; return its columns with Ibis types.

        CSV files are read as text (every column a string) so that validation can report each
        value that does not convert; Parquet files keep their types.
        """
        ...

    def register(self, view: str, table: pa.Table) -> None:
        """Expose an in-memory Arrow table as view ``view``."""
        ...

    def define(self, view: str, sql: str) -> None:
        """Create (or replace) view ``view`` as the query ``sql``."""
        ...

    def query(self, sql: str) -> pa.Table:
        """Run ``sql`` and return the whole result."""
        ...

    def viewership_overview(self, typed: ir.Table) -> tuple[pa.Table, pa.Table | None]:
        """The rows of :func:`pipeline.viewership_overview` over ``typed`` (a view this engine
        holds), and what the same scan tells about duplicated keys.

        The second item is the (platform, title, first_date, last_date) groups that may hold a
        duplicated key (an empty table: none does), or None when the engine cannot tell (every
        group may); pass it to :meth:`duplicate_candidates`.
        """
        ...

    def duplicate_candidates(self, typed: ir.Table, suspects: pa.Table | None) -> pa.Table | None:
        """The (platform, title, territory) groups of ``typed`` that the exact search for
        duplicated keys (:func:`pipeline.duplicate_keys`) must cover, given the ``suspects`` of
        :meth:`viewership_overview`; an empty table when none, None for every group."""
        ...

    def close(self) -> None:
        """Release the engine's resources."""
        ...


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

    def viewership_overview(self, typed: ir.Table) -> tuple[pa.Table, pa.Table | None]:
        """The overview plus a duplicate bitmap per (platform, title) in the same scan: one bit
        per territory x day. A group with more rows than set bits holds a duplicated key; one
        with as many holds none. No suspects (None) when the bitmaps would be too large (then
        the caller groups every key).
        """
        view = typed.get_name()
        first, last, territories = (
            self.query(
                "SELECT min(date) AS first, max(date) AS last, "
                f'list(DISTINCT territory) AS territories FROM "{view}"'
            )
            .to_pylist()[0]
            .values()
        )
        territories = sorted(t for t in territories or [] if t is not None)
        span = (last - first).days + 1 if first is not None else 1
        width = span * max(1, len(territories))
        held = ", ".join(f"count({name}) AS held_{name}" for name in VIEWERSHIP.column_names)
        bitmap = first is not None and width <= _BITMAP_BITS
        if bitmap:
            self.register(
                "territory_index",
                pa.table(
                    {
                        "territory": pa.array(territories, pa.string()),
                        "slot": pa.array(range(len(territories)), pa.int64()),
                    }
                ),
            )
            source = (
                f"SELECT v.*, t.slot * {span} + (v.date - DATE '{first.isoformat()}') AS slot "
                f'FROM "{view}" v LEFT JOIN territory_index t ON v.territory = t.territory'
            )
            suspect = f", count(slot) > bit_count(bitstring_agg(slot, 0, {width - 1})) AS suspect"
        else:
            source, suspect = f'SELECT * FROM "{view}"', ""
        overview = self.query(
            f"""
            SELECT platform, title, count(*) AS rows, {held}, min(hours) AS least_hours,
                   min(date) AS first_date, max(date) AS last_date{suspect}
            FROM ({source})
            GROUP BY platform, title
            """
        )
        if not bitmap:
            return overview, None
        flagged = [
            row
            for row in overview.select(
                ["platform", "title", "first_date", "last_date", "suspect"]
            ).to_pylist()
            if row["suspect"]
        ]
        return overview, pa.table(
            {
                "platform": pa.array([r["platform"] for r in flagged], pa.string()),
                "title": pa.array([r["title"] for r in flagged], pa.string()),
                "first_date": pa.array([r["first_date"] for r in flagged], pa.date32()),
                "last_date": pa.array([r["last_date"] for r in flagged], pa.date32()),
            }
        )

    def duplicate_candidates(self, typed: ir.Table, suspects: pa.Table | None) -> pa.Table | None:
        """Narrow the suspect (platform, title) groups down to (platform, title, territory) with
        one bitmap of days per group, so the exact search groups a handful of rows, not whole
        titles."""
        if suspects is None:
            return None
        if suspects.num_rows == 0:
            return _NO_CANDIDATES
        first = min(suspects.column("first_date").to_pylist())
        last = max(suspects.column("last_date").to_pylist())
        self.register("duplicate_suspects", suspects.select(["platform", "title"]))
        return self.query(
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

    def close(self) -> None:
        self.connection.close()


class SparkEngine:
    """Apache Spark: local mode (``local[N]``) or a cluster named by its master URL."""

    name = "spark"
    dialect = "pyspark"

    def __init__(
        self, master: str = DEFAULT_SPARK_MASTER, *, session: SparkSession | None = None
    ) -> None:
        self._owns_session = session is None
        # a shared session gets a child with its own temporary views (same SparkContext)
        self.spark = spark_session(master) if session is None else session.newSession()

    def load(self, view: str, path: Path) -> dict[str, str]:
        reader = self.spark.read
        try:
            if path.suffix == ".parquet":
                frame = reader.parquet(str(path))
            else:
                frame = (
                    reader.option("header", "true")
                    .option("quote", '"')
                    .option("escape", '"')
                    .option("mode", "PERMISSIVE")
                    .csv(str(path))
                )
        except Exception as exc:  # pyspark raises its own tree; report it as a bad file
            raise InvalidInputError(f"{path}: cannot be read ({exc})") from exc
        frame.createOrReplaceTempView(view)
        return {
            field.name: spark_ibis_type(field.dataType.simpleString())
            for field in frame.schema.fields
        }

    def register(self, view: str, table: pa.Table) -> None:
        self.spark.createDataFrame(table).createOrReplaceTempView(view)

    def define(self, view: str, sql: str) -> None:
        self.spark.sql(sql).createOrReplaceTempView(view)

    def query(self, sql: str) -> pa.Table:
        result: pa.Table = self.spark.sql(sql).toArrow()
        return result

    def viewership_overview(self, typed: ir.Table) -> tuple[pa.Table, pa.Table | None]:
        """The overview alone: Spark SQL has no bitmap aggregate to find duplicate suspects in
        the same scan, so the duplicate search groups every key."""
        return self.query(pipeline.to_sql(pipeline.viewership_overview(typed), self.dialect)), None

    def duplicate_candidates(self, typed: ir.Table, suspects: pa.Table | None) -> pa.Table | None:
        """None: every group (this engine's overview names no suspects)."""
        return None

    def close(self) -> None:
        if self._owns_session:
            self.spark.stop()


_NO_CANDIDATES = pa.table(
    {
        "platform": pa.array([], pa.string()),
        "title": pa.array([], pa.string()),
        "territory": pa.array([], pa.string()),
    }
)


def spark_session(master: str = DEFAULT_SPARK_MASTER, **config: Any) -> SparkSession:
    """A Spark session set up for the residual pipeline (UTC, case-sensitive, no web UI).

    :raises CompensationError: when pyspark is not installed (``pip install likeness[spark]``).
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - the dev environment has pyspark
        raise CompensationError("--engine spark needs pyspark (install likeness[spark])") from exc
    builder = (
        SparkSession.builder.master(master)
        .appName("likeness-residuals")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.caseSensitive", "true")
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.driver.memory", "2g")
    )
    for key, value in config.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def create_engine(name: str, *, spark_master: str = DEFAULT_SPARK_MASTER) -> Engine:
    """The engine called ``name`` (``duckdb`` or ``spark``).

    :raises InvalidInputError: for any other name.
    """
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(spark_master)
    raise InvalidInputError(f"engine {name!r} (expected one of {', '.join(ENGINES)})")


def duckdb_ibis_type(type_name: str) -> str:
    """The Ibis type of a DuckDB column type, or ``binary`` for types the pipeline rejects."""
    upper = type_name.upper()
    if upper in {"VARCHAR", "TEXT", "STRING"}:
        return "string"
    if upper in {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}:
        return "int64"
    if upper in {"DOUBLE", "FLOAT", "REAL"}:
        return "float64"
    if upper == "DATE":
        return "date"
    if upper.startswith("TIMESTAMP"):
        return "timestamp"
    if upper == "BOOLEAN":
        return "boolean"
    match = _DECIMAL.match(type_name.replace(" ", ""))
    if match:
        return f"decimal({match.group(1)},{match.group(2)})"
    return "binary"


def spark_ibis_type(type_name: str) -> str:
    """The Ibis type of a Spark column type (``simpleString``), or ``binary`` otherwise."""
    lower = type_name.lower()
    if lower == "string" or lower.startswith(("varchar", "char")):
        return "string"
    if lower in {"tinyint", "smallint", "int", "bigint"}:
        return "int64"
    if lower in {"double", "float"}:
        return "float64"
    if lower == "date":
        return "date"
    if lower.startswith("timestamp"):
        return "timestamp"
    if lower == "boolean":
        return "boolean"
    match = _DECIMAL.match(lower.replace(" ", ""))
    if match:
        return f"decimal({match.group(1)},{match.group(2)})"
    return "binary"
