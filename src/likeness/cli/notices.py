"""``likeness notices list|send``: the notices of SPEC §11, read and delivered by email.

``notices send`` is the sender: one pass, or ``--watch`` to keep sending until Ctrl-C or
SIGTERM. Either signal lets the email being sent finish, gives the rest of the batch back to
the outbox and exits 0; nothing is lost when a sender stops, however it stops.
"""

from __future__ import annotations

import datetime as dt
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Annotated

import typer

from likeness.cli._boot import bootstrap
from likeness.cli._output import print_json, print_table
from likeness.cli._principal import current
from likeness.config import Settings
from likeness.errors import InvalidInputError, StorageError
from likeness.services.delivery import new_claimer, send_due
from likeness.services.notices import list_notices

#: what ``notices send`` says without ``LIKENESS_SMTP_URL``
EMAIL_OFF = (
    "email is off: LIKENESS_SMTP_URL is not set (expected e.g. smtp://mail.example.org:25);"
    " notices stay in the outbox and are shown in the portal and API"
)

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


class _Stop:
    """Set by a signal handler, read by the loop. A plain flag: a handler must not take a lock
    (``threading.Event.set`` does, and the interrupted code may hold it)."""

    def __init__(self) -> None:
        self.requested = False

    def is_set(self) -> bool:
        return self.requested

    def wait(self, seconds: float) -> bool:
        """Sleep ``seconds`` or until a stop is requested (checked 10 times a second);
        whether one was."""
        end = time.monotonic() + seconds
        while not self.requested and (left := end - time.monotonic()) > 0:
            time.sleep(min(left, 0.1))
        return self.requested


@contextmanager
def _stop_on_signals() -> Iterator[_Stop]:
    """A stop requested by Ctrl-C (SIGINT) or SIGTERM, instead of their default of ending the
    process wherever it is; the handlers are put back afterwards."""
    stop = _Stop()

    def _handler(signum: int, frame: FrameType | None) -> None:
        stop.requested = True

    previous = {sig: signal.signal(sig, _handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@app.command("send")
def send(
    watch: Annotated[
        bool, typer.Option("--watch", help="Keep sending until Ctrl-C or SIGTERM.")
    ] = False,
    interval: Annotated[
        float,
        typer.Option(min=0.1, max=3600, help="With --watch: seconds between passes."),
    ] = 10.0,
) -> None:
    """Send due notices by email through LIKENESS_SMTP_URL (the operator only): one pass, or
    with --watch one pass every --interval seconds. A failed email is retried later (30 s,
    doubling up to an hour by default); a party with no email address is not sent any."""
    settings = Settings()
    if settings.smtp_url is None or not settings.smtp_url.get_secret_value().strip():
        raise InvalidInputError(EMAIL_OFF)
    container = bootstrap(settings)
    mailer = container.mailer()
    assert mailer is not None  # the URL is set (checked above)
    options = container.delivery_options()
    principal, claimer = current(), new_claimer()
    server = f"{mailer.server.host}:{mailer.server.port}"
    with _stop_on_signals() as stop:
        if watch:
            print(
                f"sending notices through {server} every {interval:g} s (Ctrl-C stops)", flush=True
            )
        while True:
            try:
                report = send_due(
                    container.uow,
                    mailer,
                    principal,
                    deps=container.deps,
                    claimer=claimer,
                    options=options,
                    should_stop=stop.is_set,
                )
            except StorageError as exc:
                if not watch:
                    raise
                # a watching sender outlives a database restart: it tries again next pass
                print(f"error: {exc} (trying again in {interval:g} s)", file=sys.stderr, flush=True)
            else:
                if not watch:
                    print(report)
                elif report.did_anything:
                    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ} {report}", flush=True)
            if not watch or stop.wait(interval):
                break
    if watch:
        print("stopped; unsent notices stay in the outbox")
