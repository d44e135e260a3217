"""The decision engine: SPEC §4 over a world held in memory, with §6 pay through a calculator.

``DecisionEngine(world, pay).decide(request)`` answers one request. It is deterministic: the
answer depends on the world and the request only (the request's ``date`` is the time of use;
the wall clock is never read). Consents are indexed by the replica and by the performer they
name, and what does not depend on the request (SPEC §5 validity, the authority of whoever gave
the consent) is computed once when a consent is loaded.

How SPEC's terse places are read (each decided here, once):

- §4.1 runs first; if any check fails the decision is deny with every failing code and no
  consent is looked at (§4.4's justification rule runs beside the resemblance check, so a
  synthetic request can be denied with both).
- §4.2: the consents examined are those naming the request's replica, then those naming its
  performer, each in the order they were stored; the first that passes is cited. If none
  passes, the decision lists the codes of every consent examined (their union, in the order of
  the §4.2 table), or ``no-consent`` when there is none. ``consent-invalid`` comes with its §5
  codes.
- §4.3: the exemption registered for the request's kind (:mod:`likeness.policy.exemptions`)
  runs where it applies: exempt, it allows; otherwise it denies or leaves the request to the
  consent path. An alteration that is not exempt needs consent for the use ``alteration`` (or
  whatever use the request names).
- §4.4: the rule set's synthetic rules, then the resemblance rule
  (:mod:`likeness.policy.synthetic`), whose consent is looked for on the §4.2 consent path.
- §4.5 obligations: ``record-use`` always; ``pay`` and ``pension-health`` on every allowed request
  that is paid (everything but ``alteration-exempt`` and a synthetic performer resembling no
  one); then the obligation rules of the rule set (:mod:`likeness.policy.obligations`).
- §7 ``consent-suspended``: a consent rule; the strikes it looks at are those concerning the
  request's producer. ``signed-during-strike``: a validity check against the world's strikes.
- A decision's ``ran`` names each check by its rule id: the SPEC code it gives, or a descriptive
  id where it gives several (``ids-known``; ``consent`` for the §4.2 path). Decisions stored
  before the ids became codes keep the names they were made with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from likeness.domain.consents import Consent
from likeness.domain.decisions import (
    Check,
    Decision,
    Obligation,
    ObligationKind,
    PayBasis,
    PayTerms,
    Reason,
)
from likeness.domain.ids import ConsentId, ProductionId
from likeness.domain.performers import Performer
from likeness.domain.replicas import Replica, ReplicaKind
from likeness.domain.requests import Request, RequestKind
from likeness.domain.strikes import Strike
from likeness.domain.world import World
from likeness.policy.combinators import first_passing
from likeness.policy.consent_rules import union_of_codes
from likeness.policy.exemptions import EXEMPTIONS
from likeness.policy.facts import Asked, ConsentFacts, RequestFacts
from likeness.policy.index import WorldIndex
from likeness.policy.rulesets import RuleSet, load_rule_set
from likeness.policy.synthetic import RESEMBLANCE
from likeness.rulesets import RULE_SET_IDS

_RECORD_USE = (Obligation(ObligationKind.RECORD_USE),)
_NO_CONSENT = (Reason.NO_CONSENT.value,)
_COVERED_BY_CONSENT = (Reason.COVERED_BY_CONSENT.value,)
_UNKNOWN_PERFORMER = (Reason.UNKNOWN_PERFORMER.value,)
_UNKNOWN_PRODUCTION = (Reason.UNKNOWN_PRODUCTION.value,)
_UNKNOWN_REPLICA = (Reason.UNKNOWN_REPLICA.value,)
#: the name of the consent path (§4.2) in a decision's explanation
_CONSENT_CHECK = "consent"
_exemption_for = EXEMPTIONS.get


class PayCalculator(Protocol):
    """Computes the pay lines of SPEC §6 (implemented by ``compensation.pay.RateBookPay``)."""

    def pay_obligations(self, terms: PayTerms) -> tuple[Obligation, ...]:
        """The ``pay`` and ``pension-health`` obligations for ``terms``."""
        ...


class DecisionEngine:
    """Answers requests over one world; add or replace consents with :meth:`add_consent`.

    :param world: performers, producers, productions, replicas, consents and strikes. The
        engine keeps references to its dicts, so registry changes made there are seen.
    :param pay: the §6 pay calculator (``RateBookPay()`` for the packaged rate tables).
    :param rule_sets: looks a rule set up by id (the packaged ``ruleset.yaml`` files by default).

    Example (``RateBookPay`` is ``likeness.compensation.pay.RateBookPay``)::

        engine = DecisionEngine(world, RateBookPay())
        engine.decide(request).reasons        # ('covered-by-consent',)
    """

    def __init__(
        self,
        world: World,
        pay: PayCalculator,
        rule_sets: Callable[[str], RuleSet] = load_rule_set,
    ) -> None:
        self.world = world
        self._pay = pay
        self._load_rule_set = rule_sets
        self._rule_sets = {rule_set: rule_sets(rule_set) for rule_set in RULE_SET_IDS}
        for production in world.productions.values():
            self._rule_sets.setdefault(production.agreement, rule_sets(production.agreement))
        self._rule_sets.setdefault(world.agreement, rule_sets(world.agreement))
        self._index = WorldIndex(world)

    # --- loading (delegated to the index) -----------------------------------------------------

    def consent_facts(self, consent: Consent) -> ConsentFacts:
        """What about ``consent`` does not depend on a request: validity and authority."""
        return self._index.consent_facts(consent)

    def performer_of(self, consent: Consent) -> Performer | None:
        """Whom ``consent`` is about, if registered."""
        return self._index.performer_of(consent)

    def add_consent(self, consent: Consent, *, into_world: bool = True) -> ConsentFacts:
        """Index ``consent`` (one with the same id is replaced in place)."""
        return self._index.add_consent(consent, into_world=into_world)

    def add_consents(self, consents: Iterable[Consent], *, into_world: bool = True) -> int:
        """Index many consents; returns how many were added."""
        return self._index.add_consents(consents, into_world=into_world)

    def add_strike(self, strike: Strike) -> None:
        """Take ``strike`` into account from now on."""
        self._index.add_strike(strike)

    # --- questions about consents -----------------------------------------------------------

    def facts_of(self, consent_id: str) -> ConsentFacts | None:
        """The indexed facts of a consent, or None."""
        return self._index.facts_of(consent_id)

    def problems_of(self, consent: Consent) -> tuple[str, ...]:
        """SPEC §5 problems of ``consent`` under the rule sets of the productions it names.

        A consent naming no known production is judged under the world's agreement.
        """
        facts = self._index.facts_of(consent.id)
        if facts is None or facts.consent is not consent:
            facts = self._index.consent_facts(consent)
        rule_sets = {
            production.agreement
            for pid in consent.productions
            if (production := self.world.productions.get(ProductionId(pid))) is not None
        } or {self.world.agreement}
        found: list[str] = []
        for rule_set in sorted(rule_sets):
            checks = self.rule_set(rule_set).validity_checks
            for code in facts.problems_under(rule_set, checks, self._index):
                if code not in found:
                    found.append(code)
        return tuple(found)

    def struck(self, productions: Iterable[str], day: dt.date) -> bool:
        """Whether a strike against the producer of one of ``productions`` covers ``day``."""
        return self._index.struck(productions, day)

    def rule_set(self, rule_set: str) -> RuleSet:
        """The rule set with this id (loaded on first use)."""
        found = self._rule_sets.get(rule_set)
        if found is None:
            found = self._rule_sets[rule_set] = self._load_rule_set(rule_set)
        return found

    # --- deciding ---------------------------------------------------------------------------

    def _gather(self, request: Request) -> tuple[RequestFacts, RuleSet]:
        world = self.world
        unknown: tuple[str, ...] = ()
        replica: Replica | None = None
        performer: Performer | None = None
        if request.replica is not None:
            replica = world.replicas.get(request.replica)
            if replica is None:
                unknown += _UNKNOWN_REPLICA
        production = world.productions.get(request.production)
        if production is None:
            unknown += _UNKNOWN_PRODUCTION
        named = request.performer
        if request.kind is RequestKind.SYNTHETIC:
            named = request.resembles
        if named is not None:
            performer = world.performers.get(named)
            if performer is None:
                unknown += _UNKNOWN_PERFORMER
        if replica is not None and (performer is None or request.kind is not RequestKind.SYNTHETIC):
            performer = world.performers.get(replica.performer) or performer
        strikes = self._index.strikes_against(request.producer)
        agreement = production.agreement if production is not None else world.agreement
        rule_set = self._rule_sets.get(agreement)
        if rule_set is None:  # a production registered after the engine was built
            rule_set = self._rule_sets[agreement] = self._load_rule_set(agreement)
        return RequestFacts(request, production, replica, performer, unknown, strikes), rule_set

    def decide(self, request: Request) -> Decision:
        """Answer ``request`` (SPEC §4); allowed decisions carry their obligations (§4.5).

        Raises ``CompensationError`` only when the pay tables cannot price an allowed request.
        """
        facts, rule_set = self._gather(request)
        rules = rule_set.request_rules
        failed = rules.evaluate(facts)
        ran = rules.names
        if failed:
            reasons = tuple(code for check in failed for code in check.codes)
            return Decision(request.id, False, reasons, rule_set.id, ran=ran, failed=tuple(failed))
        kind = request.kind
        if kind is RequestKind.SYNTHETIC:
            return self._decide_synthetic(facts, rule_set, ran)
        exemption = _exemption_for(kind)
        if exemption is not None and exemption.applies(facts):
            ran = (*ran, exemption.name)
            codes = exemption.failures(facts, rule_set, self._index)
            if codes:
                denied = (Check(exemption.name, codes),)
                return Decision(request.id, False, codes, rule_set.id, ran=ran, failed=denied)
            if codes is not None:
                pay = self._exempt_pay(facts, rule_set, exemption.basis)
                return self._allow(facts, rule_set, exemption.reasons, pay, ran)
        # a create names a performer and needs a consent naming that performer (§4.2)
        replica = None if kind is RequestKind.CREATE else facts.replica
        return self._consented(facts, rule_set, ran, request.use, replica)

    def _allow(
        self,
        facts: RequestFacts,
        rule_set: RuleSet,
        reasons: tuple[str, ...],
        pay: tuple[Obligation, ...],
        ran: tuple[str, ...],
        consent: ConsentId | None = None,
        failed: Sequence[Check] = (),
    ) -> Decision:
        """An allowed decision: record-use, the pay lines, then the rule set's obligations."""
        obligations = _RECORD_USE + pay
        for obliged in rule_set.obligation_checks:
            found = obliged(facts, reasons)
            if found:
                obligations += found
        return Decision(
            facts.request.id,
            True,
            reasons,
            rule_set.id,
            consent=consent,
            obligations=obligations,
            ran=ran,
            failed=tuple(failed),
        )

    def _consent_path(
        self, facts: RequestFacts, rule_set: RuleSet, use: str, replica: str | None
    ) -> tuple[ConsentFacts | None, tuple[str, ...], list[Check]]:
        """§4.2: the first passing consent, else the deny codes and every consent's failure."""
        performer = facts.performer
        assert performer is not None  # §4.1 made sure the ids named are known
        asked = Asked(
            facts.request,
            use,
            replica,
            performer.id,
            rule_set.id,
            rule_set.validity_checks,
            facts.strikes,
            self._index,
        )
        # examined: every consent naming the request's replica or its performer, even where
        # the subject must be the performer (a create naming a replica too)
        named = facts.replica.id if facts.replica is not None else None
        examined = self._index.examined(named, performer.id)
        if not examined:
            return None, _NO_CONSENT, []
        cited, failed = first_passing(rule_set.consent_rules, asked, examined)
        if cited is not None:
            return cited, (), failed
        return None, union_of_codes(failed), failed

    def _pay_lines(
        self,
        facts: RequestFacts,
        rule_set: RuleSet,
        basis: PayBasis,
        consent: Consent | None,
        performer: Performer,
    ) -> tuple[Obligation, ...]:
        request = facts.request
        return self._pay.pay_obligations(
            PayTerms(
                rule_set.id,
                basis,
                performer,
                request.date,
                request.days,
                None if consent is None else consent.compensation,
                request.real_time_generation,
            )
        )

    def _exempt_pay(
        self, facts: RequestFacts, rule_set: RuleSet, basis: PayBasis | None
    ) -> tuple[Obligation, ...]:
        """The pay lines of an exempt request: none without a basis (work already paid)."""
        if basis is None:
            return ()
        performer = facts.performer
        assert performer is not None
        return self._pay_lines(facts, rule_set, basis, None, performer)

    @staticmethod
    def _replica_basis(replica: Replica, request: Request) -> PayBasis:
        if replica.kind is ReplicaKind.EMPLOYMENT_BASED and replica.made_in == request.production:
            return PayBasis.ORIGINAL_PRODUCTION
        return PayBasis.OTHER_USE

    def _consented(
        self,
        facts: RequestFacts,
        rule_set: RuleSet,
        ran: tuple[str, ...],
        use: str,
        replica: Replica | None,
    ) -> Decision:
        """Allow through the first passing consent (§4.2), else deny with every code."""
        request = facts.request
        performer = facts.performer
        assert performer is not None
        cited, codes, failed = self._consent_path(
            facts, rule_set, use, None if replica is None else replica.id
        )
        ran = (*ran, _CONSENT_CHECK)
        if cited is None:
            if not failed:  # no consent names the subject: the consent check says so
                failed = [Check(_CONSENT_CHECK, codes)]
            return Decision(request.id, False, codes, rule_set.id, ran=ran, failed=tuple(failed))
        consent = cited.consent
        if request.kind is RequestKind.CREATE:
            basis = PayBasis.SCAN_SESSION
        elif replica is not None:
            basis = self._replica_basis(replica, request)
        else:
            basis = PayBasis.OTHER_USE
        pay = self._pay_lines(facts, rule_set, basis, consent, performer)
        return self._allow(facts, rule_set, _COVERED_BY_CONSENT, pay, ran, consent.id, failed)

    def _decide_synthetic(
        self, facts: RequestFacts, rule_set: RuleSet, ran: tuple[str, ...]
    ) -> Decision:
        """§4.4: the rule set's synthetic rules, then the resemblance rule (both always run)."""
        request = facts.request
        failed: list[Check] = []
        reasons: tuple[str, ...] = ()
        for rule in rule_set.synthetic_rules:
            ran = (*ran, rule.name)
            codes = rule.failures(facts)
            if codes:
                failed.append(Check(rule.name, codes))
                reasons += codes
        if not RESEMBLANCE.applies(facts):
            if reasons:
                return Decision(
                    request.id, False, reasons, rule_set.id, ran=ran, failed=tuple(failed)
                )
            return self._allow(facts, rule_set, RESEMBLANCE.no_resemblance, (), ran)
        performer = facts.performer
        assert performer is not None
        cited, codes, consent_failed = self._consent_path(facts, rule_set, RESEMBLANCE.use, None)
        ran = (*ran, RESEMBLANCE.name)
        failed += consent_failed
        if cited is None:
            reasons = (*RESEMBLANCE.failures(codes), *reasons)
            return Decision(request.id, False, reasons, rule_set.id, ran=ran, failed=tuple(failed))
        if reasons:
            return Decision(request.id, False, reasons, rule_set.id, ran=ran, failed=tuple(failed))
        pay = self._pay_lines(facts, rule_set, PayBasis.OTHER_USE, cited.consent, performer)
        return self._allow(facts, rule_set, _COVERED_BY_CONSENT, pay, ran, cited.consent.id, failed)


def decide(world: World, request: Request, pay: PayCalculator) -> Decision:
    """Decide one request over ``world`` (builds a throwaway engine; prefer the engine for many).

    Raises ``CompensationError`` when an allowed request cannot be priced.
    """
    return DecisionEngine(world, pay).decide(request)
