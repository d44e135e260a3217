"""What the use cases need besides storage, built once by the composition root
(:func:`likeness.bootstrap.bootstrap`) and passed to every use case that decides, prices or
stamps a time: the pay calculator (SPEC §6), the rule-set loader (SPEC §7) and the clock.

No use case builds its own: tests pass their own (a fixed clock, other rate tables).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from likeness.domain.world import World
from likeness.policy.engine import DecisionEngine, PayCalculator
from likeness.policy.rulesets import RuleSet


@dataclass(frozen=True, slots=True)
class Collaborators:
    """The pay calculator, the rule-set loader and the clock of an installation."""

    pay: PayCalculator
    rule_sets: Callable[[str], RuleSet]
    clock: Callable[[], dt.datetime]

    def engine(self, world: World) -> DecisionEngine:
        """A decision engine over ``world`` with these rules and this pay."""
        return DecisionEngine(world, self.pay, self.rule_sets)
