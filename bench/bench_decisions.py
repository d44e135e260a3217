"""Decision benchmark: a warm engine over 1,000,000 consents, against Cedar as the peer.

Builds a SQLite registry (``--performers`` 200,000, ``--replicas`` 500,000, ``--consents``
1,000,000 consents: valid and invalid, revoked, expiring, lifetime-only, replica and performer
consents, under the 2023 and 2026 rule sets, with a strike), loads every consent from the
database into a warm engine (timed: ``load_s``), then decides ``--requests`` 100,000 mixed
requests (about half allowed) one at a time in process, timing each decision.

The peer: every valid, authorized consent is written as an equivalent Cedar policy (a
``permit`` on its replica or performer, for its uses, when the production is named and the date
is inside the window, before any revocation and, for a lifetime-only consent, not after the
performer's death), plus shared ``forbid`` policies for the producer, background and strike
checks; each request is evaluated with ``cedarpy.is_authorized`` against the policy set of its
replica (its consents and its performer's, parsed once, not timed). Validity and authority,
which Cedar cannot evaluate, are settled when the policies are written. The script prints how
often the two agree. The engine also prices every allowed request (pay, pension-health) and
builds its obligations and explanation; the Cedar path only answers allow or deny.

Last line::

    decisions: p50_us=… p99_us=… per_s=… cedar_p50_us=… load_s=…
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cedarpy

from likeness.bootstrap import collaborators
from likeness.domain.ids import PerformerId, ProducerId, ProductionId, ReplicaId, RequestId
from likeness.domain.requests import Request, RequestKind
from likeness.domain.strikes import Strike
from likeness.domain.world import World
from likeness.policy.engine import DecisionEngine
from likeness.services.decisions import load_engine
from likeness.storage.database import make_engine, upgrade
from likeness.storage.unit_of_work import SqlUnitOfWork

T2023 = "sag-aftra-tv-theatrical-2023"
T2026 = "sag-aftra-tv-theatrical-2026"
USES = ("crowd-multiplication", "new-performance", "dubbing", "promotion", "stunt", "training")
DESCRIPTIONS = [
    f"{what} in {where}, scene {n}"
    for n, (what, where) in enumerate(
        (what, where)
        for what in (
            "Crowd duplication of the stadium sequence as a spectator",
            "Two new lines of dialogue recorded by the replica",
            "French dubbing of her own lines for the release",
            "Her face in the trailer and the poster campaign",
            "The bridge collapse stunt performed by the replica",
        )
        for where in ("reel one", "reel two", "episode three", "episode six", "the finale")
    )
]
BLANKET = "May be used on any project, in perpetuity, without limitation"


@dataclass(slots=True)
class Row:
    """What the generator keeps of a consent, to make requests and Cedar policies from it."""

    id: str
    replica: str | None
    performer: str | None
    productions: tuple[str, ...]
    uses: tuple[str, ...]
    valid_from: dt.date
    valid_until: dt.date
    revoked_on: dt.date | None


def _day(rnd: random.Random, start: dt.date, span: int) -> dt.date:
    return start + dt.timedelta(days=rnd.randrange(span))


def build_database(path: Path, args: argparse.Namespace, rnd: random.Random) -> dict[str, Any]:
    """Create and fill the SQLite registry; return what requests are generated from."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    n_prod, n_perf, n_rep, n_con = 1000, args.performers, args.replicas, args.consents
    producers = [(f"S{i}", f"Studio {i}") for i in range(100)]
    productions = [
        (f"F{i}", f"Film {i}", f"S{i % 100}", "theatrical", T2026 if i % 5 == 0 else T2023, None)
        for i in range(n_prod)
    ]
    producer_of = {p[0]: p[2] for p in productions}
    performers, representatives, categories, dead = [], [], {}, set()
    for i in range(n_perf):
        category = "background" if i % 3 == 0 else ("stunt" if i % 7 == 0 else "principal")
        born = _day(rnd, dt.date(1950, 1, 1), 50 * 365)
        died = _day(rnd, dt.date(2023, 1, 1), 700) if i % 97 == 0 else None
        weekly = f"{rnd.randrange(5000, 20000)}.00" if i % 4 == 1 else None
        day_rate = f"{rnd.randrange(900, 3000)}.00" if i % 4 == 2 else None
        performers.append(
            (
                f"P{i}",
                f"Performer {i}",
                category,
                born.isoformat(),
                died.isoformat() if died else None,
                None,
                weekly,
                day_rate,
            )
        )
        categories[f"P{i}"] = category
        if died:
            dead.add(f"P{i}")
            representatives.append((f"E{i}", f"P{i}", 0, "estate", False, None))
        elif i % 10 == 0:
            representatives.append((f"A{i}", f"P{i}", 0, "agent", i % 20 == 0, None))
    replicas, replica_performer, replica_made_in = [], {}, {}
    for i in range(n_rep):
        performer = f"P{i % n_perf}"
        made_in = f"F{rnd.randrange(n_prod)}" if i % 10 < 7 else None
        kind = "employment-based" if made_in else "independently-created"
        replicas.append((f"D{i}", performer, kind, "face,body", made_in, "2023-06-01"))
        replica_performer[f"D{i}"] = performer
        replica_made_in[f"D{i}"] = made_in
    consents, rows = [], []
    for i in range(n_con):
        cid = f"C{i}"
        on_performer = i % 5 == 4
        if on_performer:
            performer: str | None = f"P{rnd.randrange(n_perf)}"
            replica: str | None = None
            uses: tuple[str, ...] = ("create",) if i % 2 else ("new-performance",)
        else:
            replica = f"D{rnd.randrange(n_rep)}"
            performer = None
            uses = tuple(rnd.sample(USES, rnd.choice((1, 1, 2))))
        subject_performer = performer or replica_performer[str(replica)]
        made_in = replica_made_in.get(str(replica))
        productions_named = (made_in,) if made_in and i % 3 else (f"F{rnd.randrange(n_prod)}",)
        signed = _day(rnd, dt.date(2023, 1, 1), 700)
        valid_from = signed
        valid_until = valid_from + dt.timedelta(days=rnd.randrange(200, 1500))
        separately = i % 23 != 0
        description = BLANKET if i % 41 == 0 else DESCRIPTIONS[i % len(DESCRIPTIONS)]
        revoked = _day(rnd, valid_from, 600) if i % 17 == 0 else None
        dead_before = subject_performer in dead
        given_by = subject_performer if not dead_before else f"E{subject_performer[1:]}"
        compensation = None if uses == ("create",) else f"{rnd.randrange(100, 5000)}.00"
        consents.append(
            (
                cid,
                replica,
                performer,
                given_by,
                signed.isoformat(),
                separately,
                ",".join(productions_named),
                ",".join(uses),
                description,
                valid_from.isoformat(),
                valid_until.isoformat(),
                compensation,
                "day" if compensation else None,
                "USD" if compensation else None,
                i % 29 == 0,
                revoked.isoformat() if revoked else None,
                "",
            )
        )
        rows.append(
            Row(cid, replica, performer, productions_named, uses, valid_from, valid_until, revoked)
        )
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        # setup, not measured: one transaction, no fsync per row
        cur.execute("PRAGMA synchronous = OFF")
        cur.execute("BEGIN")
        cur.executemany("INSERT INTO producers VALUES (?, ?)", producers)
        cur.executemany("INSERT INTO productions VALUES (?, ?, ?, ?, ?, ?)", productions)
        cur.executemany("INSERT INTO performers VALUES (?, ?, ?, ?, ?, ?, ?, ?)", performers)
        cur.executemany("INSERT INTO representatives VALUES (?, ?, ?, ?, ?, ?)", representatives)
        cur.executemany("INSERT INTO replicas VALUES (?, ?, ?, ?, ?, ?)", replicas)
        cur.executemany(
            "INSERT INTO consents (id, replica_id, performer_id, given_by, signed_on,"
            " separately_signed, productions, uses, description, valid_from, valid_until,"
            " compensation_amount, compensation_per, compensation_currency, lifetime_only,"
            " revoked_on, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            consents,
        )
        cur.execute(
            "INSERT INTO strikes (against, start, until) VALUES (?, ?, ?)",
            ("S5,S10", "2024-07-01", "2024-10-01"),
        )
        cur.execute("COMMIT")
    finally:
        raw.close()
    return {
        "engine": engine,
        "rows": rows,
        "producer_of": producer_of,
        "replica_performer": replica_performer,
        "categories": categories,
        "dead": dead,
        "n_prod": n_prod,
    }


