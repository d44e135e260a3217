"""Entry point of the ``likeness`` command.

Errors reach the user here and only here: a :class:`likeness.errors.Error` prints one line to
stderr and exits 2 for bad input (invalid, not found, conflicting) and 1 otherwise; ``--verbose``
shows the traceback instead.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from likeness import __version__
from likeness.cli import _principal
from likeness.cli import accounts as accounts_cli
from likeness.cli import consent_requests as consent_requests_cli
from likeness.cli import consents as consents_cli
from likeness.cli import decide as decide_cli
from likeness.cli import detect as detect_cli
from likeness.cli import ledger as ledger_cli
from likeness.cli import notices as notices_cli
from likeness.cli import payments as payments_cli
from likeness.cli import production_details as _production_details  # noqa: F401 (commands)
from likeness.cli import registry as registry_cli
from likeness.cli import residuals as residuals_cli
from likeness.cli import scenario as scenario_cli
from likeness.cli import strikes as strikes_cli
from likeness.cli import uses as uses_cli
from likeness.cli._boot import bootstrap, ensure_c2pa_identity, initialize
from likeness.cli._output import exit_code_for, print_table
from likeness.domain.principals import Principal
from likeness.errors import Error
from likeness.interchange.documents import dump_document
from likeness.interchange.stream import open_sections
from likeness.ledger.heads import ensure_signing_key
from likeness.services import imports, registry

if TYPE_CHECKING:
    from likeness.bootstrap import Container

app = typer.Typer(
    name="likeness",
    help="Consent, decisions, a tamper-evident ledger and pay for performers' digital replicas.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


@app.callback()
def _root(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show tracebacks of errors (for debugging).")
    ] = False,
    acting_as: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Who acts: operator (default, may do everything), union, admin,"
            " performer:ID, representative:ID or producer:ID. Default: LIKENESS_CLI_AS.",
        ),
    ] = None,
) -> None:
    """Likeness: make the 2023 rules on digital replicas executable.

    Configure with LIKENESS_HOME (data directory, default ~/.likeness),
    LIKENESS_DATABASE_URL (PostgreSQL in production; SQLite in the data directory by default)
    and LIKENESS_CLI_AS (who the command line acts as, default operator).
    """
    _principal.choose(acting_as)


def _container() -> Container:
    return bootstrap()


@app.command()
def version() -> None:
    """Print the version of Likeness."""
    print(__version__)


@app.command()
def init() -> None:
    """Create the data directory and the database schema (safe to run again: it upgrades)."""
    container = initialize()
    key = ensure_signing_key(container.home)
    print(f"database ready: {container.engine.url.render_as_string(hide_password=True)}")
    print(f"ledger signing key: {key} (owner-only)")
    print(
        f"ledger verifier key: {container.log_vkey()} (publish it: checkpoints are checked with it)"
    )
    folder, made = ensure_c2pa_identity(container)
    state = "made" if made else "kept"
    print(f"C2PA signing certificate: {folder / 'signer.pem'} ({state}; root {folder / 'ca.pem'})")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (each opens its own pool).")
    ] = 1,
) -> None:
    """Serve the web portal and the HTTP API (default http://127.0.0.1:8000)."""
    import uvicorn

    container = _container()  # fails here, with one clear line, if the database is not ready
    settings = container.settings
    print(f"Likeness on http://{host or settings.host}:{port or settings.port}/", flush=True)
    options: dict[str, Any] = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": "info",
        "server_header": False,
    }
    if workers > 1:
        # each worker process builds its own app (and database pool) from the environment
        uvicorn.run("likeness.asgi:create_app", factory=True, workers=workers, **options)
        return
    from likeness.asgi import create_app

    uvicorn.run(create_app(container), **options)


def _demo_document() -> dict[str, Any]:
    text = resources.files("likeness.demo").joinpath("world.yaml").read_text(encoding="utf-8")
    from likeness.interchange.documents import parse_document

    return parse_document(text, source="likeness/demo/world.yaml")


_ACCOUNT_COLUMNS = ["name", "acts as", "password"]


