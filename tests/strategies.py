"""Hypothesis strategies shared by the tests (each part appends its own)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from hypothesis import assume
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
                draw(st.none() | names),
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
                # SPEC §2: only an employment-based replica is made in a production (and
                # registration refuses the other pairings)
                ReplicaKind.INDEPENDENTLY_CREATED
                if made_in is None
                else ReplicaKind.EMPLOYMENT_BASED,
                tuple(media),
                draw(st.none() | dates),
                made_in,
                assets,
            )
    return world


# ---- consents, requests and pay terms (decision engine, issue 3) ------------------------------

from likeness.domain.consents import (  # noqa: E402
    USE_CODES,
    WILDCARD,
    Compensation,
    Consent,
    PayPer,
    UseKind,
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


# ---- requests a consent allows, and the defects that deny them (issue 8) ------------------
#
# Random consents almost never pass every check of SPEC §4.2 and §5, so properties drawn from
# them only ever see denials. These strategies build the request first, then a consent that
# covers it and passes every check, then (optionally) one defect of that consent or request,
# with the reasons SPEC says a decision on it alone gives. Who may consent is read from SPEC
# §4.2 here, not from the engine, so a disagreement shows up as a test failure.

#: descriptions naming the use and where it appears, with no blanket or perpetual wording
SPECIFIC_DESCRIPTIONS = (
    "Crowd duplication of the stadium sequence, scenes 40 to 44, in the stands",
    "Two new lines of dialogue in the ferry scene of episode six, by the replica",
    "A digital double for the rooftop chase in reel three of the feature",
    "Dubbing of the closing monologue into Spanish for the theatrical release",
)
#: uses whose consent needs no compensation terms (SPEC §5 no-compensation)
UNPAID_USES = frozenset({"as-scripted", "create"})
#: uses a minor's replica may never be put to under some rule sets (SPEC §4.1)
PROTECTED_USES = frozenset({"nudity", "sexual-content"})
#: features that make a synthetic performer resemble someone (SPEC §4.4), and one that does not
SYNTHETIC_FEATURES = ("eyes", "nose", "mouth", "ears", "voice", "hair")
RECOGNIZABLE = frozenset(SYNTHETIC_FEATURES) - {"hair"}

#: defects of a consent's validity (SPEC §5)
VALIDITY_DEFECTS = (
    "not-separately-signed",
    "blanket-scope",
    "perpetual-term",
    "description-not-specific",
    "no-compensation",
)
#: every defect :func:`defects` may apply; ``consent-ended-at-death`` only where it can happen
DEFECTS = (
    *VALIDITY_DEFECTS,
    "consent-not-authorized",
    "consent-ended-at-death",
    "consent-not-yet-valid",
    "consent-expired",
    "consent-revoked",
    "production-not-covered",
    "use-not-covered",
    "another-subject",
    "producer-not-authorized",
)


def authorized_givers(performer: Performer, day: dt.date) -> list[str]:
    """Who may consent for ``performer`` on ``day``, as SPEC §4.2 says (never empty here).

    Alive: the performer when 18 or older, a representative with ``may_consent``, a guardian
    while a minor. Dead (before ``day``): the estate, else the union.
    """
    if performer.died is not None and performer.died < day:
        estates = [r.id for r in performer.representatives if r.kind is RepresentativeKind.ESTATE]
        return list(estates) or ["union"]
    givers: list[str] = [performer.id] if performer.age_on(day) >= 18 else []
    for rep in performer.representatives:
        minor_guardian = rep.kind is RepresentativeKind.GUARDIAN and performer.age_on(day) < 18
        if rep.may_consent or minor_guardian:
            givers.append(rep.id)
    assert givers, f"nobody may consent for {performer.id} on {day}"
    return givers


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@st.composite
def allowable_requests(draw: st.DrawFn, world: World) -> Request:
    """A request of any kind that passes every §4.1 check of every rule set, and that only a
    consent can allow (no §4.3 exemption, a synthetic performer that resembles someone).

    The production's own producer asks; ids are known; no protected use of a minor; no
    background count; a scan noticed 48 hours or more ahead, with a business reason; a
    justification for a human role. ``world`` needs performers, productions and replicas
    and no strikes.
    """
    date = draw(decision_dates)
    production = world.productions[draw(st.sampled_from(sorted(world.productions)))]
    kind = draw(st.sampled_from(RequestKind))
    fields: dict[str, object]
    if kind is RequestKind.USE or kind is RequestKind.ALTERATION:
        replica = world.replicas[draw(st.sampled_from(sorted(world.replicas)))]
        performer = world.performers[replica.performer]
        if kind is RequestKind.USE:
            excluded = {"create", "alteration"}
            if performer.age_on(date) < 18:
                excluded |= PROTECTED_USES
            if replica.kind is ReplicaKind.EMPLOYMENT_BASED and replica.made_in == production.id:
                excluded.add("as-scripted")  # exempt (§4.3): allowed without this consent
            use = draw(st.sampled_from(sorted(USE_CODES - excluded)))
            fields = {"replica": replica.id, "use": UseKind(use)}
        else:
            purpose = draw(st.sampled_from(("new-dialogue", "de-aging", "timing")))
            fields = {
                "replica": replica.id,
                "use": UseKind.ALTERATION,
                "purpose": purpose,
                # "timing" is exempt (§4.3) when the result is substantially as scripted
                "substantially_as_scripted": purpose != "timing" and draw(st.booleans()),
            }
    elif kind is RequestKind.CREATE:
        session = dt.datetime.combine(date, dt.time(9))
        fields = {
            "performer": draw(st.sampled_from(sorted(world.performers))),
            "use": UseKind.CREATE,
            "business_reason": "crowd scenes of the stadium sequence",
            "session_at": draw(st.none() | st.just(session)),
            "notice_at": session - dt.timedelta(hours=draw(st.integers(48, 240))),
        }
    else:
        prompted = draw(st.booleans())
        features = draw(st.lists(st.sampled_from(SYNTHETIC_FEATURES), max_size=3, unique=True))
        if not prompted and not RECOGNIZABLE.intersection(features):
            features.append(draw(st.sampled_from(sorted(RECOGNIZABLE))))
        human_role = draw(st.booleans())
        fields = {
            "resembles": draw(st.sampled_from(sorted(world.performers))),
            "use": UseKind.NEW_PERFORMANCE,
            "recognizable_features": tuple(features),
            "prompted_with_name": prompted,
            "human_role": human_role,
            "justification": "the story needs a face no one has" if human_role else None,
        }
    return Request(
        id=RequestId("Q"),
        kind=kind,
        producer=production.producer,
        production=production.id,
        date=date,
        days=draw(st.integers(1, 5)),
        real_time_generation=draw(st.booleans()),
        **fields,  # type: ignore[arg-type]
    )


def subject_performer(world: World, request: Request) -> Performer:
    """The performer a request is about: its replica's, the named one, or the one resembled."""
    if request.replica is not None:
        return world.performers[world.replicas[request.replica].performer]
    named = request.resembles if request.kind is RequestKind.SYNTHETIC else request.performer
    assert named is not None
    return world.performers[named]


