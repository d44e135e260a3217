"""A deterministic generator of realistic residual input folders (SPEC §6.1), for benchmarks.

The four small tables (productions, titles, cast, subscribers) are drawn with NumPy from ``seed``;
the viewership table, which may hold 100,000,000 rows, is produced by one DuckDB query that expands
a per-title allocation into rows, so no Python loop touches individual rows.

Shape of the data:

* titles belong to productions of 1 to 10 episodes; 85% of productions are ``hb-svod``;
  premieres fall between 2023-01-01 and 2025-09-30 (so some never qualify for a bonus);
* viewership covers two years from 2024-01-01, 60 territories, 5 platforms (each title is on its
  production's platform); the rows per title follow a Zipf-like popularity (popular titles fill
  every territory and day after their premiere, the long tail gets a few rows);
* each (platform, title, territory, date) appears once, except ``duplicates`` exact copies of
  randomly chosen rows, as real feeds occasionally resend a report.

Example::

    generate_dataset(Path("data"), rows=1_000_000, titles=2_000, seed=7)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from likeness.errors import InvalidInputError

PLATFORMS = ("streamflix", "vidora", "peakplay", "nimbus", "orbitv")
TERRITORIES = (
    "US", "CA", "GB", "IE", "FR", "DE", "ES", "IT", "PT", "NL",
    "BE", "LU", "CH", "AT", "DK", "SE", "NO", "FI", "IS", "PL",
    "CZ", "SK", "HU", "RO", "BG", "GR", "HR", "SI", "EE", "LV",
    "LT", "TR", "IL", "AE", "SA", "EG", "ZA", "NG", "KE", "MA",
    "IN", "PK", "JP", "KR", "TW", "HK", "SG", "MY", "TH", "PH",
    "ID", "VN", "AU", "NZ", "MX", "BR", "AR", "CL", "CO", "PE",
)  # fmt: skip
VIEWERSHIP_START = dt.date(2024, 1, 1)
VIEWERSHIP_DAYS = 731  # 2024-01-01 to 2025-12-31
_EPOCH = dt.date(1970, 1, 1)
#: hours (in cents) of a row of the most popular title, before the territory and day factors
HOURS_SCALE = 1_000_000_000
_KINDS_OTHER = ("theatrical", "television")
#: the largest dataset generated: 10,000,000,000 viewership rows over 10,000,000 titles
MAX_ROWS = 10_000_000_000
MAX_TITLES = 10_000_000
#: the most performers in one production's cast
_MOST_CAST = 12


@dataclass(frozen=True, slots=True)
class GeneratedDataset:
    """What :func:`generate_dataset` wrote."""

    directory: Path
    rows: int
    titles: int
    productions: int
    duplicates: int


def generate_dataset(
    directory: Path,
    *,
    rows: int,
    titles: int,
    seed: int,
    duplicates: int = 0,
    platforms: int = 5,
    territories: int = 60,
    threads: int | None = None,
) -> GeneratedDataset:
    """Write the five tables of SPEC §6.1 as Parquet files into ``directory``.

    ``rows`` is the number of viewership rows, ``duplicates`` of them exact copies of others.
    The same arguments always give the same data. The tables are written into a temporary
    folder beside ``directory`` and moved into place at the end, so a failed run leaves nothing.

    :raises InvalidInputError: when the arguments cannot give such a dataset (for instance more
        rows than titles x territories x days can hold), or ``directory`` holds anything.
    """
    if not (0 <= rows <= MAX_ROWS and 1 <= titles <= MAX_TITLES and 0 <= duplicates <= rows):
        raise InvalidInputError(
            f"generate: rows={rows}, titles={titles}, duplicates={duplicates} (expected 0 <= rows"
            f" <= {MAX_ROWS:,}, 1 <= titles <= {MAX_TITLES:,}, 0 <= duplicates <= rows)"
        )
    if not 1 <= platforms <= len(PLATFORMS) or not 2 <= territories <= len(TERRITORIES):
        raise InvalidInputError(
            f"generate: platforms={platforms}, territories={territories} "
            f"(expected 1..{len(PLATFORMS)} platforms and 2..{len(TERRITORIES)} territories)"
        )
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InvalidInputError(
            f"generate: {directory} already exists and is not an empty folder (expected a new"
            " or empty folder, so that no earlier table is mixed with new ones)"
        )
    directory.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", dir=directory.parent))
    try:
        made = _generate(work, rows, titles, seed, duplicates, platforms, territories, threads)
        if directory.exists():
            directory.rmdir()
        work.rename(directory)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return dataclasses.replace(made, directory=directory)


def _generate(
    directory: Path,
    rows: int,
    titles: int,
    seed: int,
    duplicates: int,
    platforms: int,
    territories: int,
    threads: int | None,
) -> GeneratedDataset:
    """:func:`generate_dataset` into the (new, empty) folder ``directory``."""
    rng = np.random.default_rng(seed)
    platform_names = PLATFORMS[:platforms]
    territory_names = TERRITORIES[:territories]

    # productions and titles
    episodes = rng.integers(1, 11, size=titles)  # more than enough productions
    ends = np.cumsum(episodes)
    n_productions = int(np.searchsorted(ends, titles) + 1)
    episodes = episodes[:n_productions].copy()
    episodes[-1] -= int(ends[n_productions - 1] - titles)
    production_ids = np.array([f"PR{i:06d}" for i in range(1, n_productions + 1)])
    production_platform = rng.integers(0, platforms, size=n_productions)
    is_svod = rng.random(n_productions) < 0.85
    other_kind = rng.integers(0, len(_KINDS_OTHER), size=n_productions)
    kinds = np.where(is_svod, "hb-svod", np.array(_KINDS_OTHER)[other_kind])
    first_premiere = (dt.date(2023, 1, 1) - _EPOCH).days + rng.integers(
        0, (dt.date(2025, 9, 30) - dt.date(2023, 1, 1)).days + 1, n_productions
    )
    weekly = rng.random(n_productions) < 0.6
    runtime = rng.choice(np.array([22, 30, 45, 60, 90, 120]), size=n_productions)

    title_production = np.repeat(np.arange(n_productions), episodes)
    episode_no = np.arange(titles) - np.repeat(np.cumsum(episodes) - episodes, episodes)
    premiere_days = first_premiere[title_production] + np.where(
        weekly[title_production], 7 * episode_no, 0
    )
    title_ids = np.array([f"T{i:07d}" for i in range(1, titles + 1)])

    _write(
        directory / "productions.parquet",
        {
            "production": pa.array(production_ids, pa.string()),
            "kind": pa.array(kinds, pa.string()),
            "platform": pa.array(np.array(platform_names)[production_platform], pa.string()),
        },
    )
    _write(
        directory / "titles.parquet",
        {
            "production": pa.array(production_ids[title_production], pa.string()),
            "title": pa.array(title_ids, pa.string()),
            "runtime_minutes": pa.array(runtime[title_production], pa.int32()),
            "premiere": pa.array(premiere_days.astype("int32"), pa.date32()),
        },
    )
    _write_cast(directory / "cast.parquet", rng, production_ids)
    _write_subscribers(directory / "subscribers.parquet", rng, platform_names, territory_names)

    # viewership: how many rows each title gets
    start_day = (VIEWERSHIP_START - _EPOCH).days
    first_day = np.maximum(premiere_days, start_day)
    available_days = np.clip(start_day + VIEWERSHIP_DAYS - first_day, 0, None)
    capacity = available_days * territories
    unique_rows = rows - duplicates
    popularity = 1.0 / np.power(rng.permutation(titles) + 1.0, 1.1)
    allocation = _allocate(unique_rows, popularity, capacity)
    if duplicates and not allocation.any():
        raise InvalidInputError("generate: duplicates need at least one unique row to copy")
    title_seed = rng.integers(0, 1_000_003, size=titles)
    # hours per row: a title's total hours follow its popularity (flattened, so that a few
    # percent of production-years pass the success metric), whatever its number of rows
    weight = np.power(popularity / popularity.max(), 0.55)
    density = capacity / np.maximum(allocation, 1)
    base_cents = np.maximum(100, HOURS_SCALE * weight * density).astype(np.int64)
    alloc = pa.table(
        {
            "platform": pa.array(
                np.array(platform_names)[production_platform[title_production]], pa.string()
            ),
            "title": pa.array(title_ids, pa.string()),
            "first_day": pa.array(first_day.astype(np.int64)),
            "capacity": pa.array(capacity.astype(np.int64)),
            "n": pa.array(allocation.astype(np.int64)),
            "tseed": pa.array(title_seed.astype(np.int64)),
            "base_cents": pa.array(base_cents),
        }
    )
    has_rows = np.flatnonzero(allocation)
    dup_title = (
        rng.choice(has_rows, size=duplicates, p=allocation[has_rows] / allocation[has_rows].sum())
        if duplicates
        else np.zeros(0, dtype=np.int64)
    )
    dup_j = (rng.random(duplicates) * allocation[dup_title]).astype(np.int64)
    dups = pa.table({"title": pa.array(title_ids[dup_title], pa.string()), "j": dup_j})
    names = "[" + ", ".join(f"'{t}'" for t in territory_names) + "]"
    factors = "[" + ", ".join(str(int(w)) for w in _territory_weights(territories)) + "]"
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        if threads is not None:
            con.execute(f"SET threads = {int(threads)}")
        con.register("alloc", alloc)
        con.register("dups", dups)
        target = str(directory / "viewership.parquet").replace("'", "''")
        # row j of a title takes cell floor(j * capacity / n): distinct cells, spread evenly over
        # the title's territory x day grid; a duplicate repeats the cell of an existing row
        con.execute(
            f"""
            COPY (
              WITH rows AS (
                SELECT a.*, r.j FROM alloc a, range(a.n) r(j) WHERE a.n > 0
                UNION ALL
                SELECT a.*, d.j FROM dups d JOIN alloc a ON a.title = d.title
              ),
              cells AS (
                SELECT *, (j * capacity) // n AS c, (c + tseed) % {territories} AS slot
                FROM rows
              )
              SELECT
                platform,
                title,
                {names}[slot + 1] AS territory,
                CAST(DATE '1970-01-01' + CAST(first_day + c // {territories} AS INTEGER) AS DATE)
                  AS date,
                CAST(GREATEST(1, base_cents * {factors}[slot + 1]
                     * (50 + (j * 2654435761 + tseed) % 101)
                     // (100 * (30 + c // {territories}))) / 100 AS DECIMAL(18, 2)) AS hours
              FROM cells
            ) TO '{target}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1048576)
            """
        )
    finally:
        con.close()
    return GeneratedDataset(directory, rows, titles, n_productions, duplicates)


def _allocate(
    total: int, popularity: npt.NDArray[np.float64], capacity: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Split ``total`` rows over titles in proportion to popularity, none above its capacity."""
    if total > int(capacity.sum()):
        raise InvalidInputError(
            f"generate: {total} unique viewership rows do not fit in {int(capacity.sum())} "
            "title x territory x day cells (expected fewer rows or more titles)"
        )
    allocation = np.zeros(len(capacity), dtype=np.int64)
    remaining = total
    open_ = capacity > 0
    while remaining > 0:
        weights = np.where(open_, popularity, 0.0)
        share = np.floor(weights / weights.sum() * remaining).astype(np.int64)
        if share.sum() == 0:  # fewer rows left than open titles: one each to the most popular
            order = np.argsort(-weights, kind="stable")[:remaining]
            share[order] = 1
        share = np.minimum(share, capacity - allocation)
        allocation += share
        remaining -= int(share.sum())
        open_ = allocation < capacity
    return allocation


def _territory_weights(territories: int) -> npt.NDArray[np.int64]:
    """Hours weight per territory: the US largest, Canada next, the rest of the world smaller."""
    weights = np.full(territories, 2, dtype=np.int64)
    weights[0] = 20
    weights[1] = 4
    weights[2:7] = 3
    return weights


def _write_cast(path: Path, rng: np.random.Generator, production_ids: npt.NDArray[np.str_]) -> None:
    pool = max(_MOST_CAST, len(production_ids) * 3)  # enough performers for any cast
    productions: list[str] = []
    performers: list[int] = []
    for production in production_ids:
        size = int(rng.integers(2, _MOST_CAST + 1))
        productions.extend([str(production)] * size)
        performers.extend(int(p) for p in rng.choice(pool, size=size, replace=False))
    bases = rng.integers(50_000, 2_500_001, size=len(performers))  # cents
    _write(
        path,
        {
            "production": pa.array(productions, pa.string()),
            "performer": pa.array([f"PF{p:06d}" for p in performers], pa.string()),
            "residual_base": pa.array(
                [Decimal(int(cents)).scaleb(-2) for cents in bases], pa.decimal128(18, 2)
            ),
        },
    )


def _write_subscribers(
    path: Path, rng: np.random.Generator, platforms: tuple[str, ...], territories: tuple[str, ...]
) -> None:
    as_of = [dt.date(2022 + q // 4, 1 + 3 * (q % 4), 1) for q in range(17)]  # 2022-01 to 2026-01
    rows_platform: list[str] = []
    rows_territory: list[str] = []
    rows_as_of: list[dt.date] = []
    rows_subscribers: list[int] = []
    for platform in platforms:
        for index, territory in enumerate(territories):
            scale = 40_000_000 if index == 0 else 5_000_000 if index == 1 else 2_000_000
            base = int(rng.integers(scale // 4, scale + 1))
            growth = 1.0 + float(rng.uniform(0.0, 0.05))
            for quarter, day in enumerate(as_of):
                rows_platform.append(platform)
                rows_territory.append(territory)
                rows_as_of.append(day)
                rows_subscribers.append(int(base * growth**quarter))
    _write(
        path,
        {
            "platform": pa.array(rows_platform, pa.string()),
            "territory": pa.array(rows_territory, pa.string()),
            "as_of": pa.array(rows_as_of, pa.date32()),
            "subscribers": pa.array(rows_subscribers, pa.int64()),
        },
    )


def _write(path: Path, columns: dict[str, pa.Array]) -> None:
    pq.write_table(pa.table(columns), path)
