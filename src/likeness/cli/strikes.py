"""``likeness strike declare|end|list``: the union declares and ends strikes (SPEC §2, §7, §10).

Each declaration and end is a ledger entry, written by :mod:`likeness.services.strikes` (the
service ``POST /v1/strikes`` uses); act as the union with ``--as union`` (the operator may too).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from likeness.cli._boot import bootstrap
from likeness.cli._ids import MAX_NUMBER
from likeness.cli._output import console, print_json, print_table
from likeness.cli._principal import current
from likeness.domain.ids import ProducerId
from likeness.domain.strikes import ALL_PRODUCERS, Strike
from likeness.errors import InvalidInputError, RecordInvalidError
from likeness.services import strikes as service

app = typer.Typer(
    help="Strikes: declare (against producers or all), end (the day work resumed), list.",
    no_args_is_help=True,
)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInputError(f"{option} {value!r} (expected a date as YYYY-MM-DD)") from None


def _against(strike: Strike) -> str:
    return ALL_PRODUCERS if strike.against is None else ", ".join(strike.against)


def _describe(strike: Strike) -> str:
    until = "until work resumes" if strike.until is None else f"until {strike.until}"
    return f"strike {strike.id} against {_against(strike)} from {strike.start} ({until})"


@app.command("declare")
def declare(
    against: Annotated[
        list[str],
        typer.Option(help="A struck producer's id, or all; repeat for several producers."),
    ],
    from_: Annotated[str, typer.Option("--from", help="First strike day, YYYY-MM-DD.")],
    until: Annotated[
        str | None,
        typer.Option(help="The day work resumed (not a strike day), YYYY-MM-DD, if known."),
    ] = None,
) -> None:
    """Declare a strike against producers (or all) from a day on; a ledger entry records it."""
    if ALL_PRODUCERS in against and len(against) > 1:
        raise InvalidInputError(
            f"--against {', '.join(against)} (expected producer ids, or all on its own)"
        )
    struck = None if against == [ALL_PRODUCERS] else tuple(ProducerId(p) for p in against)
    start = _date(from_, "--from")
    end = None if until is None else _date(until, "--until")
    if end is not None and end < start:
        raise RecordInvalidError("strike", "--until", until, f"a day on or after --from {start}")
    strike = Strike(struck, start, end)
    container = bootstrap()
    with container.uow() as uow:
        declared = service.declare_strike(uow, current(), strike)
    print(f"declared {_describe(declared)}")


@app.command("end")
def end(
    strike_id: Annotated[
        int, typer.Argument(help="The id of the strike (see strike list).", min=1, max=MAX_NUMBER)
    ],
    on: Annotated[str, typer.Option("--on", help="The day work resumed, YYYY-MM-DD.")],
) -> None:
    """End a strike: --on is the day work resumed (it is not a strike day)."""
    day = _date(on, "--on")
    container = bootstrap()
    with container.uow() as uow:
        ended = service.end_strike(uow, current(), strike_id, day)
    print(f"ended strike {ended.id}: work resumed on {ended.until}")


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List the strikes in the order they were declared."""
    with bootstrap().uow(write=False) as uow:
        found = service.list_strikes(uow, current())
    records = [service.strike_document(s) for s in found]
    if as_json:
        print_json(records)
        return
    if not records:
        console.print("no strike declared (that you may see)")
        return
    rows = [
        {**r, "against": _against(s), "until": r["until"] or ""}
        for r, s in zip(records, found, strict=True)
    ]
    print_table("Strikes", ["id", "against", "from", "until"], rows)
