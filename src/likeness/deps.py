"""Dependencies of the API and portal routes, as ``Annotated`` aliases (full-stack FastAPI
template style): the container, a unit of work, and who is asking.

Until accounts and tokens exist (SPEC §10, the API issue) the API and portal are not
authenticated: every request acts as the principal the setting ``LIKENESS_WEB_AS`` names
(default ``union``: sees every record, writes nothing). Serve them on localhost only until then.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from likeness.bootstrap import Container
from likeness.domain.principals import Principal
from likeness.errors import StorageError
from likeness.services.unit_of_work import UnitOfWork


def get_container(request: Request) -> Container:
    """The container the app was created with."""
    container: Container = request.app.state.container
    return container


def read_uow(container: Annotated[Container, Depends(get_container)]) -> Iterator[UnitOfWork]:
    """A read-only unit of work, open for the duration of the request."""
    with container.uow(write=False) as uow:
        yield uow


def current_principal(container: Annotated[Container, Depends(get_container)]) -> Principal:
    """Who is asking (see the module docstring: the configured web principal, for now)."""
    try:
        return Principal.parse(container.settings.web_as)
    except ValueError as exc:
        raise StorageError(f"setting LIKENESS_WEB_AS: {exc}") from None


ContainerDep = Annotated[Container, Depends(get_container)]
ReadUow = Annotated[UnitOfWork, Depends(read_uow)]
CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