def make_requests(data: dict[str, Any], n: int, rnd: random.Random) -> list[Request]:
    """Half asking exactly what a consent allows, half off by one fact (or unknown ids)."""
    rows: list[Row] = data["rows"]
    producer_of = data["producer_of"]
    requests = []
    for i in range(n):
        row = rows[rnd.randrange(len(rows))]
        production = row.productions[0]
        use = row.uses[0]
        day = row.valid_from + dt.timedelta(
            days=rnd.randrange((row.valid_until - row.valid_from).days + 1)
        )
        twist = i % 2 and rnd.randrange(6)
        if twist == 1:
            production = f"F{rnd.randrange(data['n_prod'])}"
        elif twist == 2:
            use = rnd.choice(USES)
        elif twist == 3:
            day = row.valid_until + dt.timedelta(days=rnd.randrange(1, 300))
        producer = producer_of.get(production, "S0")
        if twist == 4:
            producer = f"S{rnd.randrange(100)}"
        replica = row.replica if twist != 5 else f"DX{i}"
        if row.replica is None and use == "create":
            requests.append(
                Request(
                    RequestId(f"Q{i}"),
                    RequestKind.CREATE,
                    ProducerId(producer),
                    ProductionId(production),
                    "create",
                    day,  # type: ignore[arg-type]
                    performer=PerformerId(str(row.performer)),
                    business_reason="pickups",
                )
            )
        elif row.replica is None:
            requests.append(
                Request(
                    RequestId(f"Q{i}"),
                    RequestKind.SYNTHETIC,
                    ProducerId(producer),
                    ProductionId(production),
                    "new-performance",
                    day,  # type: ignore[arg-type]
                    resembles=PerformerId(str(row.performer)),
                    recognizable_features=("eyes",),
                    human_role=True,
                    justification="a crowd",
                )
            )
        else:
            requests.append(
                Request(
                    RequestId(f"Q{i}"),
                    RequestKind.USE,
                    ProducerId(producer),
                    ProductionId(production),
                    use,
                    day,  # type: ignore[arg-type]
                    replica=ReplicaId(str(replica)),
                    days=1 + i % 3,
                )
            )
    return requests


