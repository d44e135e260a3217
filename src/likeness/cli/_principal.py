"""Who the command line acts as: ``likeness --as ROLE[:ID] ...``, default ``LIKENESS_CLI_AS``
(``operator``: the installation operator, who may see and do everything)."""

from __future__ import annotations

from likeness.config import Settings
from likeness.domain.principals import Principal
from likeness.errors import InvalidInputError

_chosen: list[Principal] = []


def choose(text: str | None) -> None:
    """Set the principal from ``--as`` (or the configured default when None)."""
    value = text if text is not None else Settings().cli_as
    source = "--as" if text is not None else "LIKENESS_CLI_AS"
    try:
        principal = Principal.parse(value)
    except ValueError as exc:
        raise InvalidInputError(f"{source}: {exc}") from None
    _chosen[:] = [principal]


def current() -> Principal:
    """The principal this run of the command acts as."""
    if not _chosen:
        choose(None)
    return _chosen[0]
