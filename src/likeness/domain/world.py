"""A world: everything registered, as plain values (performers, producers, productions, replicas).

The scenario runner decides over a world held in memory; import and export move a world in and
out of the database. Later parts (consents, strikes) add their own collections here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from likeness.domain.consents import Consent
from likeness.domain.ids import ConsentId, PerformerId, ProducerId, ProductionId, ReplicaId
from likeness.domain.performers import Performer
from likeness.domain.productions import DEFAULT_AGREEMENT, Producer, Production
from likeness.domain.replicas import Replica
from likeness.domain.strikes import Strike


@dataclass
class World:
    """The registry as values keyed by id, in the order they were given."""

    agreement: str = DEFAULT_AGREEMENT
    performers: dict[PerformerId, Performer] = field(default_factory=dict)
    producers: dict[ProducerId, Producer] = field(default_factory=dict)
    productions: dict[ProductionId, Production] = field(default_factory=dict)
    replicas: dict[ReplicaId, Replica] = field(default_factory=dict)
    consents: dict[ConsentId, Consent] = field(default_factory=dict)
    strikes: list[Strike] = field(default_factory=list)

    def is_empty(self) -> bool:
        """Whether nothing at all is registered."""
        return not (self.performers or self.producers or self.productions or self.replicas)
