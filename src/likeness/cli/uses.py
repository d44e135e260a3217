"""``likeness use``: record a use of a replica (decided first, idempotent on a key)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from likeness.bootstrap import bootstrap
from likeness.cli._output import print_json
from likeness.cli._principal import current
from likeness.interchange.documents import read_document, to_jsonable
from likeness.interchange.report import decision_json
from likeness.services.uses import RecordedUse, record_use

app = typer.Typer(
    help="Uses of replicas: decide and record, once per idempotency key.", no_args_is_help=True
)


def _report(result: RecordedUse) -> dict[str, Any]:
    record = result.record
    return {
        "key": record.key,
        "replayed": result.replayed,
        "use": record.use_id,
        "recorded_at": record.recorded_at,
        "decision": decision_json(record.decision),
        "explanation": record.decision.explain(),
        "pay_lines": [
            to_jsonable(
                {
                    "kind": str(p.kind),
                    "performer": p.performer,
                    "production": p.production,
                    "amount": p.amount,
                    "currency": p.currency,
                    "rule": p.rule,
                    "rate_row": p.rate_row,
                }
            )
            for p in record.pay_lines
        ],
    }


@app.command("record")
def record(
    request: Annotated[
        Path, typer.Option("--request", help="The request as YAML/JSON (scenario request format).")
    ],
    key: Annotated[
        str,
        typer.Option(
            "--key",
            help="Idempotency key: the same key again returns the first "
            "answer and stores nothing new.",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Decide a use request (SPEC §4); if allowed, store the use and its pay lines, each with a
    ledger entry. A denied request stores only its decision, and the reasons are printed.
    Exits 1 when the use was denied."""
    document = read_document(request)
    container = bootstrap()
    with container.uow() as uow:
        result = record_use(uow, current(), document, key, deps=container.deps)
    report = _report(result)
    decision = result.record.decision
    if as_json:
        print_json(report)
    else:
        again = " (already recorded under this key; nothing new stored)" if result.replayed else ""
        if decision.allowed:
            print(f"allowed: use {result.record.use_id} recorded{again}")
            print(
                f"reasons: {', '.join(decision.reasons)}"
                + (f" (consent {decision.consent})" if decision.consent else "")
            )
            for line in report["pay_lines"]:
                print(
                    f"  {line['kind']}: {line['amount']} {line['currency']}"
                    f" ({line['rule']}; {line['rate_row']})"
                )
        else:
            print(f"denied: {', '.join(decision.reasons)}{again}")
            for line in decision.explain():
                print(f"  {line}")
    if not decision.allowed:
        raise typer.Exit(1)
