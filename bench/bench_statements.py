"""Statements benchmark: one performer's statement, the union's dues report, and a PDF.

Builds (once; reused from ``.bench-data/statements-<lines>-<performers>.db`` when its parameters
match) a SQLite database, migrated as ``likeness`` migrates it, holding ``--lines`` pay lines
(default 1,000,000) over ``--performers`` performers (100,000), ``--producers`` producers and
``--productions`` productions, dated 2024 to 2026. Each use has a pay line and, half the time, a
pension-and-health line of 21% of its pay (so a third of the lines); about 60% of the lines are
paid. The rows go in straight through the tables (bulk inserts in one transaction): what is
measured is reading. Each use's performer is ``int(performers * u ** --skew)`` for a uniform
``u``: with the default skew 1 every performer is as likely (about ten lines each, the busiest
a few dozen); ``--skew 2`` makes a few busy ones (the busiest with thousands of lines at the
default sizes), whose PDF is then many pages.

Then, through a read-only unit of work as the API uses:

* ``--statements`` statements of random performers over 2024-01-01 to 2026-12-31, each timed
  from opening the unit of work to the built statement (p50, p95);
* the union's dues report (every producer's owed, paid and due), once;
* the statement of the busiest performer as JSON, CSV and PDF (the PDF twice: cold, then warm;
  ``pdf_s`` is the first).

Totals are checked: paid + due = owed on a statement, its owed equals its lines' amounts (and
the amounts in the table), and the report's owed and paid equal what was inserted, to the cent.

Goals: one statement <= 20 ms p50, the dues report <= 5 s, one PDF <= 1 s.

Last line (one line)::

    statements: one_p50_ms=… dues_report_s=… pdf_s=… one_p95_ms=… pdf_lines=… json_ms=…
        csv_ms=… pdf_warm_s=… lines=… performers=… load_s=…

``load_s`` is the time to build the database this run (0 when it came from the cache).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, insert, select

from likeness.domain.principals import OPERATOR
from likeness.interchange.statement_pdf import statement_pdf
from likeness.interchange.statements import statement_csv, statement_json
from likeness.services.statements import dues_report, statement
from likeness.storage import tables as t
from likeness.storage.database import make_engine, upgrade
from likeness.storage.unit_of_work import SqlUnitOfWork

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".bench-data"
START = dt.date(2024, 1, 1)
END = dt.date(2026, 12, 31)
BATCH = 10_000
WHAT = ("as-scripted", "new-performance", "dubbing", "promotion", "stunt")
RECORDED_AT = dt.datetime(2027, 1, 15, 12, 0, 0)  # naive UTC, as the payments table keeps it


def performer_id(n: int) -> str:
    return f"P{n:07d}"


def production_id(n: int) -> str:
    return f"F{n:05d}"


def producer_id(n: int) -> str:
    return f"S{n:04d}"


def cents(value: int) -> Decimal:
    """Whole cents as a two-place Decimal (exact)."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    return Decimal(f"{sign}{value // 100}.{value % 100:02d}")


class Generated:
    """What was inserted, summed in Python: the report must give the same cents."""

    def __init__(self) -> None:
        self.lines = 0
        self.paid_lines = 0
        self.owed = Decimal("0.00")
        self.paid = Decimal("0.00")


def pay_lines(
    sums: Generated, params: dict[str, Any]
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Batches of (pay line rows, payment rows), summed into ``sums`` as they are made."""
    lines, performers, skew = params["lines"], params["performers"], params["skew"]
    productions, producers = params["productions"], params["producers"]
    rng = random.Random(params["seed"])
    days = (END - START).days + 1
    batch: list[dict[str, Any]] = []
    paid: list[dict[str, Any]] = []
    use = 0
    while sums.lines < lines:
        use += 1
        who = performer_id(int(performers * rng.random() ** skew))
        production = rng.randrange(productions)
        date = START + dt.timedelta(days=rng.randrange(days))
        quantity = rng.randint(1, 10)
        pay_cents = quantity * rng.randint(20_000, 150_000)
        amounts = [("pay", pay_cents)]
        if rng.random() < 0.5:
            amounts.append(("pension-health", (pay_cents * 21 + 50) // 100))
        common = {
            "use_id": None,
            "performer_id": who,
            "production_id": production_id(production),
            "date": date,
            "currency": "USD",
            "producer_id": producer_id(production % producers),
            "source": "use",
            "subject": f"R{who[1:]}-{rng.randrange(3)}",
            "what": WHAT[rng.randrange(len(WHAT))],
            "quantity": quantity,
            "ledger_index": use,
        }
        for position, (kind, amount_cents) in enumerate(amounts):
            if sums.lines == lines:
                break
            sums.lines += 1
            amount = cents(amount_cents)
            sums.owed += amount
            batch.append(
                {
                    **common,
                    "id": sums.lines,
                    "position": position,
                    "kind": kind,
                    "amount": amount,
                    "rule": "sag-aftra-tv-theatrical-2023/digital-replica",
                    "rate_row": f"{kind} per day, {common['what']}",
                }
            )
            if rng.random() < 0.6:
                sums.paid_lines += 1
                sums.paid += amount
                paid.append(
                    {
                        "line_id": sums.lines,
                        "paid_on": date + dt.timedelta(days=rng.randrange(1, 60)),
                        "reference": f"WIRE-{sums.lines:08d}",
                        "recorded_by": "bench",
                        "recorded_at": RECORDED_AT,
                        "ledger_index": lines + sums.paid_lines,
                    }
                )
            if len(batch) == BATCH:
                yield batch, paid
                batch, paid = [], []
    if batch:
        yield batch, paid


def build(path: Path, params: dict[str, Any]) -> dict[str, Any]:
    """Create the database at ``path`` (migrated, then loaded); return what was inserted."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    sums = Generated()
    with engine.begin() as conn:
        conn.execute(
            insert(t.producers),
            [{"id": producer_id(n), "name": f"Producer {n}"} for n in range(params["producers"])],
        )
        conn.execute(
            insert(t.productions),
            [
                {
                    "id": production_id(n),
                    "title": f"Production {n}",
                    "producer_id": producer_id(n % params["producers"]),
                    "kind": "television",
                    "agreement": "sag-aftra-tv-theatrical-2023",
                    "principal_photography": None,
                }
                for n in range(params["productions"])
            ],
        )
        for start in range(0, params["performers"], BATCH):
            stop = min(start + BATCH, params["performers"])
            conn.execute(
                insert(t.performers),
                [
                    {
                        "id": performer_id(n),
                        "name": f"Performer {n}",
                        "category": "principal",
                        "born": dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                    }
                    for n in range(start, stop)
                ],
            )
        for lines, paid in pay_lines(sums, params):
            conn.execute(insert(t.pay_lines), lines)
            if paid:
                conn.execute(insert(t.payments), paid)
    engine.dispose()  # no ANALYZE: likeness never runs one, so neither does the benchmark
    return {
        "lines": sums.lines,
        "paid_lines": sums.paid_lines,
        "owed": str(sums.owed),
        "paid": str(sums.paid),
    }


def database(params: dict[str, Any], cache: bool, work: Path) -> tuple[Path, dict[str, Any], float]:
    """The database for ``params`` (from the cache when there), what it holds, the load time."""
    name = f"statements-{params['lines']}-{params['performers']}.db"
    if cache:
        path = CACHE / name
        marker = path.with_suffix(".json")
        if path.exists() and marker.exists():
            saved = json.loads(marker.read_text())
            if saved.get("params") == params:
                print(f"reusing {path}")
                return path, saved["inserted"], 0.0
    started = time.perf_counter()
    # built in a temp dir and moved into the cache whole, so a cut-short load is never reused
    building = work / name
    inserted = build(building, params)
    load_s = time.perf_counter() - started
    print(
        f"loaded {inserted['lines']:,} pay lines ({inserted['paid_lines']:,} paid) over "
        f"{params['performers']:,} performers in {load_s:.1f} s: "
        f"{inserted['lines'] / load_s:,.0f} lines/s"
    )
    if not cache:
        return building, inserted, load_s
    path.unlink(missing_ok=True)
    marker.unlink(missing_ok=True)
    shutil.move(building, path)
    marker.write_text(json.dumps({"params": params, "inserted": inserted}))
    return path, inserted, load_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="pay lines")
    parser.add_argument("--performers", type=int, default=100_000, help="performers")
    parser.add_argument("--producers", type=int, default=200, help="producers")
    parser.add_argument("--productions", type=int, default=2_000, help="productions")
    parser.add_argument("--statements", type=int, default=200, help="random statements timed")
    parser.add_argument("--skew", type=float, default=1.0, help="performer skew (1: uniform)")
    parser.add_argument("--seed", type=int, default=1212, help="random seed of the data")
    parser.add_argument(
        "--no-cache", action="store_true", help="build in a temp dir and delete it afterwards"
    )
    parser.add_argument("--dir", type=Path, default=None, help="work directory (default: temp)")
    args = parser.parse_args()
    params = {
        "lines": args.lines,
        "performers": args.performers,
        "producers": args.producers,
        "productions": args.productions,
        "skew": args.skew,
        "seed": args.seed,
        "v": 1,
    }
    cache = not args.no_cache
    if cache and args.dir is None:
        # built next to the cache (one file system: the finished database is moved, not copied)
        CACHE.mkdir(exist_ok=True)
    work = Path(
        tempfile.mkdtemp(prefix="bench-statements-", dir=args.dir or (CACHE if cache else None))
    )
    try:
        path, inserted, load_s = database(params, cache, work)
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)  # a cached database gets any migration added since it was built
        try:
            run(engine, params, inserted, load_s, args.statements)
        finally:
            engine.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(
    engine: Engine, params: dict[str, Any], inserted: dict[str, Any], load_s: float, count: int
) -> None:
    with engine.connect() as conn:
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        rows = conn.execute(select(func.count()).select_from(t.pay_lines)).scalar_one()
        busiest, busiest_lines = conn.execute(
            select(t.pay_lines.c.performer_id, func.count())
            .group_by(t.pay_lines.c.performer_id)
            .order_by(func.count().desc(), t.pay_lines.c.performer_id)
            .limit(1)
        ).one()
    if rows != inserted["lines"]:
        raise SystemExit(f"the database holds {rows:,} pay lines, expected {inserted['lines']:,}")
    print(f"sqlite file, journal_mode={journal}: {rows:,} pay lines")

    # ---- one statement, many times ----
    rng = random.Random(77)
    chosen = [performer_id(rng.randrange(params["performers"])) for _ in range(count)]
    with SqlUnitOfWork(engine, write=False) as uow:  # warm-up (pool, compiled queries), untimed
        statement(uow, OPERATOR, chosen[0], START, END)
    timings = []
    line_counts = []
    for who in chosen:
        t0 = time.perf_counter()
        with SqlUnitOfWork(engine, write=False) as uow:
            found = statement(uow, OPERATOR, who, START, END)
        timings.append(time.perf_counter() - t0)
        line_counts.append(found.totals.lines)
    one_p50_ms = statistics.median(timings) * 1e3
    one_p95_ms = sorted(timings)[min(len(timings) - 1, int(len(timings) * 0.95))] * 1e3
    print(
        f"{count} statements of random performers ({START} to {END}; lines each: median "
        f"{statistics.median(line_counts):.0f}, max {max(line_counts)}): "
        f"p50 {one_p50_ms:.2f} ms, p95 {one_p95_ms:.2f} ms"
    )

    # ---- the busiest performer's statement, checked, and its renderings ----
    t0 = time.perf_counter()
    with SqlUnitOfWork(engine, write=False) as uow:
        busy = statement(uow, OPERATOR, busiest, START, END)
        amounts = select(t.pay_lines.c.amount).where(t.pay_lines.c.performer_id == busiest)
        in_table = sum(uow.connection.execute(amounts).scalars(), Decimal("0.00"))
    busy_ms = (time.perf_counter() - t0) * 1e3
    totals = busy.totals
    if totals.paid + totals.due != totals.owed:
        raise SystemExit(f"statement of {busiest}: paid + due != owed ({totals})")
    line_sum = sum((item.line.amount for item in busy.lines), Decimal("0.00"))
    if totals.owed != line_sum or totals.owed != in_table or totals.lines != busiest_lines:
        raise SystemExit(
            f"statement of {busiest}: owed {totals.owed}, its lines sum to {line_sum}, the "
            f"table's to {in_table}; {totals.lines} lines of {busiest_lines}"
        )
    print(
        f"busiest performer {busiest}: {totals.lines:,} lines, owed {totals.owed} = paid "
        f"{totals.paid} + due {totals.due} (checked); statement (and check query) {busy_ms:.1f} ms"
    )
    t0 = time.perf_counter()
    as_json = json.dumps(statement_json(busy))
    json_ms = (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()
    as_csv = statement_csv(busy)
    csv_ms = (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()
    pdf = statement_pdf(busy)
    pdf_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    statement_pdf(busy)
    pdf_warm_s = time.perf_counter() - t0
    print(
        f"  JSON {json_ms:.1f} ms ({len(as_json):,} bytes), CSV {csv_ms:.1f} ms "
        f"({len(as_csv):,} bytes), PDF {pdf_s:.2f} s first, {pdf_warm_s:.2f} s warm "
        f"({len(pdf):,} bytes)"
    )

    # ---- the union's dues report ----
    t0 = time.perf_counter()
    with SqlUnitOfWork(engine, write=False) as uow:
        report = dues_report(uow, OPERATOR)
    dues_report_s = time.perf_counter() - t0
    zero = Decimal("0.00")
    owed = sum((r.owed for r in report), zero)
    paid = sum((r.paid for r in report), zero)
    due = sum((r.due for r in report), zero)
    lines = sum(r.lines for r in report)
    lines_due = sum(r.lines_due for r in report)
    expected_owed, expected_paid = Decimal(inserted["owed"]), Decimal(inserted["paid"])
    if (owed, paid, lines) != (expected_owed, expected_paid, inserted["lines"]) or (
        paid + due != owed or lines - lines_due != inserted["paid_lines"]
    ):
        raise SystemExit(
            f"dues report: owed {owed}, paid {paid}, due {due}, {lines} lines ({lines_due} due);"
            f" inserted owed {expected_owed}, paid {expected_paid}, {inserted['lines']} lines "
            f"({inserted['paid_lines']} paid)"
        )
    print(
        f"dues report: {len(report)} producers in {dues_report_s:.2f} s; owed {owed}, paid "
        f"{paid}, due {due} ({lines_due:,} lines due) - equal to what was inserted"
    )

    print(
        f"statements: one_p50_ms={one_p50_ms:.2f} dues_report_s={dues_report_s:.2f} "
        f"pdf_s={pdf_s:.2f} one_p95_ms={one_p95_ms:.2f} pdf_lines={totals.lines} "
        f"json_ms={json_ms:.1f} csv_ms={csv_ms:.1f} pdf_warm_s={pdf_warm_s:.2f} "
        f"lines={rows} performers={params['performers']} load_s={load_s:.1f}"
    )


if __name__ == "__main__":
    main()