@st.composite
def covering_consents(draw: st.DrawFn, world: World, request: Request, cid: str) -> Consent:
    """A consent that passes every check of SPEC §5 and §4.2 for ``request``.

    It names the request's replica (``use``, ``alteration``) or performer (``create``,
    ``synthetic``), is given by someone with authority on ``signed_on``, covers the production
    and the use, is in force on the date (within every legal term cap of §7), and is revoked,
    if at all, after the date.
    """
    performer = subject_performer(world, request)
    if request.kind is RequestKind.USE or request.kind is RequestKind.ALTERATION:
        subject: dict[str, object] = {"replica": request.replica}
    else:
        subject = {"performer": performer.id}
    date = request.date
    # signed at most ~3 years before and ending at most ~1.5 years after the date, so that a
    # minor's 5-year cap of the no-union rule set is never reached
    signed_on = date - _days(draw(st.integers(0, 1100)))
    uses = draw(
        st.permutations(
            [request.use, *draw(st.sets(use_codes.filter(lambda u: u != request.use), max_size=2))]
        )
    )
    productions = draw(
        st.permutations(
            [
                request.production,
                *draw(
                    st.sets(
                        st.sampled_from(
                            sorted(p for p in world.productions if p != request.production)
                        ),
                        max_size=2,
                    )
                ),
            ]
        )
    )
    terms = st.builds(Compensation, money, st.sampled_from(PayPer))
    unpaid = all(u in UNPAID_USES for u in uses)
    return Consent(
        id=ConsentId(cid),
        given_by=draw(st.sampled_from(authorized_givers(performer, signed_on))),
        signed_on=signed_on,
        separately_signed=True,
        productions=tuple(productions),
        uses=tuple(uses),
        description=draw(st.sampled_from(SPECIFIC_DESCRIPTIONS)),
        valid_from=draw(st.none() | st.dates(min_value=signed_on, max_value=date)),
        valid_until=date + _days(draw(st.integers(0, 540))),
        compensation=draw(st.none() | terms) if unpaid else draw(terms),
        lifetime_only=not performer.is_dead_on(date) and draw(st.booleans()),
        revoked_on=draw(st.none() | st.integers(1, 400).map(lambda n: date + _days(n))),
        **subject,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Defective:
    """A request and its covering consent with one ``defect``; ``reasons`` are what a decision
    on the request gives when that consent is the only one about its subject."""

    defect: str
    request: Request
    consent: Consent
    reasons: tuple[str, ...]


@st.composite
def defects(
    draw: st.DrawFn,
    world: World,
    request: Request,
    consent: Consent,
    among: tuple[str, ...] = DEFECTS,
) -> Defective:
    """One defect (of ``among``) given to a request and the consent that covers it.

    ``consent-ended-at-death`` is drawn only when the performer died before the date.
    """
    performer = subject_performer(world, request)
    date = request.date
    possible = [d for d in among if d != "consent-ended-at-death" or performer.is_dead_on(date)]
    assume(possible)
    defect = draw(st.sampled_from(possible))
    if defect == "producer-not-authorized":
        other = draw(st.sampled_from(sorted(p for p in world.producers if p != request.producer)))
        return Defective(
            defect, replace(request, producer=other), consent, ("producer-not-authorized",)
        )
    paid = consent.compensation or Compensation(Decimal(0), PayPer.USE)
    changed: dict[str, object]
    codes: tuple[str, ...] = (defect,)
    if defect == "not-separately-signed":
        changed = {"separately_signed": False}
    elif defect == "blanket-scope":
        if draw(st.booleans()):
            changed = {"productions": (*consent.productions, WILDCARD)}
        else:
            changed = {"uses": (*consent.uses, WILDCARD), "compensation": paid}
    elif defect == "perpetual-term":
        changed = {"description": consent.description + ", in perpetuity"}
    elif defect == "description-not-specific":
        changed = {"description": "Stadium scene"}
    elif defect == "no-compensation":
        uses = consent.uses
        if all(u in UNPAID_USES for u in uses):
            uses = (*uses, "new-performance")
        changed = {"uses": uses, "compensation": None}
    elif defect == "consent-not-authorized":
        anyone = {
            "union",
            *world.performers,
            *(r.id for p in world.performers.values() for r in p.representatives),
        }
        allowed = authorized_givers(performer, consent.signed_on)
        changed = {"given_by": draw(st.sampled_from(sorted(anyone - set(allowed))))}
    elif defect == "consent-ended-at-death":
        changed = {"lifetime_only": True}
    elif defect == "consent-not-yet-valid":
        valid_from = date + _days(draw(st.integers(1, 300)))
        assert consent.valid_until is not None
        changed = {"valid_from": valid_from, "valid_until": max(consent.valid_until, valid_from)}
    elif defect == "consent-expired":
        valid_until = date - _days(draw(st.integers(1, 300)))
        start = consent.valid_from
        changed = {
            "valid_until": valid_until,
            "valid_from": None if start is None else min(start, valid_until),
        }
    elif defect == "consent-revoked":
        changed = {"revoked_on": date - _days(draw(st.integers(0, 400)))}
    elif defect == "production-not-covered":
        productions = sorted(p for p in world.productions if p != request.production)
        changed = {
            "productions": tuple(
                draw(st.lists(st.sampled_from(productions), min_size=1, unique=True))
            )
        }
    elif defect == "use-not-covered":
        others = sorted(USE_CODES - {request.use})
        changed = {
            "uses": tuple(
                draw(st.lists(st.sampled_from(others), min_size=1, max_size=3, unique=True))
            ),
            "compensation": paid,
        }
    else:  # another-subject
        if consent.replica is not None:
            # a use names a replica and needs a consent naming that replica (§4.2)
            changed = {"replica": None, "performer": performer.id}
            codes = ("replica-not-covered",)
        else:
            # a consent about someone else is not examined at all
            someone = draw(
                st.sampled_from(sorted(p for p in world.performers if p != performer.id))
            )
            changed = {"performer": someone}
            codes = ("no-consent",)
    if defect in VALIDITY_DEFECTS:
        codes = ("consent-invalid", defect)
    if request.kind is RequestKind.SYNTHETIC:
        codes = ("needs-performer-consent", *codes)
    return Defective(defect, request, replace(consent, **changed), codes)  # type: ignore[arg-type]


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
