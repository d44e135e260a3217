"""What the API's routes share in their signatures: the ids and numbers in their paths, the page
parameters of every list route, the JSON body type they answer with, and the refusal of query
parameters a route does not take.

A malformed id in a path (a NUL, a right-to-left override, a zero-width character, more than 64
characters, an empty one) is bad input like any other: 422 problem details naming the parameter
and the grammar, before anything is looked up. A well-formed id of a record the caller may not
see answers 404, exactly like one that does not exist (SPEC §10).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query, Request
from fastapi.dependencies.models import Dependant

from likeness.domain.ids import ID_GRAMMAR, ID_PATTERN
from likeness.errors import InvalidInputError
from likeness.interchange.records import Id
from likeness.services.pages import MAX_LIMIT

#: the largest record number a path may name (a database's 64-bit integer)
MAX_NUMBER = 2**63 - 1

#: a record's id in a route's path: the one grammar of ids, else 422 naming the parameter
PathId = Annotated[
    Id,
    Path(
        description=f"the record's id: {ID_GRAMMAR}",
        json_schema_extra={"pattern": f"^{ID_PATTERN.pattern}$"},
    ),
]
#: a record's number in a route's path (a use, a pay line, a strike): 1 or more
PathNumber = Annotated[int, Path(ge=1, le=MAX_NUMBER, description="the record's number")]

#: a JSON object as a route answers it (the route's response model documents its shape)
Json = dict[str, Any]
#: how many items one page holds
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="most items to return")]
#: how many items to skip
Offset = Annotated[int, Query(ge=0, description="items to skip")]


#: per route's dependant (by id, kept with the object so that a reused id is never trusted)
_NAMES: dict[int, tuple[Dependant, frozenset[str]]] = {}


def _query_names(dependant: Dependant) -> frozenset[str]:
    """The query parameters a route (its dependant and their dependencies) takes."""
    known = _NAMES.get(id(dependant))
    if known is not None and known[0] is dependant:
        return known[1]
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    _NAMES[id(dependant)] = (dependant, frozenset(names))
    return frozenset(names)


def known_query(request: Request) -> None:
    """Refuse a query parameter the route does not take (a typo would otherwise be ignored
    silently, e.g. ``?limt=5`` answering the default page): 422 naming it and those it takes."""
    if not request.query_params:
        return
    dependant = getattr(request.scope.get("route"), "dependant", None)
    taken = frozenset() if dependant is None else _query_names(dependant)
    unknown = sorted(set(request.query_params) - taken)
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        raise InvalidInputError(
            f"unknown query parameter {names} (expected {', '.join(sorted(taken)) or 'none'})"
        )
