"""``likeness account`` and ``likeness token``: accounts, portal passwords and API tokens
(SPEC §10), for an admin or the operator; every call goes through
:mod:`likeness.services.accounts`, which asks the access rules first."""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from likeness.cli import _principal
from likeness.cli._boot import bootstrap
from likeness.cli._output import console, print_json, print_table
from likeness.domain.accounts import Account, Token
from likeness.errors import InvalidInputError
from likeness.services import accounts, tokens

if TYPE_CHECKING:
    from likeness.bootstrap import Container

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

account_app = typer.Typer(
    help="Accounts of the parties (SPEC §10): add, list, disable, set a password or an email.",
    no_args_is_help=True,
)
token_app = typer.Typer(
    help="API tokens of accounts (SPEC §10): create, list, revoke.", no_args_is_help=True
)


def _container() -> Container:
    return bootstrap()


def _time(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def account_document(account: Account) -> dict[str, Any]:
    """An account as the CLI shows it (never its password hash)."""
    return {
        "name": account.name,
        "role": str(account.role),
        "party": account.party,
        "disabled": account.disabled,
        "password": account.has_password,
        "email": account.email,
        "created": _time(account.created_at),
    }


def token_document(token: Token, now: dt.datetime) -> dict[str, Any]:
    """A token as the CLI shows it (never its secret nor the secret's hash)."""
    return {
        "id": token.id,
        "account": token.account,
        "created": _time(token.created_at),
        "expires": _time(token.expires_at),
        "last_used": _time(token.last_used_at),
        "state": token.state(now),
    }


@account_app.command("add")
def account_add(
    name: Annotated[str, typer.Argument(help="Account name: letters, digits and . _ @ -.")],
    role: Annotated[str, typer.Option(help="performer, representative, producer, union or admin.")],
    party: Annotated[
        str | None,
        typer.Option(help="The performer, representative or producer id the account acts as."),
    ] = None,
    email: Annotated[
        str | None, typer.Option(help="Where the party's notices are sent by email (SPEC §11).")
    ] = None,
) -> None:
    """Add an account for a party (no password and no token yet)."""
    container = _container()
    with container.uow() as uow:
        account = accounts.add_account(
            uow, _principal.current(), name, role, party, email=email, now=container.deps.clock()
        )
    print(f"added account {account.name} ({account.principal.actor})")


@account_app.command("list")
def account_list(as_json: JsonOption = False) -> None:
    """List the accounts."""
    container = _container()
    with container.uow(write=False) as uow:
        found = [account_document(a) for a in accounts.list_accounts(uow, _principal.current())]
    if as_json:
        print_json(found)
    else:
        columns = ["name", "role", "party", "email", "disabled", "password", "created"]
        print_table("Accounts", columns, found)


@account_app.command("disable")
def account_disable(
    name: Annotated[str, typer.Argument(help="Account name.")],
) -> None:
    """Disable an account: it can no longer sign in, and its tokens are revoked."""
    container = _container()
    with container.uow() as uow:
        accounts.disable_account(uow, _principal.current(), name, now=container.deps.clock())
    print(f"disabled account {name}; its tokens are revoked")


@account_app.command("email")
def account_email(
    name: Annotated[str, typer.Argument(help="Account name.")],
    address: Annotated[str | None, typer.Argument(help="The new email address.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the address instead.")] = False,
) -> None:
    """Set the address the account's notices are sent to (`account email NAME ADDRESS`),
    or remove it (`account email NAME --clear`: notices are then only shown)."""
    if (address is None) == (not clear):
        raise InvalidInputError(
            f"account {name}: give either an email address or --clear (got "
            + ("both" if clear else "neither")
            + ")"
        )
    container = _container()
    with container.uow() as uow:
        account = accounts.set_email(uow, _principal.current(), name, address)
    if account.email is None:
        print(f"email cleared for account {name}; its notices are only shown")
    else:
        print(f"email of account {name} set to {account.email}")


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("password (at least 12 characters): ")
    line = sys.stdin.readline()
    return line.removesuffix("\n").removesuffix("\r")


@account_app.command("password")
def account_password(
    name: Annotated[str, typer.Argument(help="Account name.")],
) -> None:
    """Set the account's portal password, read as one line from standard input
    (e.g. `echo PASSWORD | likeness account password NAME`)."""
    password = _read_password()
    if not password:
        raise InvalidInputError(
            f"account {name}: no password on standard input (expected one line)"
        )
    container = _container()
    with container.uow() as uow:
        accounts.set_password(uow, _principal.current(), name, password)
    print(f"password set for account {name}")


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="Account name.")],
    days: Annotated[
        int | None, typer.Option(help="Days until it expires, 1 to 3650 (default 90).")
    ] = None,
) -> None:
    """Create an API token for an account and print it, once."""
    container = _container()
    with container.uow() as uow:
        token, secret = tokens.create_token(
            uow, _principal.current(), name, days=days, now=container.deps.clock()
        )
    print(secret)
    print(f"id: {token.id}")
    print(f"account: {token.account}")
    print(f"expires: {_time(token.expires_at)}")
    print(
        "warning: this token is not shown again; store it now (only its hash is kept)",
        file=sys.stderr,
    )


@token_app.command("list")
def token_list(
    account: Annotated[str | None, typer.Option(help="Only this account's tokens.")] = None,
    as_json: JsonOption = False,
) -> None:
    """List API tokens with their state (never a secret)."""
    container = _container()
    now = container.deps.clock()
    with container.uow(write=False) as uow:
        found = tokens.list_tokens(uow, _principal.current(), account)
    rows = [token_document(t, now) for t in found]
    if as_json:
        print_json(rows)
        return
    table = Table(title="Tokens")
    # the id is what `token revoke` needs: never cut it short, wrap the times instead
    table.add_column("id", no_wrap=True, min_width=16)
    for column in ("account", "created", "expires", "last_used", "state"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if value is None else str(value) for value in row.values()))
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(help="Token id (as `token list` shows it).")],
) -> None:
    """Revoke an API token; it stays listed as revoked."""
    container = _container()
    with container.uow() as uow:
        token = tokens.revoke_token(uow, _principal.current(), token_id, now=container.deps.clock())
    print(f"revoked token {token.id} of account {token.account}")
