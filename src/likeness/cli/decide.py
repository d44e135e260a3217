"""``likeness decide``: decide a request against the database and print the decision JSON."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from likeness.bootstrap import bootstrap
from likeness.cli._output import print_json
from likeness.cli._principal import current
from likeness.domain.requests import Request
from likeness.errors import InvalidInputError
from likeness.interchange.documents import read_document
from likeness.interchange.parsing import parse_request
from likeness.interchange.report import decision_json
from likeness.interchange.schemas import REQUEST_FILE_ONLY, RequestRecord
from likeness.services.decisions import decide_request


def _requests_of(file: Path) -> tuple[list[Request], bool]:
    """The requests of FILE (one mapping, or a ``requests`` list) and whether it was a list."""
    document = read_document(file)
    if "requests" in document:
        items = document["requests"]
        if not isinstance(items, list):
            raise InvalidInputError(f"{file}: requests is not a list (expected a list of requests)")
        labels = [
            f"{file}: requests[{i}]"
            + (f" ({r['id']})" if isinstance(r, dict) and "id" in r else "")
            for i, r in enumerate(items)
        ]
        return [
            parse_request(raw, label)[0] for raw, label in zip(items, labels, strict=True)
        ], True
    document.pop("expect", None)
    return [parse_request(document, f"{file}: request")[0]], False


#: the options named apart from the request field they give
OPTION_OF_FIELD = {"recognizable_features": "feature"}

#: request fields with no option (give them with ``--request FILE``)
FIELDS_WITHOUT_OPTION = frozenset({"description"})


def _request_options(params: Mapping[str, Any]) -> dict[str, Any]:
    """The request the options state: a key per field of the request record that has an
    option (``tests/unit/test_cli_decide.py`` checks that every other field has one)."""
    data = {
        name: params[OPTION_OF_FIELD.get(name, name)]
        for name in RequestRecord.model_fields
        if name not in REQUEST_FILE_ONLY | FIELDS_WITHOUT_OPTION
    }
    data["recognizable_features"] = data["recognizable_features"] or []
    return data


def decide(
    ctx: typer.Context,
    request_file: Annotated[
        Path | None,
        typer.Option("--request", help="A request as YAML/JSON (scenario request format)."),
    ] = None,
    id: Annotated[str, typer.Option("--id", help="Request id.")] = "Q1",
    kind: Annotated[str | None, typer.Option(help="create, use, alteration or synthetic.")] = None,
    producer: Annotated[str | None, typer.Option(help="The producer asking.")] = None,
    production: Annotated[str | None, typer.Option(help="The production.")] = None,
    replica: Annotated[str | None, typer.Option(help="The replica (use, alteration).")] = None,
    performer: Annotated[
        str | None, typer.Option(help="The performer (create; alteration instead of replica).")
    ] = None,
    use: Annotated[str | None, typer.Option(help="The use (SPEC §3).")] = None,
    date: Annotated[str | None, typer.Option(help="Date of the use, YYYY-MM-DD.")] = None,
    days: Annotated[int, typer.Option(help="Days of replica performance.")] = 1,
    purpose: Annotated[str | None, typer.Option(help="Purpose of an alteration.")] = None,
    substantially_as_scripted: Annotated[
        bool, typer.Option(help="The alteration's result is substantially as scripted.")
    ] = False,
    session_at: Annotated[
        str | None, typer.Option(help="Scan session, YYYY-MM-DDTHH:MM:SS.")
    ] = None,
    notice_at: Annotated[
        str | None, typer.Option(help="When notice was given, YYYY-MM-DDTHH:MM:SS.")
    ] = None,
    engaged_at: Annotated[
        str | None, typer.Option(help="When the performer was engaged, YYYY-MM-DDTHH:MM:SS.")
    ] = None,
    business_reason: Annotated[str | None, typer.Option(help="Business reason for a scan.")] = None,
    counts_toward_background: Annotated[
        bool, typer.Option(help="The replica counts toward background performers hired.")
    ] = False,
    resembles: Annotated[
        str | None, typer.Option(help="Performer a synthetic performer resembles.")
    ] = None,
    feature: Annotated[
        list[str] | None,
        typer.Option(help="Recognizable feature (eyes, nose, mouth, ears, voice); repeatable."),
    ] = None,
    prompted_with_name: Annotated[
        bool, typer.Option(help="The synthetic performer was prompted with the name.")
    ] = False,
    human_role: Annotated[
        bool, typer.Option(help="The synthetic performer plays a human role.")
    ] = False,
    justification: Annotated[
        str | None, typer.Option(help="Why a synthetic performer plays a human role.")
    ] = None,
    real_time_generation: Annotated[
        bool, typer.Option(help="Generated in real time (interactive agreement).")
    ] = False,
    explain: Annotated[
        bool, typer.Option(help="Also print which checks ran and failed (on stderr).")
    ] = False,
) -> None:
    """Decide a request against the database; print the decision as SPEC §9 JSON."""
    if request_file is not None:
        requests, many = _requests_of(request_file)
    else:
        data = _request_options(ctx.params)
        cleaned = {k: v for k, v in data.items() if v is not None}
        requests, many = [parse_request(cleaned, f"request {id}")[0]], False
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