# ---- Cedar peer ---------------------------------------------------------------------------


def _num(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def cedar_policy(row: Row, ends_on: dt.date | None = None) -> str:
    """One consent as a Cedar permit: the consent's checks that depend on the request.

    ``ends_on``: the performer's death, for a lifetime-only consent (it covers up to that day).
    """
    resource = f'Replica::"{row.replica}"' if row.replica else f'Performer::"{row.performer}"'
    actions = ", ".join(f'Action::"{u}"' for u in row.uses)
    productions = ", ".join(f'"{p}"' for p in row.productions)
    conditions = [
        f"[{productions}].contains(context.production)",
        f"context.date >= {_num(row.valid_from)}",
        f"context.date <= {_num(row.valid_until)}",
    ]
    if row.revoked_on is not None:
        conditions.append(f"context.date < {_num(row.revoked_on)}")
    if ends_on is not None:
        conditions.append(f"context.date <= {_num(ends_on)}")
    return (
        f'@id("{row.id}")\npermit(principal, action in [{actions}], resource == {resource})\n'
        f"when {{ {' && '.join(conditions)} }};\n"
    )


SHARED_POLICIES = (
    '@id("producer")\nforbid(principal, action, resource)'
    " unless { principal == context.producer };\n"
    '@id("background")\nforbid(principal, action, resource)'
    " when { context.counts_toward_background && context.background };\n"
)


def strike_policy(index: int, strike: Strike) -> str:
    """A strike as a Cedar forbid: use and create requests of the struck producers, on the
    struck dates, under rule sets with the strike rule."""
    conditions = []
    if strike.against is not None:
        conditions.append(
            "principal in [" + ", ".join(f'Producer::"{p}"' for p in strike.against) + "]"
        )
    conditions += [
        '["use", "create"].contains(context.kind)',
        "context.strike_rule",
        f"context.date >= {_num(strike.start)}",
    ]
    if strike.until is not None:
        conditions.append(f"context.date < {_num(strike.until)}")
    return (
        f'@id("strike{index}")\nforbid(principal, action, resource)'
        f" when {{ {' && '.join(conditions)} }};\n"
    )


def run_cedar(
    data: dict[str, Any],
    engine: DecisionEngine,
    requests: list[Request],
    engine_allowed: list[bool],
    limit: int,
) -> tuple[list[float], float]:
    """Per-request Cedar latencies (µs) and the share of decisions that agree with the engine.

    What Cedar cannot evaluate (the wording of a description, who may sign for whom) is
    settled when the policies are written, as a policy author would: a permit is written for
    each consent that is valid and was given with authority, from the engine's facts.
    """
    world = engine.world
    by_subject: dict[str, list[str]] = defaultdict(list)
    for row in data["rows"]:
        facts = engine.facts_of(row.id)
        # validity under the rule sets of its productions (signed-during-strike included)
        if facts is None or engine.problems_of(facts.consent) or not facts.authorized:
            continue
        performer = facts.performer
        ends_on = performer.died if facts.lifetime_only and performer is not None else None
        by_subject[row.replica or str(row.performer)].append(cedar_policy(row, ends_on))
    shared = SHARED_POLICIES + "".join(
        strike_policy(i, strike) for i, strike in enumerate(world.strikes)
    )
    entities = cedarpy.Entities.from_json_str("[]")
    policy_sets: dict[str, Any] = {}
    times: list[float] = []
    agree = 0
    for request, allowed in zip(requests[:limit], engine_allowed[:limit], strict=True):
        subject = str(request.replica or request.performer or request.resembles)
        performer = data["replica_performer"].get(subject, subject)
        key = f"{subject}/{performer}"
        policy_set = policy_sets.get(key)
        if policy_set is None:
            texts = by_subject.get(subject, [])
            if performer != subject:
                texts = [*texts, *by_subject.get(performer, [])]
            policy_set = policy_sets[key] = cedarpy.PolicySet.from_str(shared + "".join(texts))
        if request.replica:
            resource = f'Replica::"{request.replica}"'
        else:
            resource = f'Performer::"{performer}"'
        production = world.productions.get(request.production)
        cedar_request = {
            "principal": f'Producer::"{request.producer}"',
            "action": f'Action::"{request.use}"',
            "resource": resource,
            "context": {
                "production": request.production,
                "date": _num(request.date),
                "kind": request.kind.value,
                "producer": {
                    "__entity": {
                        "type": "Producer",
                        "id": production.producer if production is not None else "",
                    }
                },
                "strike_rule": production is not None
                and engine.rule_set(production.agreement).adds("strike-in-effect"),
                "counts_toward_background": request.counts_toward_background,
                "background": data["categories"].get(performer) == "background",
            },
        }
        start = time.perf_counter_ns()
        result = cedarpy.is_authorized(cedar_request, policy_set, entities)
        times.append((time.perf_counter_ns() - start) / 1000)
        agree += result.allowed == allowed
    return times, agree / max(1, len(times))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consents", type=int, default=1_000_000, help="consents to store")
    parser.add_argument("--performers", type=int, default=200_000, help="performers")
    parser.add_argument("--replicas", type=int, default=500_000, help="replicas")
    parser.add_argument("--requests", type=int, default=100_000, help="requests to decide")
    parser.add_argument(
        "--cedar-requests",
        type=int,
        default=100_000,
        help="requests also sent through Cedar (the first N)",
    )
    parser.add_argument("--seed", type=int, default=2023, help="random seed")
    parser.add_argument("--db", type=Path, default=None, help="SQLite file (default: temporary)")
    args = parser.parse_args()
    rnd = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        started = time.perf_counter()
        data = build_database(path, args, rnd)
        print(
            f"built {args.consents:,} consents, {args.performers:,} performers, "
            f"{args.replicas:,} replicas in {time.perf_counter() - started:.1f} s ({path})"
        )
        engine_db = data["engine"]
        with SqlUnitOfWork(engine_db, write=False) as uow:
            started = time.perf_counter()
            world = World()
            world.producers = {p.id: p for p in uow.producers.list()}
            world.productions = {p.id: p for p in uow.productions.list()}
            world.performers = {p.id: p for p in uow.performers.list()}
            world.replicas = {r.id: r for r in uow.replicas.list()}
            print(f"registry loaded in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            engine = load_engine(uow, world, deps=collaborators())
            load_s = time.perf_counter() - started
        # a long-lived warm engine: move what is loaded out of the collector's generations
        gc.collect()
        gc.freeze()
        print(f"{args.consents:,} consents loaded into the warm engine in {load_s:.1f} s")
        requests = make_requests(data, args.requests, rnd)
        for request in requests[:2000]:  # warm caches (rate rows, descriptions)
            engine.decide(request)
        times: list[float] = []
        allowed: list[bool] = []
        decide = engine.decide
        clock = time.perf_counter_ns
        for request in requests:
            start = clock()
            decision = decide(request)
            times.append((clock() - start) / 1000)
            allowed.append(decision.allowed)
        total_s = sum(times) / 1e6
        p50, p99 = statistics.median(times), percentile(times, 0.99)
        print(
            f"engine: {len(requests):,} decisions, {sum(allowed):,} allowed, "
            f"p50 {p50:.1f} µs, p99 {p99:.1f} µs, {len(requests) / total_s:,.0f} per s"
        )
        cedar_times, agreement = run_cedar(data, engine, requests, allowed, args.cedar_requests)
        cedar_p50 = statistics.median(cedar_times)
        print(
            f"cedar: {len(cedar_times):,} requests, p50 {cedar_p50:.1f} µs, "
            f"p99 {percentile(cedar_times, 0.99):.1f} µs; agrees with the engine on "
            f"{agreement:.2%} of requests"
        )
        print(f"engine p50 is {cedar_p50 / p50:.1f}x faster than Cedar's")
        engine_db.dispose()
    gc.unfreeze()
    print(
        f"decisions: p50_us={p50:.1f} p99_us={p99:.1f} per_s={len(requests) / total_s:.0f} "
        f"cedar_p50_us={cedar_p50:.1f} load_s={load_s:.1f}"
    )


if __name__ == "__main__":
    main()
