"""``likeness notices list|send``: the notices of SPEC §11, read and delivered by email."""

from __future__ import annotations

from typing import Annotated

import typer

from likeness.bootstrap import bootstrap
from likeness.cli._output import print_json, print_table
from likeness.cli._principal import current
from likeness.services.notices import list_notices

app = typer.Typer(
    help="Notices: what each party is told (SPEC §11); list yours, or send them by email.",
    no_args_is_help=True,
)


@app.command("list")
def list_(
    limit: Annotated[int, typer.Option(help="Most notices to show.")] = 50,
    offset: Annotated[int, typer.Option(help="Notices to skip.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Your notices (use --as to choose whose), newest first."""
    container = bootstrap()
    with container.uow(write=False) as uow:
        page = list_notices(uow, current(), limit=limit, offset=offset)
    rows = [
        {
            "id": n.id,
            "kind": str(n.kind),
            "to": f"{n.recipient_role}:{n.recipient}",
            "subject": n.subject,
            "created": n.created_at.strftime("%Y-%m-%d %H:%M"),
            "email": str(n.delivery),
            "message": n.message,
            "data": dict(n.data),
        }
        for n in page.items
    ]
    if as_json:
        print_json({"items": rows, "total": page.total})
        return
    print_table(
        f"Notices ({page.total} in all)", ["id", "kind", "to", "subject", "created", "email"], rows
    )