@app.command()
def demo() -> None:
    """Load the demo data (the seeds' stories) into an empty registry; does nothing otherwise."""
    container = _container()
    with container.uow() as uow:
        from likeness.services.demo import DEMO_EMAIL_DOMAIN, load_demo

        loaded = load_demo(uow, _principal.current(), _demo_document(), deps=container.deps)
    if loaded is None:
        print("the registry already holds data; demo not loaded")
        return
    with container.uow() as uow:
        head = uow.ledger.sign_head(container.checkpoint_signer())
        uow.commit()
    print(f"demo loaded: {loaded.summary}")
    print(f"ledger checkpoint signed at size {head.size} (`likeness ledger head` prints it)")
    if loaded.accounts:
        rows = [
            {"name": a.name, "acts as": Principal(a.role, a.party).actor, "password": a.password}
            for a in loaded.accounts
        ]
        print_table(
            "Demo accounts (demo passwords: never use them for real)", _ACCOUNT_COLUMNS, rows
        )
        print("Sign in to the portal with a name and its password, or make an API token with")
        print("`likeness token create NAME` and send it as `Authorization: Bearer TOKEN`.")
        print(f"Each account's email address is NAME@{DEMO_EMAIL_DOMAIN}, public like the")
        print("passwords; with LIKENESS_SMTP_URL set, `likeness notices send` mails notices there")
        print("(.example domains receive no mail: point LIKENESS_SMTP_URL at a test server).")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A scenario or export file (YAML or JSON).")],
) -> None:
    """Register every record of FILE (performers, producers, productions, replicas, consents,
    strikes), each with its ledger entry, all or nothing; the file is streamed. A scenario's
    name, notes and requests are reported as not imported."""
    with open_sections(file) as sections:
        container = _container()
        with container.uow() as uow:
            result = imports.import_sections(
                uow, _principal.current(), sections, deps=container.deps, source=str(file)
            )
    for line in imports.summary(result, str(file)):
        print(line)


@app.command("export")
def export(
    file: Annotated[Path, typer.Argument(help="Where to write the registry (YAML); - for stdout.")],
) -> None:
    """Write the registry in the scenario file format (importable into an empty database):
    performers, producers, productions, replicas, consents and strikes. Recorded uses and pay
    lines are not registry data: they are in the ledger (`likeness ledger export`)."""
    container = _container()
    with container.uow(write=False) as uow:
        text = dump_document(registry.export_world(uow, _principal.current()))
    if str(file) == "-":
        sys.stdout.write(text)
        return
    tmp = file.with_name(file.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(file)  # atomic: a reader sees the old file or the whole new one
    print(f"exported the registry to {file}")


# ---- registry resources ---------------------------------------------------------------------


app.add_typer(registry_cli.performer_app, name="performer")
app.add_typer(registry_cli.producer_app, name="producer")
app.add_typer(registry_cli.production_app, name="production")
app.add_typer(registry_cli.replica_app, name="replica")


# consents, decisions and scenarios (issue 3); uses and the ledger (issue 4); residuals (issue 5)
app.add_typer(consents_cli.app, name="consent")
app.add_typer(consent_requests_cli.app, name="consent-request")
app.add_typer(notices_cli.app, name="notices")
app.add_typer(notices_cli.app, name="notice", hidden=True)
app.add_typer(scenario_cli.app, name="scenario")
app.command("decide")(decide_cli.decide)
app.add_typer(uses_cli.app, name="use")
app.command("detect")(detect_cli.detect_command)
app.command("enrol")(detect_cli.enrol_command)
app.add_typer(detect_cli.finding_app, name="finding")
app.add_typer(ledger_cli.app, name="ledger")
app.add_typer(residuals_cli.app, name="residuals")
app.add_typer(strikes_cli.app, name="strike")

# payments, statements and the union's reports (SPEC §12)
app.command("statement")(payments_cli.statement)
app.add_typer(payments_cli.pay_line_app, name="pay-line")
app.add_typer(payments_cli.report_app, name="report")

# accounts and API tokens (SPEC §10)
app.add_typer(accounts_cli.account_app, name="account")
app.add_typer(accounts_cli.token_app, name="token")


# ---- the one place errors reach the user ----------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit status (also used by the ``likeness`` script).

    Usage errors are reported by Typer itself (exit 2); Likeness errors are reported here.
    """
    args = sys.argv[1:] if argv is None else argv
    verbose = "--verbose" in args or "-v" in args
    command = typer.main.get_command(app)
    try:
        command.main(args=args, prog_name="likeness", standalone_mode=True)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(str(exc.code), file=sys.stderr)
        return 1
    except Error as error:
        if verbose:
            raise
        # plain print, not rich: a message must never be wrapped or restyled
        print(f"error: {error.diagnostics()}", file=sys.stderr)
        return exit_code_for(error)
    return 0


def run() -> None:  # pragma: no cover - the console script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
