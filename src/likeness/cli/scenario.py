"""``likeness scenario run FILE [--json]``: decide a scenario file in memory (SPEC §9)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from likeness.cli._boot import collaborators
from likeness.cli._output import print_json
from likeness.interchange.report import decision_json
from likeness.services.scenarios import ScenarioRun, run_scenario_file

app = typer.Typer(help="Conformance scenarios (SPEC §9), run in memory.", no_args_is_help=True)

#: exit status when an ``expect`` of the file does not hold
EXPECT_MISSED = 1


def _print_human(run: ScenarioRun) -> None:
    print(f"scenario: {run.scenario.name}")
    for outcome in run.consents:
        state = "valid" if outcome.valid else f"invalid ({', '.join(outcome.problems)})"
        print(f"  consent {outcome.id}: {state}")
    for decision in run.decisions:
        data = decision_json(decision)
        cited = f" consent {data['consent']}" if data["consent"] else ""
        print(
            f"  request {data['request']}: {data['decision']} {', '.join(data['reasons'])}{cited}"
        )
        for obligation in data["obligations"]:
            money = (
                f" {obligation['amount']} {obligation['currency']} ({obligation['basis']})"
                if obligation["amount"] is not None
                else ""
            )
            print(f"    - {obligation['kind']}{money}")


@app.command("run")
def run(
    file: Annotated[Path, typer.Argument(help="The scenario file (YAML or JSON).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the SPEC §9 JSON output instead of text.")
    ] = False,
) -> None:
    """Decide every request of FILE; exit 1 listing each expect that does not hold."""
    result = run_scenario_file(file, deps=collaborators())
    if as_json:
        print_json(result.report())
    else:
        _print_human(result)
    if result.misses:
        out = sys.stderr if as_json else sys.stdout
        print(f"{len(result.misses)} expect(s) missed in {file}:", file=out)
        for miss in result.misses:
            print(f"  - {miss}", file=out)
        raise typer.Exit(EXPECT_MISSED)
    if not as_json:
        print(f"all expects hold ({len(result.decisions)} requests)")
