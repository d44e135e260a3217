"""Hypothesis strategies shared by the tests (each part appends its own)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import strategies as st

from likeness.domain.ids import (
    PerformerId,
    ProducerId,
    ProductionId,
    ReplicaId,
    RepresentativeId,
)
from likeness.domain.performers import (
    Performer,
    PerformerCategory,
    Representative,
    RepresentativeKind,
)
from likeness.domain.productions import Producer, Production, ProductionKind
from likeness.domain.replicas import AssetFile, Medium, Replica, ReplicaKind
from likeness.domain.world import World

names = (
    st.text(
        alphabet=st.characters(
            categories=["L", "N", "Zs"], exclude_characters="\x85\xa0\u2028\u2029"
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
dates = st.dates(min_value=dt.date(1920, 1, 1), max_value=dt.date(2030, 12, 31))
money = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2, allow_nan=False)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    """A small, consistent registry: every reference points at a record of the world."""
    world = World()
    n_perf = draw(st.integers(0, 4))
    rep_counter = 0
    for i in range(n_perf):
        born = draw(dates)
        died = draw(st.none() | dates.filter(lambda d, b=born: d >= b))
        reps = []
        for _ in range(draw(st.integers(0, 2))):
            rep_counter += 1
            reps.append(
                Representative(
                    RepresentativeId(f"R{rep_counter}"),
                    draw(st.sampled_from(RepresentativeKind)),
                    draw(st.booleans()),
                    draw(st.none() | names),
                )
            )
        pid = PerformerId(f"P{i}")
        world.performers[pid] = Performer(
            pid,
            draw(names),
            draw(st.sampled_from(PerformerCategory)),
            born,
            died,
            draw(st.none() | st.from_regex(r"[A-Z]{3}-[0-9]{4}", fullmatch=True)),
            draw(st.none() | money),
            draw(st.none() | money),
            tuple(reps),
        )
    for i in range(draw(st.integers(0, 2))):
        world.producers[ProducerId(f"S{i}")] = Producer(ProducerId(f"S{i}"), draw(names))
    if world.producers:
        for i in range(draw(st.integers(0, 3))):
            fid = ProductionId(f"F{i}")
            world.productions[fid] = Production(
                fid,
                draw(names),
                draw(st.sampled_from(sorted(world.producers))),
                draw(st.sampled_from(ProductionKind)),
                world.agreement,
                draw(st.none() | dates),
            )
    if world.performers:
        for i in range(draw(st.integers(0, 3))):
            rid = ReplicaId(f"D{i}")
            media = draw(st.lists(st.sampled_from(Medium), min_size=1, max_size=4, unique=True))
            made_in = draw(st.none() | st.sampled_from(sorted(world.productions) or [None]))
            assets = tuple(
                AssetFile(
                    f"/scans/{rid}/{j}.bin",
                    draw(st.integers(0, 2**40)),
                    draw(st.text("0123456789abcdef", min_size=64, max_size=64)),
                )
                for j in range(draw(st.integers(0, 2)))
            )
            world.replicas[rid] = Replica(
                rid,
                draw(st.sampled_from(sorted(world.performers))),
                draw(st.sampled_from(ReplicaKind)),
                tuple(media),
                draw(st.none() | dates),
                made_in,
                assets,
            )
    return world


# ---- consents, requests and pay terms (decision engine, issue 3) ------------------------------

from likeness.domain.consents import (  # noqa: E402
    USE_CODES,
    Compensation,
    Consent,
    PayPer,
)
from likeness.domain.decisions import PayBasis, PayTerms  # noqa: E402
from likeness.domain.ids import ConsentId, RequestId  # noqa: E402
from likeness.domain.requests import Request, RequestKind  # noqa: E402

DECISION_PRODUCTIONS = ("F1", "F2", "F9")
DECISION_DESCRIPTIONS = (
    "Crowd duplication of the stadium sequence, scenes 40 to 44, in the stands",
    "Two new lines of dialogue in the ferry scene of episode six, by the replica",
    "Stadium scene",
    "May be used on any project of the company, in perpetuity",
)
decision_dates = st.dates(min_value=dt.date(2023, 6, 1), max_value=dt.date(2027, 12, 31))
use_codes = st.sampled_from(sorted(USE_CODES))


@st.composite
def consents_over(draw: st.DrawFn, world: World, cid: str) -> Consent:
    """A consent about a replica or performer of ``world``: valid, invalid, expired, revoked..."""
    if draw(st.booleans()) and world.replicas:
        subject = {"replica": draw(st.sampled_from(sorted(world.replicas)))}
    else:
        subject = {"performer": draw(st.sampled_from(sorted(world.performers)))}
    givers = [
        *sorted(world.performers),
        "union",
        *sorted(r.id for p in world.performers.values() for r in p.representatives),
    ]
    valid_from = draw(st.none() | decision_dates)
    valid_until = draw(st.none() | decision_dates)
    if valid_from and valid_until and valid_until < valid_from:
        valid_from, valid_until = valid_until, valid_from
    return Consent(
        id=ConsentId(cid),
        given_by=draw(st.sampled_from(givers)),
        signed_on=draw(decision_dates),
        separately_signed=draw(st.booleans()),
        productions=tuple(
            draw(st.lists(st.sampled_from((*DECISION_PRODUCTIONS, "*")), max_size=2, unique=True))
        ),
        uses=tuple(draw(st.lists(use_codes, min_size=0, max_size=3, unique=True))),
        description=draw(st.sampled_from(DECISION_DESCRIPTIONS)),
        valid_from=valid_from,
        valid_until=valid_until,
        compensation=draw(st.none() | st.builds(Compensation, money, st.sampled_from(PayPer))),
        lifetime_only=draw(st.booleans()),
        revoked_on=draw(st.none() | decision_dates),
        **subject,
    )


@st.composite
def requests_over(draw: st.DrawFn, world: World) -> Request:
    """A request of any kind against ``world`` (ids mostly known)."""
    kind = draw(st.sampled_from(RequestKind))
    replica = draw(st.sampled_from(sorted(world.replicas)))
    performer = draw(st.sampled_from(sorted(world.performers)))
    fields: dict[str, object] = {}
    if kind is RequestKind.USE:
        fields = {"replica": replica, "use": draw(use_codes)}
    elif kind is RequestKind.CREATE:
        fields = {"performer": performer, "use": "create", "business_reason": "scan"}
    elif kind is RequestKind.ALTERATION:
        fields = {
            "replica": replica,
            "use": "alteration",
            "purpose": draw(st.sampled_from(("timing", "new-dialogue"))),
            "substantially_as_scripted": draw(st.booleans()),
        }
    else:
        fields = {
            "use": "new-performance",
            "resembles": draw(st.none() | st.just(performer)),
            "recognizable_features": tuple(draw(st.lists(st.sampled_from(("eyes", "hair"))))),
            "human_role": draw(st.booleans()),
        }
    return Request(
        id=RequestId("Q"),
        kind=kind,
        producer=draw(st.sampled_from(("S1", "S1", "S2"))),  # type: ignore[arg-type]
        production=draw(st.sampled_from(DECISION_PRODUCTIONS)),  # type: ignore[arg-type]
        date=draw(decision_dates),
        days=draw(st.integers(1, 5)),
        real_time_generation=draw(st.booleans()),
        **fields,  # type: ignore[arg-type]
    )


@st.composite
def pay_terms(draw: st.DrawFn, rule_set: str) -> PayTerms:
    """Terms of a pay line: any category, salary or day rate, basis, days and bargain."""
    performer = Performer(
        PerformerId("P"),
        "Pat",
        draw(st.sampled_from(PerformerCategory)),
        dt.date(1980, 1, 1),
        weekly_salary=draw(st.none() | money),
        day_rate=draw(st.none() | money),
    )
    return PayTerms(
        rule_set,
        draw(st.sampled_from(PayBasis)),
        performer,
        draw(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2031, 12, 31))),
        draw(st.integers(1, 30)),
        draw(st.none() | st.builds(Compensation, money, st.sampled_from(PayPer))),
        draw(st.booleans()),
    )


# ---- streaming residuals (issue 5) ---------------------------------------------------------

#: fixed residuals in cents-precise dollars, as compute_residuals produces them
residual_amounts = st.decimals(min_value=0, max_value=Decimal("250000.00"), places=2)


@st.composite
def residual_weights(draw: st.DrawFn) -> dict[str, Decimal]:
    """Fixed residuals of 1 to 12 performers of one production-year (ties likely)."""
    n = draw(st.integers(1, 12))
    pool = draw(st.lists(residual_amounts, min_size=1, max_size=3))
    return {f"P{i:02d}": draw(st.sampled_from(pool) | residual_amounts) for i in range(n)}


# ---- ledger (issue 4) ------------------------------------------------------------------------

#: JSON values a ledger body may hold: no floats, integers within RFC 8785's exact range
ledger_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
#: the record of a ledger entry: a JSON object
ledger_records = st.dictionaries(st.text(max_size=8), ledger_json_values, max_size=5)
