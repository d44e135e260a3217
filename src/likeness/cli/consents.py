"""``likeness consent add|revoke|suspend|show|list``: record, revoke, suspend, show and list
consents, each shown with its standing on a date (SPEC §2, §4.2, §5, §7)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

import typer

from likeness.cli._boot import bootstrap
from likeness.cli._ids import id_value
from likeness.cli._output import print_json, print_table
from likeness.cli._principal import current
from likeness.domain.consents import StoredConsent
from likeness.errors import InvalidInputError
from likeness.interchange.documents import read_document, to_jsonable
from likeness.interchange.report import consent_to_document
from likeness.services import consents as service
from likeness.services.consent_world import standings

app = typer.Typer(
    help=(
        "Consents: add (refused when invalid unless --store-invalid), revoke, suspend during a"
        " video-game strike, list."
    ),
    no_args_is_help=True,
)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"{option} {value!r} (expected a date as YYYY-MM-DD)") from None


def _documents(file: Path) -> list[tuple[str, Any]]:
    """The consent mappings of FILE: one mapping, or a file with a ``consents`` list."""
    document = read_document(file)
    if "consents" in document:
        items = document["consents"]
        if not isinstance(items, list):
            raise InvalidInputError(f"{file}: consents is not a list (expected a list of consents)")
        return [(f"{file}: consents[{i}]", _without_expect(item)) for i, item in enumerate(items)]
    return [(f"{file}: consent", _without_expect(document))]


def _without_expect(item: Any) -> Any:
    """A scenario file's consents may carry ``expect``; recording ignores it."""
    return {k: v for k, v in item.items() if k != "expect"} if isinstance(item, dict) else item


def _describe(stored: StoredConsent) -> str:
    if stored.valid:
        return f"recorded consent {stored.consent.id} (valid)"
    return (
        f"recorded consent {stored.consent.id} (invalid, kept for the record:"
        f" {', '.join(stored.problems)})"
    )


@app.command("add")
def add(
    file: Annotated[
        Path | None,
        typer.Argument(help="A consent as YAML/JSON: one mapping, or a file with a consents list."),
    ] = None,
    id: Annotated[str | None, typer.Option("--id", help="Consent id, e.g. C1.")] = None,
    replica: Annotated[str | None, typer.Option(help="Replica the consent covers.")] = None,
    performer: Annotated[
        str | None, typer.Option(help="Performer the consent covers (create, synthetic).")
    ] = None,
    given_by: Annotated[
        str | None, typer.Option(help="Who consented: performer, representative id or union.")
    ] = None,
    signed_on: Annotated[str | None, typer.Option(help="Date signed, YYYY-MM-DD.")] = None,
    separately_signed: Annotated[
        bool, typer.Option(help="Signed apart from the employment contract or voucher.")
    ] = False,
    production: Annotated[
        list[str] | None, typer.Option(help="A production covered; repeat for several.")
    ] = None,
    use: Annotated[
        list[str] | None, typer.Option(help="A use covered (SPEC §3); repeat for several.")
    ] = None,
    description: Annotated[
        str | None, typer.Option(help="What will be made, where, for what.")
    ] = None,
    valid_from: Annotated[str | None, typer.Option(help="First day covered, YYYY-MM-DD.")] = None,
    valid_until: Annotated[str | None, typer.Option(help="Last day covered, YYYY-MM-DD.")] = None,
    amount: Annotated[str | None, typer.Option(help='Bargained amount, e.g. "216.00".')] = None,
    per: Annotated[str, typer.Option(help="What the amount is per: day or use.")] = "day",
    currency: Annotated[str, typer.Option(help="Currency of the amount.")] = "USD",
    lifetime_only: Annotated[
        bool, typer.Option(help="The consent ends at the performer's death.")
    ] = False,
    store_invalid: Annotated[
        bool,
        typer.Option(help="Keep a consent that fails SPEC §5, marked invalid, for the record."),
    ] = False,
) -> None:
    """Record the consents of FILE, all or nothing, or one consent from options; an invalid
    one is refused with its problems (and then nothing of the file is stored)."""
    if file is not None:
        items = _documents(file)
    else:
        if id is None:
            raise InvalidInputError("consent add: give FILE or --id and the other options")
        data: dict[str, Any] = {
            "id": id,
            "replica": replica,
            "performer": performer,
            "given_by": given_by,
            "signed_on": signed_on,
            "separately_signed": separately_signed,
            "productions": production or [],
            "uses": use or [],
            "description": description or "",
            "valid_from": valid_from,
            "valid_until": valid_until,
            "compensation": None
            if amount is None
            else {"amount": amount, "per": per, "currency": currency},
            "lifetime_only": lifetime_only,
        }
        items = [(f"consent {id}", {k: v for k, v in data.items() if v is not None})]
    container = bootstrap()
    with container.uow() as uow:
        # one transaction: every consent of the file is stored, or none is
        stored = service.grant_consents(
            uow, current(), items, store_invalid=store_invalid, deps=container.deps
        )
    for each in stored:
        print(_describe(each))
    if file is not None:
        print(f"stored {len(stored)} consent{'' if len(stored) == 1 else 's'} from {file}")


