"""Decides: "may this producer do this with this replica?" (SPEC §4, §5, §7).

Rules are small objects (:mod:`likeness.policy.rules`), consent validity is
:mod:`likeness.policy.validity`, rule sets are data (:mod:`likeness.policy.rulesets`) and
:class:`~likeness.policy.engine.DecisionEngine` puts them together.
"""

from likeness.policy.engine import DecisionEngine, PayCalculator, decide

__all__ = ["DecisionEngine", "PayCalculator", "decide"]
