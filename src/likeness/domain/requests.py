"""Requests: what a producer asks to do with a replica or a performer's likeness (SPEC §2, §4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from likeness.domain.consents import UseKind
from likeness.domain.ids import PerformerId, ProducerId, ProductionId, ReplicaId, RequestId


class RequestKind(StrEnum):
    """The four kinds of request of SPEC §2."""

    CREATE = "create"
    USE = "use"
    ALTERATION = "alteration"
    SYNTHETIC = "synthetic"


#: the use a request of each kind asks for when the request does not say (SPEC §4.3, §4.4)
DEFAULT_USE: dict[RequestKind, UseKind] = {
    RequestKind.CREATE: UseKind.CREATE,
    RequestKind.ALTERATION: UseKind.ALTERATION,
    RequestKind.SYNTHETIC: UseKind.NEW_PERFORMANCE,
}


class Feature(StrEnum):
    """Features through which a synthetic performer is recognizably someone (SPEC §4.4).

    A request may list other features (``hair``); only these make it resemble a performer.
    """

    EYES = "eyes"
    NOSE = "nose"
    MOUTH = "mouth"
    EARS = "ears"
    VOICE = "voice"


RECOGNIZABLE_FEATURES: frozenset[str] = frozenset(f.value for f in Feature)


@dataclass(frozen=True, slots=True)
class Request:
    """One request; ``date`` is the time of the use (decisions never read the wall clock).

    ``replica`` is named by ``use`` (and ``alteration``, which may name ``performer`` instead);
    ``performer`` by ``create``; ``synthetic`` names the performer it ``resembles``, if any.
    """

    id: RequestId
    kind: RequestKind
    producer: ProducerId
    production: ProductionId
    use: UseKind
    date: dt.date
    replica: ReplicaId | None = None
    performer: PerformerId | None = None
    description: str | None = None
    days: int = 1
    # alteration (SPEC §4.3)
    purpose: str | None = None
    substantially_as_scripted: bool = False
    # create (SPEC §4.1)
    session_at: dt.datetime | None = None
    notice_at: dt.datetime | None = None
    engaged_at: dt.datetime | None = None
    business_reason: str | None = None
    counts_toward_background: bool = False
    # synthetic (SPEC §4.4)
    resembles: PerformerId | None = None
    recognizable_features: tuple[str, ...] = field(default=())
    prompted_with_name: bool = False
    human_role: bool = False
    justification: str | None = None
    # interactive agreement (SPEC §7)
    real_time_generation: bool = False

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a request needs an id")
        if self.days < 1:
            raise ValueError(f"request {self.id}: days {self.days} (expected 1 or more)")
        if self.kind is RequestKind.USE and self.replica is None:
            raise ValueError(f"request {self.id}: a use names no replica (expected replica)")
        if self.kind is RequestKind.CREATE and self.performer is None and self.replica is None:
            raise ValueError(f"request {self.id}: a create names no performer (expected performer)")
        if self.kind is RequestKind.ALTERATION and self.performer is None and self.replica is None:
            raise ValueError(
                f"request {self.id}: an alteration names neither replica nor performer"
                " (expected one of them)"
            )
        for name in ("session_at", "notice_at", "engaged_at"):
            value: dt.datetime | None = getattr(self, name)
            if value is not None and value.tzinfo is not None:
                raise ValueError(
                    f"request {self.id}: {name} {value.isoformat()} has a time zone"
                    " (expected it converted to UTC without one)"
                )

    @property
    def resembles_someone(self) -> bool:
        """A synthetic request resembles its named performer through a feature or the name."""
        return self.resembles is not None and (
            self.prompted_with_name
            or any(f in RECOGNIZABLE_FEATURES for f in self.recognizable_features)
        )
