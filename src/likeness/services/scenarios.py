"""Running a scenario file in memory (SPEC §9): parse, decide every request, check expects.

Nothing is read from or written to a database: the file is the whole world.

>>> from pathlib import Path
>>> run = run_scenario_file(Path("/nonexistent.yaml"))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from likeness.domain.decisions import Decision
from likeness.interchange.documents import read_document
from likeness.interchange.parsing import Scenario, parse_scenario
from likeness.interchange.report import ConsentOutcome, missed_expects, scenario_report
from likeness.services.collaborators import Collaborators


@dataclass(frozen=True)
class ScenarioRun:
    """What a run found: each consent's validity, each decision, and every missed expect."""

    scenario: Scenario
    consents: tuple[ConsentOutcome, ...]
    decisions: tuple[Decision, ...]
    misses: tuple[str, ...]

    @property
    def passed(self) -> bool:
        """Whether every ``expect`` of the file holds."""
        return not self.misses

    def report(self) -> dict[str, Any]:
        """The §9 ``--json`` output."""
        return scenario_report(self.scenario, self.consents, self.decisions)


def run_scenario(scenario: Scenario, *, deps: Collaborators) -> ScenarioRun:
    """Decide every request of ``scenario`` against its world and check its expects."""
    engine = deps.engine(scenario.world)
    consents = tuple(
        ConsentOutcome(consent.id, engine.problems_of(consent))
        for consent in scenario.world.consents.values()
    )
    decisions = tuple(engine.decide(request) for request in scenario.requests)
    misses = tuple(missed_expects(scenario, consents, decisions))
    return ScenarioRun(scenario, consents, decisions, misses)


def run_scenario_document(
    document: Mapping[str, Any], *, deps: Collaborators, source: str = "scenario"
) -> ScenarioRun:
    """Parse and run a scenario given as a loaded mapping.

    Raises ``InvalidInputError`` naming the key path of a malformed value.
    """
    return run_scenario(parse_scenario(document, source=source), deps=deps)


def run_scenario_file(path: Path, *, deps: Collaborators) -> ScenarioRun:
    """Read, parse and run the scenario file at ``path``.

    Raises ``InvalidInputError`` for an unreadable or malformed file.
    """
    return run_scenario_document(read_document(path), deps=deps, source=str(path))
