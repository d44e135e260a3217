"""``likeness consent-request create|preview|list|show|grant|refuse|withdraw|expire``: the
path by which a consent is normally made (SPEC §11).

A producer (``--as producer:S1``) asks; whoever may consent on the day answers (``--as
performer:P1``, ``--as representative:E1``, ``--as union``); the operator answers for a party
it names with ``--by``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from likeness.cli._boot import bootstrap
from likeness.cli._ids import id_value
from likeness.cli._output import print_json, print_table
from likeness.cli._principal import current
from likeness.domain.consent_requests import RequestState
from likeness.errors import InvalidInputError
from likeness.interchange.documents import read_document, to_jsonable
from likeness.interchange.report import consent_to_document
from likeness.services import consent_answers as answers
from likeness.services import consent_requests as service

app = typer.Typer(
    help="Consent requests: a producer asks, whoever has authority answers (SPEC §11).",
    no_args_is_help=True,
)

_BY = typer.Option(
    "--by",
    help="Who answers: the performer, a representative id or union (the operator must say;"
    " anyone else answers as themselves).",
)


def _document(
    file: Path | None,
    options: dict[str, Any],
) -> dict[str, Any]:
    """The request of FILE (options override its fields), or of the options alone."""
    data: dict[str, Any] = {}
    if file is not None:
        data = dict(read_document(file))
    given = {k: v for k, v in options.items() if v not in (None, [], False)}
    data.update(given)
    if not data:
        raise InvalidInputError(
            "consent-request: give FILE or the options (--replica or --performer, --production,"
            " --use, --description, --until, ...)"
        )
    return data


def _options(
    id: str | None,
    producer: str | None,
    replica: str | None,
    performer: str | None,
    production: list[str] | None,
    use: list[str] | None,
    description: str | None,
    valid_from: str | None,
    valid_until: str | None,
    amount: str | None,
    per: str,
    currency: str,
    lifetime_only: bool,
    respond_by: str | None,
) -> dict[str, Any]:
    return {
        "id": id,
        "producer": producer,
        "replica": replica,
        "performer": performer,
        "productions": production or [],
        "uses": use or [],
        "description": description,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "compensation": None
        if amount is None
        else {"amount": amount, "per": per, "currency": currency},
        "lifetime_only": lifetime_only,
        "respond_by": respond_by,
    }


FileArg = Annotated[
    Path | None,
    typer.Argument(help="The request as YAML/JSON (the options below override its fields)."),
]
IdOpt = Annotated[str | None, typer.Option("--id", help="Request id (default: generated).")]
ProducerOpt = Annotated[
    str | None, typer.Option(help="The producer asking (default: the one --as names).")
]
ReplicaOpt = Annotated[str | None, typer.Option(help="The replica the consent would cover.")]
PerformerOpt = Annotated[
    str | None, typer.Option(help="The performer, to create replicas or a synthetic performer.")
]
ProductionOpt = Annotated[
    list[str] | None, typer.Option(help="A production it is for; repeat for several.")
]
UseOpt = Annotated[list[str] | None, typer.Option(help="A use (SPEC §3); repeat for several.")]
DescriptionOpt = Annotated[
    str | None, typer.Option(help="What will be made, where, for what (plain words).")
]
FromOpt = Annotated[str | None, typer.Option(help="First day covered, YYYY-MM-DD.")]
UntilOpt = Annotated[str | None, typer.Option(help="Last day covered, YYYY-MM-DD.")]
AmountOpt = Annotated[str | None, typer.Option(help='Pay offered, e.g. "250.00".')]
PerOpt = Annotated[str, typer.Option(help="What the amount is per: day or use.")]
CurrencyOpt = Annotated[str, typer.Option(help="Currency of the amount.")]
LifetimeOpt = Annotated[bool, typer.Option(help="The consent would end at the death.")]
RespondByOpt = Annotated[
    str | None, typer.Option(help="Last day to answer, YYYY-MM-DD (default: in 14 days).")
]


@app.command("create")
def create(
    file: FileArg = None,
    id: IdOpt = None,
    producer: ProducerOpt = None,
    replica: ReplicaOpt = None,
    performer: PerformerOpt = None,
    production: ProductionOpt = None,
    use: UseOpt = None,
    description: DescriptionOpt = None,
    valid_from: FromOpt = None,
    valid_until: UntilOpt = None,
    amount: AmountOpt = None,
    per: PerOpt = "day",
    currency: CurrencyOpt = "USD",
    lifetime_only: LifetimeOpt = False,
    respond_by: RespondByOpt = None,
) -> None:
    """Ask for consent. Refused with its SPEC §5 problems when the consent would be invalid
    (blanket or perpetual terms never reach a performer); nothing is stored then."""
    options = _options(
        id,
        producer,
        replica,
        performer,
        production,
        use,
        description,
        valid_from,
        valid_until,
        amount,
        per,
        currency,
        lifetime_only,
        respond_by,
    )
    data = _document(file, options)
    container = bootstrap()
    with container.uow() as uow:
        request = service.create_request(uow, current(), data, deps=container.deps)
    print(
        f"created consent request {request.id} for {request.about}: pending until"
        f" {request.respond_by}"
    )


@app.command("preview")
def preview(
    file: FileArg = None,
    id: IdOpt = None,
    producer: ProducerOpt = None,
    replica: ReplicaOpt = None,
    performer: PerformerOpt = None,
    production: ProductionOpt = None,
    use: UseOpt = None,
    description: DescriptionOpt = None,
    valid_from: FromOpt = None,
    valid_until: UntilOpt = None,
    amount: AmountOpt = None,
    per: PerOpt = "day",
    currency: CurrencyOpt = "USD",
    lifetime_only: LifetimeOpt = False,
    respond_by: RespondByOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the SPEC §5 problems of the consent a request would make, and who may answer it;
    nothing is stored. Exits 1 when it has problems."""
    options = _options(
        id,
        producer,
        replica,
        performer,
        production,
        use,
        description,
        valid_from,
        valid_until,
        amount,
        per,
        currency,
        lifetime_only,
        respond_by,
    )
    data = _document(file, options)
    container = bootstrap()
    with container.uow(write=False) as uow:
        found = service.preview_request(uow, current(), data, deps=container.deps)
    answerers = [f"{role}:{party}" for role, party in found.answerers]
    if as_json:
        print_json(
            {"valid": not found.problems, "problems": list(found.problems), "answerers": answerers}
        )
    elif found.problems:
        print(f"would be refused: {', '.join(found.problems)}")
    else:
        print(f"ready to send; it would go to {', '.join(answerers) or 'nobody'}")
    if found.problems:
        raise typer.Exit(1)


