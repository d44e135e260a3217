"""The engine's indexes over a world: consents by the replica and by the performer they name
(each with its request-independent facts), and strikes by the producer they are against.

The index is also the world's strike calendar for validity (``signed-during-strike``): declaring a
strike clears the validity each consent had cached under the rule sets that add checks.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Sequence

from likeness.domain.consents import Consent
from likeness.domain.ids import ReplicaId
from likeness.domain.performers import Performer
from likeness.domain.strikes import Strike
from likeness.domain.world import World
from likeness.policy.consent_rules import has_authority
from likeness.policy.facts import ConsentFacts
from likeness.policy.validity import BASE_VALIDITY_CHECKS, validity_problems

_EMPTY: tuple[ConsentFacts, ...] = ()


class WorldIndex:
    """Consents and strikes of ``world``, indexed for the decision engine.

    The index keeps references to the world's dicts, so registry changes made there are seen;
    consents and strikes added through :meth:`add_consent` / :meth:`add_strike` go into both.
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self._by_replica: dict[str, list[ConsentFacts]] = {}
        self._by_performer: dict[str, list[ConsentFacts]] = {}
        self._facts: dict[str, ConsentFacts] = {}
        self._strikes_by_producer: dict[str, list[Strike]] = {}
        self._strikes_all: list[Strike] = []
        self.add_consents(world.consents.values(), into_world=False)
        for strike in world.strikes:
            self._index_strike(strike)

    # --- consents -------------------------------------------------------------------------------

    def performer_of(self, consent: Consent) -> Performer | None:
        """Whom ``consent`` is about (the named performer, or the replica's), if registered."""
        if consent.performer is not None:
            return self.world.performers.get(consent.performer)
        replica = self.world.replicas.get(ReplicaId(str(consent.replica)))
        return None if replica is None else self.world.performers.get(replica.performer)

    def consent_facts(self, consent: Consent) -> ConsentFacts:
        """What about ``consent`` does not depend on a request: validity and authority.

        The problems that rule sets add (the no-union term cap, signed during a strike) are
        computed on first use.
        """
        performer = self.performer_of(consent)
        return ConsentFacts(
            consent,
            performer,
            validity_problems(consent, performer, BASE_VALIDITY_CHECKS),
            has_authority(consent, performer),
        )

    def _bucket_of(self, consent: Consent) -> tuple[dict[str, list[ConsentFacts]], str]:
        if consent.replica is not None:
            return self._by_replica, consent.replica
        return self._by_performer, str(consent.performer)

    def add_consent(self, consent: Consent, *, into_world: bool = True) -> ConsentFacts:
        """Index ``consent``; one with the same id (e.g. after a revocation) is replaced in
        place, so the order consents are examined in stays the order they were stored in."""
        facts = self.consent_facts(consent)
        index, key = self._bucket_of(consent)
        old = self._facts.get(consent.id)
        if old is not None:
            old_index, old_key = self._bucket_of(old.consent)
            old_bucket = old_index[old_key]
            position = next(i for i, f in enumerate(old_bucket) if f is old)
            if old_index is index and old_key == key:
                old_bucket[position] = facts
            else:
                del old_bucket[position]
                index.setdefault(key, []).append(facts)
        else:
            bucket = index.get(key)
            if bucket is None:
                index[key] = [facts]
            else:
                bucket.append(facts)
        self._facts[consent.id] = facts
        if into_world:
            self.world.consents[consent.id] = consent
        return facts

    def add_consents(self, consents: Iterable[Consent], *, into_world: bool = True) -> int:
        """Index many consents; returns how many were added.

        The cyclic garbage collector is paused while they load: a million new objects would
        otherwise trigger hundreds of full scans of everything already loaded.
        """
        count = 0
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            for consent in consents:
                self.add_consent(consent, into_world=into_world)
                count += 1
        finally:
            if was_enabled:
                gc.enable()
        return count

    def facts_of(self, consent_id: str) -> ConsentFacts | None:
        """The indexed facts of a consent, or None."""
        return self._facts.get(consent_id)

    def examined(self, replica: str | None, performer: str) -> Sequence[ConsentFacts]:
        """The consents naming ``replica`` (when given), then those naming ``performer``."""
        by_performer = self._by_performer.get(performer, _EMPTY)
        if replica is None:
            return by_performer
        by_replica = self._by_replica.get(replica, _EMPTY)
        if not by_performer:
            return by_replica
        if not by_replica:
            return by_performer
        return [*by_replica, *by_performer]

    # --- strikes --------------------------------------------------------------------------------

    def add_strike(self, strike: Strike) -> None:
        """Take ``strike`` into account from now on (cached validity is recomputed)."""
        self.world.strikes.append(strike)
        self._index_strike(strike)
        for facts in self._facts.values():
            facts.extra_for = None

    def _index_strike(self, strike: Strike) -> None:
        if strike.against is None:
            self._strikes_all.append(strike)
        else:
            for producer in strike.against:
                self._strikes_by_producer.setdefault(producer, []).append(strike)

    def strikes_against(self, producer: str) -> Sequence[Strike]:
        """The strikes that could concern ``producer``: against it, or against all."""
        strikes: Sequence[Strike] = self._strikes_by_producer.get(producer, ())
        if self._strikes_all:
            strikes = [*strikes, *self._strikes_all]
        return strikes

    def struck(self, productions: Iterable[str], day: dt.date) -> bool:
        """Whether a strike against the producer of one of ``productions`` covers ``day``
        (the strike calendar of :mod:`likeness.policy.validity`)."""
        # strikes are few and consents many: rule out the day before looking productions up
        # (this runs once per consent and rule set, on the decision path: no allocation here)
        for strike in self.world.strikes:
            if strike.start <= day and (strike.until is None or day < strike.until):
                break
        else:
            return False
        dated = [s for s in self.world.strikes if s.covers_day(day)]
        known = self.world.productions
        for pid in productions:
            production = known.get(pid)  # type: ignore[call-overload]
            if production is not None and any(s.covers(production.producer, day) for s in dated):
                return True
        return False
