"""``likeness use``: record a use of a replica (decided first, idempotent on a key)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from likeness.cli._boot import bootstrap
from likeness.cli._output import print_json
from likeness.cli._principal import current
from likeness.cli._request_options import (
    REQUEST_FILE_HELP,
    request_documents,
    with_request_options,
)
from likeness.errors import InvalidInputError
from likeness.interchange.report import decision_json
from likeness.interchange.statements import pay_line_json
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
        "pay_lines": [pay_line_json(p) for p in record.pay_lines],
    }


@app.command("record")
@with_request_options
def record(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Option(
            "--key",
            help="Idempotency key: the same key again returns the first "
            "answer and stores nothing new.",
        ),
    ],
    request: Annotated[Path | None, typer.Option("--request", help=REQUEST_FILE_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    **options: Any,
) -> None:
    """Decide a use request (SPEC §4); if allowed, store the use and its pay lines, each with a
    ledger entry. A denied request stores only its decision, and the reasons are printed.
    Exits 1 when the use was denied.

    The request options are decide's; given with --request FILE they override its fields.
    """
    del options  # read from the context, with where each came from (request_documents)
    documents, many = request_documents(ctx, request)
    if many:
        raise InvalidInputError(
            f"{request}: holds a list of requests (expected one request: a use is recorded"
            " once per key)"
        )
    document = documents[0]
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
                print(f"  {line['kind']}: {line['amount']} {line['currency']}")
                print(f"    how: {line['basis']}")
                print(f"    rule: {line['rule']}; rate row {line['rate_row']}")
        else:
            print(f"denied: {', '.join(decision.reasons)}{again}")
            for line in decision.explain():
                print(f"  {line}")
    if not decision.allowed:
        raise typer.Exit(1)
