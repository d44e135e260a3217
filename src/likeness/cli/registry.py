"""``likeness performer|producer|production|replica``: register, list and show the registry
(SPEC §2), as the principal ``--as`` names; every read and write goes through
:mod:`likeness.services.registry`, which asks the access rules first."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from likeness.cli import _principal
from likeness.cli._boot import bootstrap
from likeness.cli._ids import id_value
from likeness.cli._output import print_json, print_table
from likeness.errors import InvalidInputError
from likeness.services import registry, replica_assets

if TYPE_CHECKING:
    from likeness.bootstrap import Container

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _container() -> Container:
    return bootstrap()


def _add(section: str, data: dict[str, Any]) -> None:
    container = _container()
    with container.uow() as uow:
        item = registry.add_record(
            uow, _principal.current(), section, {k: v for k, v in data.items() if v is not None}
        )
    print(f"registered {section[:-1]} {item.id}")


def _show(getter: Any, ident: str, as_json: bool) -> None:
    container = _container()
    with container.uow(write=False) as uow:
        principal = _principal.current()
        if getter is registry.get_performer:
            limited = registry.see_performer(uow, principal, ident).limited
            record = registry.performer_document(getter(uow, principal, ident), limited=limited)
        else:
            record = registry.record_as_document(getter(uow, principal, ident))
    if as_json:
        print_json(record)
        return
    width = max(len(k) for k in record)
    for key, value in record.items():
        print(f"{key:<{width}}  {value}")


def _list(section: str, columns: list[str], as_json: bool, **filters: Any) -> None:
    container = _container()
    with container.uow(write=False) as uow:
        lister = getattr(registry, f"list_{section}")
        given = {k: v for k, v in filters.items() if v is not None}
        items = lister(uow, _principal.current(), **given)
        records = [i if isinstance(i, dict) else registry.record_as_document(i) for i in items]
    if as_json:
        print_json(records)
    else:
        print_table(section.capitalize(), columns, records)


performer_app = typer.Typer(help="Performers: add, list and show.", no_args_is_help=True)
producer_app = typer.Typer(help="Producers: add, list and show.", no_args_is_help=True)
production_app = typer.Typer(
    help="Productions: add, list and show; their titles and cast.", no_args_is_help=True
)
replica_app = typer.Typer(help="Replicas and their asset files.", no_args_is_help=True)


def _representative(text: str) -> dict[str, Any]:
    parts = text.split(":")
    if len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "may-consent"):
        raise InvalidInputError(
            f"--representative {text!r} (expected ID:KIND or ID:KIND:may-consent, "
            "e.g. E1:estate or A1:agent:may-consent)"
        )
    return {"id": parts[0], "kind": parts[1], "may_consent": len(parts) == 3}


@performer_app.command("add")
def performer_add(
    id: Annotated[str, typer.Option("--id", help="Performer id, e.g. P1.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    category: Annotated[str, typer.Option(help="principal, background, stunt, singer or voice.")],
    born: Annotated[str, typer.Option(help="Date of birth, YYYY-MM-DD.")],
    died: Annotated[str | None, typer.Option(help="Date of death, YYYY-MM-DD.")] = None,
    union_member_id: Annotated[str | None, typer.Option(help="Union member id.")] = None,
    weekly_salary: Annotated[
        str | None, typer.Option(help='Weekly salary, e.g. "8000.00".')
    ] = None,
    day_rate: Annotated[str | None, typer.Option(help='Day rate, e.g. "1300.00".')] = None,
    representative: Annotated[
        list[str] | None,
        typer.Option(help="ID:KIND[:may-consent], e.g. E1:estate; repeat for several."),
    ] = None,
) -> None:
    """Register a performer."""
    _add(
        "performers",
        {
            "id": id,
            "name": name,
            "category": category,
            "born": born,
            "died": died,
            "union_member_id": union_member_id,
            "weekly_salary": weekly_salary,
            "day_rate": day_rate,
            "representatives": [_representative(r) for r in representative or []],
        },
    )


@performer_app.command("list")
def performer_list(as_json: JsonOption = False) -> None:
    """List the registered performers."""
    _list("performers", ["id", "name", "category", "born", "died", "representatives"], as_json)


@performer_app.command("show")
def performer_show(
    performer_id: Annotated[str, typer.Argument(help="Performer id.", callback=id_value)],
    as_json: JsonOption = False,
) -> None:
    """Show one performer."""
    _show(registry.get_performer, performer_id, as_json)


@producer_app.command("add")
def producer_add(
    id: Annotated[str, typer.Option("--id", help="Producer id, e.g. S1.")],
    name: Annotated[str, typer.Option(help="Company name.")],
) -> None:
    """Register a producer (a signatory company)."""
    _add("producers", {"id": id, "name": name})


@producer_app.command("list")
def producer_list(as_json: JsonOption = False) -> None:
    """List the registered producers."""
    _list("producers", ["id", "name"], as_json)


@producer_app.command("show")
def producer_show(
    producer_id: Annotated[str, typer.Argument(help="Producer id.", callback=id_value)],
    as_json: JsonOption = False,
) -> None:
    """Show one producer."""
    _show(registry.get_producer, producer_id, as_json)


@production_app.command("add")
def production_add(
    id: Annotated[str, typer.Option("--id", help="Production id, e.g. F1.")],
    title: Annotated[str, typer.Option(help="Title.")],
    producer: Annotated[str, typer.Option(help="Id of the producer making it.")],
    kind: Annotated[
        str, typer.Option(help="theatrical, television, hb-svod, commercial or video-game.")
    ],
    agreement: Annotated[
        str | None, typer.Option(help="Rule set id (SPEC §7); default the 2023 agreement.")
    ] = None,
    principal_photography: Annotated[
        str | None, typer.Option(help="Start of principal photography, YYYY-MM-DD.")
    ] = None,
    platform: Annotated[
        str | None, typer.Option(help="Streaming platform it is on (hb-svod, SPEC §6.1).")
    ] = None,
) -> None:
    """Register a production."""
    _add(
        "productions",
        {
            "id": id,
            "title": title,
            "producer": producer,
            "kind": kind,
            "agreement": agreement,
            "principal_photography": principal_photography,
            "platform": platform,
        },
    )


@production_app.command("list")
def production_list(as_json: JsonOption = False) -> None:
    """List the registered productions."""
    _list(
        "productions",
        ["id", "title", "producer", "kind", "agreement", "principal_photography"],
        as_json,
    )


@production_app.command("show")
def production_show(
    production_id: Annotated[str, typer.Argument(help="Production id.", callback=id_value)],
    as_json: JsonOption = False,
) -> None:
    """Show one production."""
    _show(registry.get_production, production_id, as_json)


@replica_app.command("add")
def replica_add(
    id: Annotated[str, typer.Option("--id", help="Replica id, e.g. D1.")],
    performer: Annotated[str, typer.Option(help="Id of the performer it reproduces.")],
    kind: Annotated[str, typer.Option(help="employment-based or independently-created.")],
    media: Annotated[
        list[str], typer.Option(help="face, body, voice or movement; repeat for several.")
    ],
    made_in: Annotated[
        str | None, typer.Option(help="Production it was made in (employment-based).")
    ] = None,
    made_on: Annotated[str | None, typer.Option(help="Date made, YYYY-MM-DD.")] = None,
    asset: Annotated[
        list[Path] | None,
        typer.Option(
            help="An asset file to digest and record (a regular file, not a symbolic link);"
            " repeatable."
        ),
    ] = None,
) -> None:
    """Register a replica, optionally with its asset files (each digested with SHA-256)."""
    from likeness.services.assets import digest_file

    assets = [digest_file(p) for p in asset or []]
    _add(
        "replicas",
        {
            "id": id,
            "performer": performer,
            "kind": kind,
            "media": media,
            "made_in": made_in,
            "made_on": made_on,
            "assets": [
                {"location": a.location, "size": a.size, "sha256": a.sha256} for a in assets
            ],
        },
    )


@replica_app.command("add-asset")
def replica_add_asset(
    replica_id: Annotated[str, typer.Argument(help="Replica id.", callback=id_value)],
    file: Annotated[
        Path,
        typer.Argument(
            help="The asset file (read in a stream, any size): a regular file, not a symbolic"
            " link, directory, device or FIFO."
        ),
    ],
) -> None:
    """Digest FILE (size and SHA-256) and record it as an asset of the replica.

    FILE must be a regular file: a symbolic link, directory, device or FIFO is refused.
    """
    container = _container()
    with container.uow() as uow:
        found = replica_assets.register_asset(uow, _principal.current(), replica_id, file)
    print(f"replica {replica_id}: {found.location} {found.size} bytes sha256 {found.sha256}")


@replica_app.command("list")
def replica_list(
    performer: Annotated[str | None, typer.Option(help="Only this performer's replicas.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the registered replicas."""
    _list(
        "replicas",
        ["id", "performer", "kind", "media", "made_in", "made_on"],
        as_json,
        performer_id=performer,
    )


@replica_app.command("show")
def replica_show(
    replica_id: Annotated[str, typer.Argument(help="Replica id.", callback=id_value)],
    as_json: JsonOption = False,
) -> None:
    """Show one replica with its asset files."""
    _show(registry.get_replica, replica_id, as_json)
