"""The world part of a scenario file (SPEC §9): performers, producers, productions, replicas.

``likeness import`` and ``likeness export`` use this format, and the scenario runner reads the
same keys. Every record is checked whole before anything is returned: a malformed date, a
duplicate id or a reference to an unknown performer raises :class:`RecordInvalidError` naming the
record, the field, the value and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from pydantic import Field, field_validator

from likeness.domain.bounds import MAX_ASSET_BYTES
from likeness.domain.ids import PerformerId, ProducerId, ProductionId, ReplicaId, RepresentativeId
from likeness.domain.performers import (
    Performer,
    PerformerCategory,
    Representative,
    RepresentativeKind,
)
from likeness.domain.productions import (
    DEFAULT_AGREEMENT,
    MAX_PLATFORM,
    CastMember,
    Producer,
    Production,
    ProductionKind,
    ProductionTitle,
)
from likeness.domain.replicas import AssetFile, Medium, Replica, ReplicaKind
from likeness.domain.world import World
from likeness.errors import RecordInvalidError
from likeness.interchange.production_details import cast_document, title_document
from likeness.interchange.records import (
    Amount,
    Day,
    Id,
    Record,
    build_checked,
    label_of,
    parse_record,
    section_of,
)
from likeness.rulesets import RULE_SET_IDS

#: the sections of a scenario file that make up the world, in dependency order
WORLD_SECTIONS = ("performers", "producers", "productions", "replicas")


class RepresentativeRecord(Record):
    id: Id
    kind: RepresentativeKind
    may_consent: bool = False
    name: str | None = None


class PerformerRecord(Record):
    id: Id
    name: str = Field(min_length=1)
    category: PerformerCategory
    born: Day
    died: Day | None = None
    union_member_id: str | None = None
    weekly_salary: Amount | None = None
    day_rate: Amount | None = None
    representatives: list[RepresentativeRecord] = Field(default_factory=list)

    @field_validator("union_member_id", mode="before")
    @classmethod
    def _member_id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class ProducerRecord(Record):
    id: Id
    name: str = Field(min_length=1)


class ProductionRecord(Record):
    id: Id
    title: str = Field(min_length=1)
    producer: Id
    kind: ProductionKind
    agreement: str | None = None
    principal_photography: Day | None = None
    platform: str | None = Field(default=None, min_length=1, max_length=MAX_PLATFORM, pattern=r"\S")


class AssetRecord(Record):
    location: str = Field(min_length=1)
    size: int = Field(ge=0, le=MAX_ASSET_BYTES)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ReplicaRecord(Record):
    id: Id
    performer: Id
    kind: ReplicaKind
    media: list[Medium] = Field(min_length=1)
    made_in: Id | None = None
    made_on: Day | None = None
    assets: list[AssetRecord] = Field(default_factory=list)


def performer_from_record(rec: PerformerRecord) -> Performer:
    """The domain performer of a parsed record (raises ValueError on a broken invariant)."""
    return Performer(
        id=PerformerId(rec.id),
        name=rec.name,
        category=rec.category,
        born=rec.born,
        died=rec.died,
        union_member_id=rec.union_member_id,
        weekly_salary=rec.weekly_salary,
        day_rate=rec.day_rate,
        representatives=tuple(
            Representative(RepresentativeId(r.id), r.kind, r.may_consent, r.name)
            for r in rec.representatives
        ),
    )


def replica_from_record(rec: ReplicaRecord) -> Replica:
    """The domain replica of a parsed record (raises ValueError on a broken invariant)."""
    return Replica(
        id=ReplicaId(rec.id),
        performer=PerformerId(rec.performer),
        kind=rec.kind,
        media=tuple(rec.media),
        made_on=rec.made_on,
        made_in=ProductionId(rec.made_in) if rec.made_in else None,
        assets=tuple(AssetFile(a.location, a.size, a.sha256) for a in rec.assets),
    )


def parse_world(doc: Mapping[str, Any], *, known: World | None = None) -> World:
    """Build a :class:`World` from the world sections of a scenario document.

    References (a production's producer, a replica's performer and ``made_in``) must name a
    record of the document or of ``known`` (what the database already holds).

    Raises :class:`RecordInvalidError` for the first bad record, duplicate id or dangling
    reference.

    >>> parse_world({"producers": [{"id": "S1", "name": "Studio One"}]}).producers["S1"].name
    'Studio One'
    """
    agreement = doc.get("agreement", DEFAULT_AGREEMENT)
    if agreement not in RULE_SET_IDS:
        raise RecordInvalidError(
            "scenario", "agreement", agreement, f"one of {', '.join(RULE_SET_IDS)}"
        )
    world = World(agreement=agreement)
    known = known or World()

    def unique(kind: str, ident: str, seen: Iterable[str]) -> None:
        if ident in seen:
            raise RecordInvalidError(f"{kind} {ident}", "id", ident, "an id not used before")

    rep_ids: set[str] = {r.id for p in known.performers.values() for r in p.representatives}
    for i, raw in enumerate(section_of(doc, "performers")):
        label = label_of("performer", raw, i)
        rec = parse_record(PerformerRecord, raw, label)
        unique("performer", rec.id, world.performers)
        for rep in rec.representatives:
            unique(f"{label} representative", rep.id, rep_ids)
            rep_ids.add(rep.id)
        world.performers[PerformerId(rec.id)] = build_checked(
            label, partial(performer_from_record, rec)
        )

    for i, raw in enumerate(section_of(doc, "producers")):
        label = label_of("producer", raw, i)
        prod = parse_record(ProducerRecord, raw, label)
        unique("producer", prod.id, world.producers)
        world.producers[ProducerId(prod.id)] = Producer(ProducerId(prod.id), prod.name)

    for i, raw in enumerate(section_of(doc, "productions")):
        label = label_of("production", raw, i)
        rec_p = parse_record(ProductionRecord, raw, label)
        unique("production", rec_p.id, world.productions)
        if rec_p.producer not in world.producers and rec_p.producer not in known.producers:
            raise RecordInvalidError(label, "producer", rec_p.producer, "the id of a producer")
        rule_set = rec_p.agreement or agreement
        if rule_set not in RULE_SET_IDS:
            raise RecordInvalidError(
                label, "agreement", rule_set, f"one of {', '.join(RULE_SET_IDS)}"
            )
        world.productions[ProductionId(rec_p.id)] = Production(
            ProductionId(rec_p.id),
            rec_p.title,
            ProducerId(rec_p.producer),
            rec_p.kind,
            rule_set,
            rec_p.principal_photography,
            rec_p.platform,
        )

    for i, raw in enumerate(section_of(doc, "replicas")):
        label = label_of("replica", raw, i)
        rec_r = parse_record(ReplicaRecord, raw, label)
        unique("replica", rec_r.id, world.replicas)
        if rec_r.performer not in world.performers and rec_r.performer not in known.performers:
            raise RecordInvalidError(label, "performer", rec_r.performer, "the id of a performer")
        if (
            rec_r.made_in is not None
            and rec_r.made_in not in world.productions
            and rec_r.made_in not in known.productions
        ):
            raise RecordInvalidError(label, "made_in", rec_r.made_in, "the id of a production")
        world.replicas[ReplicaId(rec_r.id)] = build_checked(
            label, partial(replica_from_record, rec_r)
        )
    return world


def _drop_empty(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None and v != [] and v is not False}


def performer_document(p: Performer) -> dict[str, Any]:
    """One performer in the file format (the inverse of :class:`PerformerRecord`)."""
    return _drop_empty(
        {
            "id": p.id,
            "name": p.name,
            "category": str(p.category),
            "born": p.born,
            "died": p.died,
            "union_member_id": p.union_member_id,
            "weekly_salary": p.weekly_salary,
            "day_rate": p.day_rate,
            "representatives": [
                _drop_empty(
                    {"id": r.id, "kind": str(r.kind), "may_consent": r.may_consent, "name": r.name}
                )
                for r in p.representatives
            ],
        }
    )


def producer_document(s: Producer) -> dict[str, Any]:
    """One producer in the file format."""
    return {"id": s.id, "name": s.name}


def production_document(f: Production) -> dict[str, Any]:
    """One production in the file format."""
    return _drop_empty(
        {
            "id": f.id,
            "title": f.title,
            "producer": f.producer,
            "kind": str(f.kind),
            "agreement": f.agreement,
            "principal_photography": f.principal_photography,
            "platform": f.platform,
        }
    )


def replica_document(r: Replica) -> dict[str, Any]:
    """One replica in the file format."""
    return _drop_empty(
        {
            "id": r.id,
            "performer": r.performer,
            "kind": str(r.kind),
            "media": [str(m) for m in r.media],
            "made_in": r.made_in,
            "made_on": r.made_on,
            "assets": [
                {"location": a.location, "size": a.size, "sha256": a.sha256} for a in r.assets
            ],
        }
    )


def world_to_document(
    world: World,
    titles: Iterable[ProductionTitle] = (),
    cast: Iterable[CastMember] = (),
) -> dict[str, Any]:
    """The world as a scenario document (the inverse of :func:`parse_world`), with the
    ``titles`` and ``cast`` sections (SPEC §6.1) when there are any: a world without them is
    written exactly as before they existed."""
    document = {
        "agreement": world.agreement,
        "performers": [performer_document(p) for p in world.performers.values()],
        "producers": [producer_document(s) for s in world.producers.values()],
        "productions": [production_document(f) for f in world.productions.values()],
        "replicas": [replica_document(r) for r in world.replicas.values()],
    }
    if titles_found := [title_document(t) for t in titles]:
        document["titles"] = titles_found
    if cast_found := [cast_document(m) for m in cast]:
        document["cast"] = cast_found
    return document
