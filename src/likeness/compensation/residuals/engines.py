"""The two engines the residual pipeline runs on: DuckDB (in process) and Apache Spark.

An engine reads files into named views, registers small Arrow tables, and runs SQL text;
*what* is computed is defined once, in :mod:`.pipeline`, and compiled to each engine's dialect.
The one place the engines differ is how they find duplicated viewership keys without grouping
billions of rows (:meth:`Engine.viewership_overview`, :meth:`Engine.duplicate_candidates`):
DuckDB's SQL for that lives in :mod:`.duckdb_engine`, so no other module asks which engine it
runs on.

Why compile and not use Ibis backends: Ibis 12's DuckDB backend calls
``DuckDBPyConnection.fetch_arrow_table``, which DuckDB 2.0 removed, so we use Ibis as the
pipeline language and compiler (``ibis.to_sql``) and run the SQL through each engine's own API.
"""

from __future__ import annotations

import re
import socket
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from likeness.compensation.residuals import pipeline
from likeness.compensation.residuals.duckdb_engine import DuckDBEngine
from likeness.compensation.residuals.duplicate_slots import DuplicateSuspects
from likeness.compensation.residuals.engine_types import duckdb_ibis_type, spark_ibis_type
from likeness.compensation.residuals.overview import ViewershipOverview, totals_of
from likeness.compensation.residuals.settings import DEFAULT_SPARK_MASTER
from likeness.errors import CompensationError, InvalidInputError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from pyspark.sql import SparkSession

ENGINES = ("duckdb", "spark")
#: how long a standalone Spark master has to accept a connection before a run gives up
SPARK_CONNECT_SECONDS = 10.0
_LOCAL_MASTER = re.compile(r"local(\[(\*|[1-9][0-9]*)(,[0-9]+)?\])?")
_STANDALONE_MASTER = re.compile(
    r"spark://((?:[A-Za-z0-9.\-]+:[0-9]{1,5})(?:,[A-Za-z0-9.\-]+:[0-9]{1,5})*)"
)
__all__ = [
    "ENGINES",
    "DuckDBEngine",
    "Engine",
    "SparkEngine",
    "create_engine",
    "duckdb_ibis_type",
    "spark_ibis_type",
    "spark_session",
]


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

    def viewership_overview(
        self, typed: ir.Table, *, statistics: bool = False
    ) -> ViewershipOverview:
        """The whole-table figures and per-(platform, title) row counts of ``typed`` (a view
        this engine holds), and what the same scan tells about duplicated keys.

        ``statistics``: the table's file keeps column statistics (Parquet), so whole-table
        counts, minima and maxima cost no scan where the engine reads them. The suspects say
        which groups may hold a duplicated key (none, when both of their parts are empty), or
        are None when the engine cannot tell (every group may); pass them to
        :meth:`duplicate_candidates`.
        """
        ...

    def duplicate_candidates(
        self, typed: ir.Table, suspects: DuplicateSuspects | None
    ) -> pa.Table | None:
        """The (platform, title, territory) groups of ``typed`` that the exact search for
        duplicated keys (:func:`pipeline.duplicate_keys`) must cover, given the ``suspects`` of
        :meth:`viewership_overview`; an empty table when none, None for every group."""
        ...

    def close(self) -> None:
        """Release the engine's resources."""
        ...


class SparkEngine:
    """Apache Spark: local mode (``local[N]``) or a cluster named by its master URL."""

    name = "spark"
    dialect = "pyspark"

    def __init__(
        self,
        master: str = DEFAULT_SPARK_MASTER,
        *,
        session: SparkSession | None = None,
        timeout: float | None = None,
    ) -> None:
        self._owns_session = session is None
        # a shared session gets a child with its own temporary views (same SparkContext)
        self.spark = (
            spark_session(master, timeout=timeout) if session is None else session.newSession()
        )

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

    def viewership_overview(
        self, typed: ir.Table, *, statistics: bool = False
    ) -> ViewershipOverview:
        """One aggregate per (platform, title), summed for the totals: Spark SQL has no bitmap
        aggregate to find duplicate suspects in the same scan, so the duplicate search groups
        every key."""
        groups = self.query(pipeline.to_sql(pipeline.viewership_overview(typed), self.dialect))
        return ViewershipOverview(totals_of(groups), groups, None)

    def duplicate_candidates(
        self, typed: ir.Table, suspects: DuplicateSuspects | None
    ) -> pa.Table | None:
        """None: every group (this engine's overview names no suspects)."""
        return None

    def close(self) -> None:
        if self._owns_session:
            self.spark.stop()


def spark_session(
    master: str = DEFAULT_SPARK_MASTER, *, timeout: float | None = None, **config: Any
) -> SparkSession:
    """A Spark session set up for the residual pipeline (UTC, case-sensitive, no web UI).

    With ``timeout``, a session that has not started within that many seconds (a master that
    accepts connections but never registers the application: Spark retries for minutes) is
    given up.

    :raises CompensationError: when pyspark is not installed (``pip install likeness[spark]``),
        Spark cannot start, or it did not start in time.
    """
    check_master(master)
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
    started: dict[str, Any] = {}

    def start() -> None:
        try:
            started["session"] = builder.getOrCreate()
        except Exception as exc:  # py4j and pyspark raise their own trees; reported below
            started["error"] = exc

    thread = threading.Thread(target=start, name="spark-start", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise CompensationError(
            f"Spark did not start on {master} within {timeout:g} s (expected a master that"
            " registers the application; see --spark-timeout, or run --spark-master local[2])"
        )
    if "error" in started:
        first = str(started["error"]).strip().splitlines()[0][:300]
        raise CompensationError(f"Spark could not start on {master}: {first}") from started["error"]
    session: SparkSession = started["session"]
    session.sparkContext.setLogLevel("ERROR")
    return session


def check_master(master: str, *, timeout: float = SPARK_CONNECT_SECONDS) -> None:
    """Refuse a Spark master URL Spark would hang on: one of no known form, or a standalone
    master (``spark://host:port[,host:port]``) none of whose hosts accepts a connection within
    ``timeout`` seconds (Spark itself retries for minutes before giving up).

    :raises InvalidInputError: for a malformed URL.
    :raises CompensationError: when no master answers.
    """
    if _LOCAL_MASTER.fullmatch(master) or master.startswith(("yarn", "k8s://", "mesos://")):
        return
    match = _STANDALONE_MASTER.fullmatch(master)
    if match is None:
        raise InvalidInputError(
            f"--spark-master {master!r} (expected local, local[N], local[*] or"
            " spark://HOST:PORT, as Spark takes it)"
        )
    addresses = [part.rsplit(":", 1) for part in match.group(1).split(",")]
    for host, port in addresses:
        try:
            socket.create_connection((host, int(port)), timeout=timeout).close()
            return
        except OSError:
            continue
    raise CompensationError(
        f"Spark master {master} did not answer within {timeout:g} s (expected a running"
        " master at that address, or --spark-master local[2] to run Spark in this process)"
    )


def create_engine(
    name: str, *, spark_master: str = DEFAULT_SPARK_MASTER, spark_timeout: float | None = None
) -> Engine:
    """The engine called ``name`` (``duckdb`` or ``spark``; Spark given up after
    ``spark_timeout`` seconds if it has not started).

    :raises InvalidInputError: for any other name.
    """
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(spark_master, timeout=spark_timeout)
    raise InvalidInputError(f"engine {name!r} (expected one of {', '.join(ENGINES)})")
