"""Dependencies of the routes, as ``Annotated`` aliases (full-stack FastAPI template style)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from likeness.bootstrap import Container
from likeness.storage.unit_of_work import SqlUnitOfWork


def get_container(request: Request) -> Container:
    """The container the app was created with."""
    container: Container = request.app.state.container
    return container


def read_uow(container: Annotated[Container, Depends(get_container)]) -> Iterator[SqlUnitOfWork]:
    """A read-only unit of work, open for the duration of the request."""
    with container.uow(write=False) as uow:
        yield uow


def write_uow(container: Annotated[Container, Depends(get_container)]) -> Iterator[SqlUnitOfWork]:
    """A writing unit of work; the route commits."""
    with container.uow() as uow:
        yield uow


ContainerDep = Annotated[Container, Depends(get_container)]
ReadUow = Annotated[SqlUnitOfWork, Depends(read_uow)]
WriteUow = Annotated[SqlUnitOfWork, Depends(write_uow)]
