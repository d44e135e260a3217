"""Ids on the command line: every argument or option that names a record by id is checked
against the one grammar (:data:`likeness.domain.ids.ID_PATTERN`) as it is parsed, so a malformed
one prints ``error: consent id '…' (expected an id of …)`` and exits 2 before anything is read
or stored. The value is shown escaped (a NUL, a right-to-left override or a zero-width
character cannot reorder the terminal line) and cut short.
"""

from __future__ import annotations

import typer

from likeness.interchange.records import checked_id

#: the largest record number (a use, a pay line, a strike) an argument may name
MAX_NUMBER = 2**63 - 1


def _field(param: typer.CallbackParam) -> str:
    """How a message names the parameter: ``--producer``, or ``consent id`` for CONSENT_ID."""
    if param.param_type_name == "option" and param.opts:
        return max(param.opts, key=len)
    return (param.name or "id").replace("_", " ")


def id_value(param: typer.CallbackParam, value: str | None) -> str | None:
    """Typer callback: ``value`` when it is an id (or not given), else an error naming it."""
    return None if value is None else checked_id(_field(param), value)
