"""``likeness production add-title|add-cast|titles|cast``: the titles and cast of a production
that residual runs read from the registry (SPEC §6.1); every read and write goes through
:mod:`likeness.services.production_details`, which asks the access rules first."""

from __future__ import annotations

from typing import Annotated

import typer

from likeness.cli import _principal
from likeness.cli._boot import bootstrap
from likeness.cli._output import print_json, print_table
from likeness.cli.registry import JsonOption, production_app
from likeness.services import production_details

ProductionArgument = Annotated[str, typer.Argument(help="Production id.")]


@production_app.command("add-title")
def production_add_title(
    production: ProductionArgument,
    title: Annotated[str, typer.Option(help="Title id (an episode or film), unique everywhere.")],
    runtime_minutes: Annotated[int, typer.Option(help="Runtime in whole minutes.")],
    premiere: Annotated[str, typer.Option(help="Premiere date, YYYY-MM-DD.")],
) -> None:
    """Register a title of a production (its producer or the operator)."""
    data = {
        "production": production,
        "title": title,
        "runtime_minutes": runtime_minutes,
        "premiere": premiere,
    }
    with bootstrap().uow() as uow:
        found = production_details.add_title(uow, _principal.current(), data)
    print(f"registered title {found.title} of production {found.production}")


@production_app.command("add-cast")
def production_add_cast(
    production: ProductionArgument,
    performer: Annotated[str, typer.Option(help="Id of the performer in the cast.")],
    residual_base: Annotated[
        str, typer.Option(help='Base of the performer\'s streaming residuals, e.g. "2000.00".')
    ],
) -> None:
    """Register a performer in a production's cast (its producer or the operator)."""
    data = {"production": production, "performer": performer, "residual_base": residual_base}
    with bootstrap().uow() as uow:
        found = production_details.add_cast(uow, _principal.current(), data)
    print(
        f"registered performer {found.performer} in the cast of production {found.production}"
        f" (residual base {found.residual_base})"
    )


@production_app.command("titles")
def production_titles(production: ProductionArgument, as_json: JsonOption = False) -> None:
    """List the titles of a production."""
    with bootstrap().uow(write=False) as uow:
        rows = production_details.list_titles(uow, _principal.current(), production)
    if as_json:
        print_json(rows)
    else:
        print_table("Titles", ["production", "title", "runtime_minutes", "premiere"], rows)


@production_app.command("cast")
def production_cast(production: ProductionArgument, as_json: JsonOption = False) -> None:
    """List the cast of a production with each performer's residual base."""
    with bootstrap().uow(write=False) as uow:
        rows = production_details.list_cast(uow, _principal.current(), production)
    if as_json:
        print_json(rows)
    else:
        print_table("Cast", ["production", "performer", "residual_base"], rows)
