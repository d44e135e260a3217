"""Dependencies of the API and portal routes, as ``Annotated`` aliases (full-stack FastAPI
template style): the container, units of work, and who is asking.

The API knows who is asking from ``Authorization: Bearer TOKEN`` (SPEC §10): no token, or a
wrong, revoked or expired one, answers 401 before any route runs. The portal's principal comes
from its session (:mod:`likeness.web.auth`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from likeness.bootstrap import Container
from likeness.domain.principals import Principal
from likeness.errors import UnauthorizedError
from likeness.services import tokens
from likeness.services.unit_of_work import UnitOfWork

_bearer = HTTPBearer(
    auto_error=False,
    description="An API token from `likeness token create ACCOUNT` (SPEC §10).",
)


async def get_container(request: Request) -> Container:
    """The container the app was created with."""
    container: Container = request.app.state.container
    return container


ContainerDep = Annotated[Container, Depends(get_container)]


def read_uow(container: ContainerDep) -> Iterator[UnitOfWork]:
    """A read-only unit of work, open for the duration of the request."""
    with container.uow(write=False) as uow:
        yield uow


def api_principal(
    container: ContainerDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """Who is asking, from the bearer token (401 without a valid one)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise UnauthorizedError(tokens.INVALID_CREDENTIALS)
    now = container.deps.clock()
    with container.uow(write=False) as uow:
        credential = tokens.check_token(uow, credentials.credentials, now=now)
    if credential.use_to_note(now):  # at most once a minute per token: its own short write
        with container.uow(write=True) as uow:
            tokens.note_token_use(uow, credential, now=now)
    return credential.principal


ApiPrincipal = Annotated[Principal, Depends(api_principal)]


def api_read_uow(container: ContainerDep, _: ApiPrincipal) -> Iterator[UnitOfWork]:
    """A read-only unit of work for an authenticated API request (opened after the token is
    checked, so an unauthenticated request never opens a transaction)."""
    with container.uow(write=False) as uow:
        yield uow


def api_write_uow(container: ContainerDep, _: ApiPrincipal) -> Iterator[UnitOfWork]:
    """A unit of work that may write, for an authenticated API request (SQLite takes its
    write lock at BEGIN, so the token's last-use update must come first: it does)."""
    with container.uow(write=True) as uow:
        yield uow


ReadUow = Annotated[UnitOfWork, Depends(read_uow)]
ApiReadUow = Annotated[UnitOfWork, Depends(api_read_uow)]
ApiWriteUow = Annotated[UnitOfWork, Depends(api_write_uow)]

__all__ = [
    "ApiPrincipal",
    "ApiReadUow",
    "ApiWriteUow",
    "ContainerDep",
    "ReadUow",
]