@app.command("list")
def list_(
    state: Annotated[RequestState | None, typer.Option(help="Only requests in this state.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The requests you see, in the order made, as they stand today."""
    container = bootstrap()
    with container.uow(write=False) as uow:
        found = service.list_requests(uow, current(), state=state, deps=container.deps)
    docs = [service.request_document(r) for r in found]
    if as_json:
        print_json(docs)
        return
    columns = ["id", "producer", "about", "productions", "uses", "respond_by", "state"]
    print_table("Consent requests", columns, docs)


@app.command("show")
def show(
    request_id: Annotated[str, typer.Argument(help="The request id.", callback=id_value)],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One request, its full terms and its state today."""
    container = bootstrap()
    with container.uow(write=False) as uow:
        request = service.get_request(uow, current(), request_id, deps=container.deps)
    doc = service.request_document(request)
    if as_json:
        print_json(doc)
        return
    for key, value in doc.items():
        if value not in (None, [], ""):
            shown = ", ".join(map(str, value)) if isinstance(value, list) else value
            if isinstance(value, dict):
                shown = f"{value['amount']} {value['currency']} per {value['per']}"
            print(f"{key:>14}: {shown}")


@app.command("grant")
def grant(
    request_id: Annotated[str, typer.Argument(help="The request id.", callback=id_value)],
    by: Annotated[str | None, _BY] = None,
) -> None:
    """Grant a pending request: the consent is made, signed today, separately signed."""
    container = bootstrap()
    with container.uow() as uow:
        granted = answers.grant_request(uow, current(), request_id, by=by, deps=container.deps)
    doc = to_jsonable(consent_to_document(granted.consent, ()))
    print(
        f"granted consent request {request_id}: consent {doc['id']} given by"
        f" {doc['given_by']} on {doc['signed_on']}"
    )


@app.command("refuse")
def refuse(
    request_id: Annotated[str, typer.Argument(help="The request id.", callback=id_value)],
    reason: Annotated[str | None, typer.Option(help="Why (the producer reads it).")] = None,
    by: Annotated[str | None, _BY] = None,
) -> None:
    """Refuse a pending request."""
    container = bootstrap()
    with container.uow() as uow:
        refused = answers.refuse_request(
            uow, current(), request_id, reason, by=by, deps=container.deps
        )
    print(f"refused consent request {request_id} (by {refused.answered_by})")


@app.command("withdraw")
def withdraw(
    request_id: Annotated[str, typer.Argument(help="The request id.", callback=id_value)],
) -> None:
    """Withdraw your pending request (producers)."""
    container = bootstrap()
    with container.uow() as uow:
        answers.withdraw_request(uow, current(), request_id, deps=container.deps)
    print(f"withdrew consent request {request_id}")


@app.command("expire")
def expire() -> None:
    """Write the expiry of every pending request whose respond_by has passed (the operator;
    `likeness notices send` does it on each pass too)."""
    container = bootstrap()
    with container.uow() as uow:
        count = answers.expire_requests(uow, current(), deps=container.deps)
    print(f"expired {count} consent request(s)")