@app.command("revoke")
def revoke(
    consent_id: Annotated[
        str, typer.Argument(help="Id of the consent to revoke.", callback=id_value)
    ],
    on: Annotated[
        str | None,
        typer.Option("--on", help="Revoked from this date on, YYYY-MM-DD (default: today)."),
    ] = None,
) -> None:
    """Revoke a consent from a date on (uses before it stay valid; nothing is deleted).

    Refused for a date before the consent was signed, or on or before the date of a use
    already recorded under it: a revocation never rewrites the past.
    """
    day = None if on is None else _date(on, "--on")
    container = bootstrap()
    with container.uow() as uow:
        stored = service.revoke_consent(uow, current(), consent_id, day, deps=container.deps)
    print(f"revoked consent {consent_id} on {stored.consent.revoked_on}")


@app.command("suspend")
def suspend(
    consent_id: Annotated[
        str, typer.Argument(help="Id of the consent to suspend.", callback=id_value)
    ],
    on: Annotated[str, typer.Option("--on", help="Suspended from this date on, YYYY-MM-DD.")],
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Who suspends it: the performer, a representative id, or union; they must be"
            " able to give the consent on that date (SPEC §4.2). Default: whom --as names;"
            " the operator must say.",
        ),
    ] = None,
) -> None:
    """Suspend a consent during a video-game strike (2025 Interactive Media Agreement).

    From --on, the consent fails on every date a strike against the requesting producer covers,
    and passes again when the strike ends. Nothing is deleted; the ledger records who did it.
    """
    day = _date(on, "--on")
    container = bootstrap()
    with container.uow() as uow:
        stored = service.suspend_consent(uow, current(), consent_id, day, by, deps=container.deps)
    print(
        f"suspended consent {consent_id} from {day.isoformat()} (by {by or current().consents_as}):"
        " it fails while a"
        f" strike against the producer lasts; given by {stored.consent.given_by}"
    )


def _documents_with_standing(found: list[StoredConsent], on: str | None) -> list[dict[str, Any]]:
    """Each consent in the file format with its validity as recorded and its ``standing`` on
    ``on`` (today by default), as the decision engine judges it."""
    day = None if on is None else _date(on, "--on")
    container = bootstrap()
    with container.uow(write=False) as uow:
        stood = standings(uow, [s.consent for s in found], day, deps=container.deps)
    return [
        {**to_jsonable(consent_to_document(s.consent, s.problems)), "standing": st.as_document()}
        for s, st in zip(found, stood, strict=True)
    ]


OnOption = Annotated[
    str | None,
    typer.Option("--on", help="The date to judge each consent's standing on (default: today)."),
]


@app.command("show")
def show(
    consent_id: Annotated[str, typer.Argument(help="Id of the consent.", callback=id_value)],
    on: OnOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one consent and its standing on a date: valid, revoked, not authorized, ended at
    death, expired, suspended or invalid, as a decision on that date would judge it."""
    with bootstrap().uow(write=False) as uow:
        found = service.get_consent(uow, current(), consent_id)
    (record,) = _documents_with_standing([found], on)
    if as_json:
        print_json(record)
        return
    standing = record.pop("standing")
    record["standing"] = f"{standing['text']} (on {standing['on']})"
    width = max(len(k) for k in record)
    for key, value in record.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else value
        print(f"{key:<{width}}  {'' if shown is None else shown}")


@app.command("list")
def list_(
    performer: Annotated[
        str | None, typer.Option(help="Only consents naming this performer or their replicas.")
    ] = None,
    on: OnOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List consents in the order they were recorded, each with its standing on a date."""
    with bootstrap().uow(write=False) as uow:
        found = list(service.list_consents(uow, current(), performer))
    records = _documents_with_standing(found, on)
    if as_json:
        print_json(records)
        return
    rows = [
        {
            **r,
            "subject": r.get("replica") or r.get("performer"),
            "standing": r["standing"]["text"],
        }
        for r in records
    ]
    columns = ["id", "subject", "given_by", "uses", "valid_until", "standing"]
    print_table("Consents", columns, rows)
