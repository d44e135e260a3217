"""The request options ``likeness decide`` and ``likeness use record`` share (SPEC §2 Request).

:func:`with_request_options` gives a command every option of :func:`_options` (same names, help
and parsing), and :func:`request_documents` turns what was given into request documents: from
the options alone, or from ``--request FILE`` with each option given on the command line
overriding that field of the file's request(s).
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from likeness.cli._ids import id_value
from likeness.errors import InvalidInputError
from likeness.interchange.documents import read_document
from likeness.interchange.schemas import REQUEST_FILE_ONLY, RequestRecord

#: the help of ``--request`` (the same words for every command that takes one)
REQUEST_FILE_HELP = (
    "A request as YAML/JSON (scenario request format). Options given with it override"
    " the same field of its request (of each request, where it holds a list)."
)

#: the options named apart from the request field they give
OPTION_OF_FIELD = {"recognizable_features": "feature"}

#: request fields with no option (give them with ``--request FILE``)
FIELDS_WITHOUT_OPTION = frozenset({"description"})

#: where an option's value may come from and still override a file (not its default); by
#: name, as Typer's own copy of click has its own ``ParameterSource`` enum
_GIVEN = frozenset({"COMMANDLINE", "ENVIRONMENT"})


def _options(
    id: Annotated[str, typer.Option("--id", help="Request id.", callback=id_value)] = "Q1",
    kind: Annotated[str | None, typer.Option(help="create, use, alteration or synthetic.")] = None,
    producer: Annotated[
        str | None, typer.Option(help="The producer asking.", callback=id_value)
    ] = None,
    production: Annotated[
        str | None, typer.Option(help="The production.", callback=id_value)
    ] = None,
    replica: Annotated[
        str | None, typer.Option(help="The replica (use, alteration).", callback=id_value)
    ] = None,
    performer: Annotated[
        str | None,
        typer.Option(
            help="The performer (create; alteration instead of replica).", callback=id_value
        ),
    ] = None,
    use: Annotated[str | None, typer.Option(help="The use (SPEC §3).")] = None,
    date: Annotated[str | None, typer.Option(help="Date of the use, YYYY-MM-DD.")] = None,
    days: Annotated[
        int, typer.Option(help="Days of replica performance, a whole number, at least 1.")
    ] = 1,
    purpose: Annotated[str | None, typer.Option(help="Purpose of an alteration.")] = None,
    substantially_as_scripted: Annotated[
        bool, typer.Option(help="The alteration's result is substantially as scripted.")
    ] = False,
    session_at: Annotated[
        str | None, typer.Option(help="Scan session, YYYY-MM-DDTHH:MM:SS.")
    ] = None,
    notice_at: Annotated[
        str | None, typer.Option(help="When notice was given, YYYY-MM-DDTHH:MM:SS.")
    ] = None,
    engaged_at: Annotated[
        str | None, typer.Option(help="When the performer was engaged, YYYY-MM-DDTHH:MM:SS.")
    ] = None,
    business_reason: Annotated[str | None, typer.Option(help="Business reason for a scan.")] = None,
    counts_toward_background: Annotated[
        bool, typer.Option(help="The replica counts toward background performers hired.")
    ] = False,
    resembles: Annotated[
        str | None,
        typer.Option(help="Performer a synthetic performer resembles.", callback=id_value),
    ] = None,
    feature: Annotated[
        list[str] | None,
        typer.Option(help="Recognizable feature (eyes, nose, mouth, ears, voice); repeatable."),
    ] = None,
    prompted_with_name: Annotated[
        bool, typer.Option(help="The synthetic performer was prompted with the name.")
    ] = False,
    human_role: Annotated[
        bool, typer.Option(help="The synthetic performer plays a human role.")
    ] = False,
    justification: Annotated[
        str | None, typer.Option(help="Why a synthetic performer plays a human role.")
    ] = None,
    real_time_generation: Annotated[
        bool, typer.Option(help="Generated in real time (interactive agreement).")
    ] = False,
) -> None:
    """The template of the request options (never called): its parameters are the options."""


#: the option names, in the order ``--help`` lists them
OPTION_NAMES = tuple(inspect.signature(_options).parameters)


def _resolved(func: Callable[..., Any]) -> list[inspect.Parameter]:
    hints = typing.get_type_hints(func, include_extras=True)
    return [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in inspect.signature(func).parameters.values()
        if p.kind is not inspect.Parameter.VAR_KEYWORD
    ]


def with_request_options(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` with the request options added to its own (it takes them as ``**options``).

    Typer reads a command's parameters from its signature, so the merged one is set on it.
    """
    own = _resolved(command)
    merged = [*own, *(p for p in _resolved(_options) if p.name not in {q.name for q in own})]
    # a signature lists the parameters without a default first
    merged.sort(key=lambda p: p.default is not inspect.Parameter.empty)

    @functools.wraps(command)
    def run(**kwargs: Any) -> None:
        command(**kwargs)

    run.__signature__ = inspect.Signature(merged)  # type: ignore[attr-defined]
    return run


def _field_values(params: Mapping[str, Any]) -> dict[str, Any]:
    """A key per field of the request record that has an option, with the option's value."""
    return {
        name: params[OPTION_OF_FIELD.get(name, name)]
        for name in RequestRecord.model_fields
        if name not in REQUEST_FILE_ONLY | FIELDS_WITHOUT_OPTION
    }


def options_request(params: Mapping[str, Any]) -> dict[str, Any]:
    """The request the options alone state (options left out are left out of it)."""
    data = _field_values(params)
    data["recognizable_features"] = data["recognizable_features"] or []
    return {k: v for k, v in data.items() if v is not None}


def given_fields(ctx: typer.Context) -> dict[str, Any]:
    """The request fields whose option was given (on the command line or from the
    environment), with their values: these override a request file's fields."""
    values = _field_values(ctx.params)
    return {
        name: value
        for name, value in values.items()
        if getattr(ctx.get_parameter_source(OPTION_OF_FIELD.get(name, name)), "name", None)
        in _GIVEN
    }


def request_documents(ctx: typer.Context, file: Path | None) -> tuple[list[Any], bool]:
    """The request documents to decide and whether FILE held a list (``requests:``).

    Without FILE: the one request of the options. With FILE: its request (or each of its list),
    with every option given overriding that field. Raises :class:`InvalidInputError` when FILE
    is not a request or a list of them.
    """
    if file is None:
        return [options_request(ctx.params)], False
    document = read_document(file)
    overrides = given_fields(ctx)
    if "requests" not in document:
        return [{**document, **overrides}], False
    items = document["requests"]
    if not isinstance(items, list):
        raise InvalidInputError(f"{file}: requests is not a list (expected a list of requests)")
    return [{**item, **overrides} if isinstance(item, dict) else item for item in items], True
