"""``likeness decide``: decide a request against the database and print the decision JSON."""

from __future__ import annotations

import sys
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
from likeness.domain.requests import Request
from likeness.interchange.parsing import parse_request
from likeness.interchange.report import decision_json
from likeness.services.decisions import decide_request


def _label(file: Path | None, many: bool, position: int, raw: Any) -> str:
    """Where a request came from, as its messages name it."""
    ident = raw.get("id") if isinstance(raw, dict) else None
    if file is None:
        return f"request {ident}"
    if not many:
        return f"{file}: request"
    return f"{file}: requests[{position}]" + (f" ({ident})" if ident is not None else "")


def _requests(ctx: typer.Context, file: Path | None) -> tuple[list[Request], bool]:
    documents, many = request_documents(ctx, file)
    requests = []
    for i, raw in enumerate(documents):
        if isinstance(raw, dict) and not many:
            raw.pop("expect", None)
        requests.append(parse_request(raw, _label(file, many, i, raw))[0])
    return requests, many


@with_request_options
def decide(
    ctx: typer.Context,
    request_file: Annotated[Path | None, typer.Option("--request", help=REQUEST_FILE_HELP)] = None,
    explain: Annotated[
        bool, typer.Option(help="Also print which checks ran and failed (on stderr).")
    ] = False,
    **options: Any,
) -> None:
    """Decide a request against the database; print the decision as SPEC §9 JSON.

    Options given with --request FILE override the same field of its request.
    """
    del options  # read from the context, with where each came from (request_documents)
    requests, many = _requests(ctx, request_file)
    container = bootstrap()
    decisions = []
    with container.uow(write=False) as uow:
        for request in requests:
            decisions.append(decide_request(uow, current(), request, deps=container.deps))
    output = [decision_json(d) for d in decisions]
    print_json(output if many else output[0])
    if explain:
        for decision in decisions:
            print(f"request {decision.request} under {decision.rule_set}:", file=sys.stderr)
            for line in decision.explain():
                print(f"  {line}", file=sys.stderr)
