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
from likeness.services.outputs import RegisteredOutput, credential_output, register_output
from likeness.services.uses import RecordedUse, record_use

app = typer.Typer(
    help="Uses of replicas: decide and record, once per idempotency key; sign or register"
    " their outputs.",
    no_args_is_help=True,
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


def _output_report(output: RegisteredOutput) -> dict[str, Any]:
    return {
        "use": output.use,
        "file": output.file,
        "sha256": output.sha256,
        "how": output.how,
        "new": output.new,
        "ledger_index": output.ledger_index,
    }


@app.command("credential")
def credential(
    use: Annotated[int, typer.Argument(help="The id of a recorded use.", min=1)],
    file: Annotated[Path, typer.Argument(help="The output file to sign (picture, video, audio).")],
    out: Annotated[Path, typer.Argument(help="Where to write the signed copy (a new file).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Sign an output of a recorded use with a C2PA manifest (SPEC §13) naming the use, its
    decision, replica and ledger index, and marking it as made by AI (label-ai-output); its
    SHA-256 is registered as an output of the use. Detection reports the performer's likeness
    in it as covered."""
    container = bootstrap()
    with container.uow() as uow:
        output = credential_output(
            uow,
            current(),
            container.scanner(),
            use,
            file,
            out,
            installation=container.settings.log_origin,
            clock=container.deps.clock,
        )
    if as_json:
        print_json(_output_report(output))
        return
    print(f"signed: {out} (SHA-256 {output.sha256})")
    print(
        f"C2PA manifest names use {use}; marked as AI-generated; ledger entry {output.ledger_index}"
    )


@app.command("output")
def output(
    use: Annotated[int, typer.Argument(help="The id of a recorded use.", min=1)],
    file: Annotated[Path, typer.Argument(help="An output file of that use.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Register a file's SHA-256 as an output of a recorded use, without signing it (for a
    format C2PA does not carry): detection reports the performer's likeness in exactly this
    file as covered."""
    container = bootstrap()
    with container.uow() as uow:
        result = register_output(uow, current(), use, file, clock=container.deps.clock)
    if as_json:
        print_json(_output_report(result))
        return
    again = "" if result.new else " (already registered; nothing new stored)"
    print(f"registered: {file} (SHA-256 {result.sha256}) as an output of use {use}{again}")
