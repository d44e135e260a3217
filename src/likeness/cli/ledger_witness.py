"""``likeness ledger witness``: a witness another party runs (c2sp.org/tlog-witness, SPEC §8).

The witness lives in its own directory (its key and what it cosigned), apart from any
installation: ``init`` makes it, ``follow`` adds a log it may cosign, ``add-checkpoint``
answers one request on standard input, ``serve`` answers them over HTTP.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from likeness.cli._output import print_json
from likeness.errors import WitnessRefusedError
from likeness.ledger.witness import MAX_REQUEST_BYTES, Witness, parse_add_checkpoint
from likeness.ledger.witness_transport import CONFLICT_EXIT

app = typer.Typer(
    help="A witness: cosigns a log's checkpoints, never a fork or a rollback.",
    no_args_is_help=True,
)

DirArgument = Annotated[
    Path, typer.Argument(metavar="DIR", help="The witness's directory (its key and state).")
]


@app.command()
def init(
    directory: DirArgument,
    name: Annotated[
        str, typer.Option("--name", help="The witness's name, e.g. union.example/witness.")
    ],
) -> None:
    """Make a new witness (a new Ed25519 key) in DIR; print its verifier key."""
    witness = Witness.create(directory, name)
    print(f"witness {witness.name} created in {directory}; its verifier key:")
    print(witness.vkey())


@app.command()
def follow(
    directory: DirArgument,
    vkey: Annotated[
        str, typer.Argument(metavar="VKEY", help="The log's verifier key (its name is the origin).")
    ],
) -> None:
    """Let the witness cosign checkpoints of the log with this verifier key."""
    origin = Witness(directory).follow(vkey)
    print(f"witness follows {origin}")


@app.command()
def show(directory: DirArgument) -> None:
    """Print the witness's verifier key and what it cosigned for each log, as JSON."""
    witness = Witness(directory)
    print_json({"name": witness.name, "vkey": witness.vkey(), "logs": witness.logs()})


@app.command("add-checkpoint")
def add_checkpoint(directory: DirArgument) -> None:
    """Answer one add-checkpoint request read from standard input.

    Prints the cosignature line and exits 0; for a conflict (409) prints the size it cosigned
    and exits 3; otherwise prints why on standard error and exits 1.
    """
    witness = Witness(directory)
    stream = getattr(sys.stdin, "buffer", None)
    body = stream.read(MAX_REQUEST_BYTES + 1) if stream else sys.stdin.read().encode("utf-8")
    try:
        line = witness.add_checkpoint(parse_add_checkpoint(body), int(time.time()))
    except WitnessRefusedError as exc:
        print(f"error: {exc} ({exc.status})", file=sys.stderr)
        if exc.status == 409 and exc.known_size is not None:
            print(exc.known_size)
            raise typer.Exit(CONFLICT_EXIT) from None
        raise typer.Exit(1) from None
    print(line, end="")


@app.command()
def serve(
    directory: DirArgument,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8750,
) -> None:
    """Answer add-checkpoint requests over HTTP: POST /add-checkpoint."""
    import uvicorn

    from likeness.api.witness_app import witness_app

    witness = Witness(directory)
    print(f"witness {witness.name} listening on http://{host}:{port}/add-checkpoint")
    uvicorn.run(witness_app(witness), host=host, port=port, log_level="warning")
