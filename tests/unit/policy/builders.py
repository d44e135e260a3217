"""Small worlds for policy tests: one producer, two productions, a few performers and replicas.

Every builder takes keyword overrides, so a test states only what it is about.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from likeness.compensation.pay import RateBookPay
from likeness.domain.consents import Compensation, Consent, PayPer
from likeness.domain.decisions import Decision
from likeness.domain.ids import (
    ConsentId,
    PerformerId,
    ProducerId,
    ProductionId,
    ReplicaId,
    RequestId,
)
from likeness.domain.performers import (
    Performer,
    PerformerCategory,
    Representative,
    RepresentativeKind,
)
from likeness.domain.productions import Producer, Production, ProductionKind
from likeness.domain.replicas import Medium, Replica, ReplicaKind
from likeness.domain.requests import Request, RequestKind
from likeness.domain.world import World
from likeness.policy.engine import DecisionEngine

D = dt.date
T2023 = "sag-aftra-tv-theatrical-2023"
T2026 = "sag-aftra-tv-theatrical-2026"
INTERACTIVE = "sag-aftra-interactive-2025"
NO_UNION = "no-union"
SPECIFIC = "Crowd duplication of the stadium sequence, scenes 40 to 44, in the stands"


def world(agreement: str = T2023) -> World:
    """S1 makes F1 and F2 (under ``agreement``); S2 makes F9.

    Performers: P1 adult background (born 1990), P2 adult principal at $8,000 a week, M1 a
    minor (born 2012) with guardian G1, X1 dead on 2024-05-10 with estate E1 and agent A1
    (may_consent), X2 dead on 2023-12-01 with no representative.
    Replicas: D1 of P1 made in F1 (employment-based), D2 of P2 made in F1, I2 of P2
    independently created, DM of M1 made in F1, DX of X1 independently created.
    """
    w = World(agreement=agreement)
    for sid in ("S1", "S2"):
        w.producers[ProducerId(sid)] = Producer(ProducerId(sid), f"Studio {sid}")
    for fid, sid in (("F1", "S1"), ("F2", "S1"), ("F9", "S2")):
        w.productions[ProductionId(fid)] = Production(
            ProductionId(fid), f"Film {fid}", ProducerId(sid), ProductionKind.THEATRICAL, agreement
        )
    people = [
        Performer(PerformerId("P1"), "Dana", PerformerCategory.BACKGROUND, D(1990, 4, 2)),
        Performer(
            PerformerId("P2"),
            "Maya",
            PerformerCategory.PRINCIPAL,
            D(1988, 2, 14),
            weekly_salary=Decimal("8000.00"),
            representatives=(Representative("A2", RepresentativeKind.AGENT, False),),  # type: ignore[arg-type]
        ),
        Performer(
            PerformerId("M1"),
            "Kit",
            PerformerCategory.PRINCIPAL,
            D(2012, 6, 1),
            representatives=(Representative("G1", RepresentativeKind.GUARDIAN),),  # type: ignore[arg-type]
        ),
        Performer(
            PerformerId("X1"),
            "Ruth",
            PerformerCategory.PRINCIPAL,
            D(1940, 1, 20),
            died=D(2024, 5, 10),
            representatives=(
                Representative("E1", RepresentativeKind.ESTATE),  # type: ignore[arg-type]
                Representative("A1", RepresentativeKind.AGENT, True),  # type: ignore[arg-type]
            ),
        ),
        Performer(
            PerformerId("X2"),
            "Leo",
            PerformerCategory.PRINCIPAL,
            D(1938, 6, 11),
            died=D(2023, 12, 1),
        ),
    ]
    for p in people:
        w.performers[p.id] = p
    for rid, pid, kind, made_in in (
        ("D1", "P1", ReplicaKind.EMPLOYMENT_BASED, "F1"),
        ("D2", "P2", ReplicaKind.EMPLOYMENT_BASED, "F1"),
        ("I2", "P2", ReplicaKind.INDEPENDENTLY_CREATED, None),
        ("DM", "M1", ReplicaKind.EMPLOYMENT_BASED, "F1"),
        ("DX", "X1", ReplicaKind.INDEPENDENTLY_CREATED, None),
        ("DY", "X2", ReplicaKind.INDEPENDENTLY_CREATED, None),
    ):
        w.replicas[ReplicaId(rid)] = Replica(
            ReplicaId(rid),
            PerformerId(pid),
            kind,
            (Medium.FACE,),
            D(2024, 3, 1),
            ProductionId(made_in) if made_in else None,
        )
    return w


def consent(cid: str = "C1", **overrides: Any) -> Consent:
    """A valid consent of P1 for D1: F1, crowd-multiplication, 2024-03-01..2025-12-31, $216/day."""
    fields: dict[str, Any] = {
        "id": ConsentId(cid),
        "given_by": "P1",
        "signed_on": D(2024, 2, 28),
        "separately_signed": True,
        "productions": ("F1",),
        "uses": ("crowd-multiplication",),
        "description": SPECIFIC,
        "replica": ReplicaId("D1"),
        "valid_from": D(2024, 3, 1),
        "valid_until": D(2025, 12, 31),
        "compensation": Compensation(Decimal("216.00"), PayPer.DAY),
    }
    fields.update(overrides)
    return Consent(**fields)


def request(rid: str = "Q1", **overrides: Any) -> Request:
    """S1 asks to use D1 for crowd-multiplication in F1 on 2024-08-01."""
    fields: dict[str, Any] = {
        "id": RequestId(rid),
        "kind": RequestKind.USE,
        "producer": ProducerId("S1"),
        "production": ProductionId("F1"),
        "use": "crowd-multiplication",
        "date": D(2024, 8, 1),
        "replica": ReplicaId("D1"),
    }
    fields.update(overrides)
    return Request(**fields)


def decide(w: World, req: Request, *consents: Consent) -> Decision:
    """Add ``consents`` to ``w`` and decide ``req`` with the packaged rule sets and rates."""
    for c in consents:
        w.consents[c.id] = c
    return DecisionEngine(w, RateBookPay()).decide(req)


def amounts(decision: Decision) -> dict[str, Decimal | None]:
    """Obligation kind -> amount."""
    return {str(o.kind): o.amount for o in decision.obligations}
