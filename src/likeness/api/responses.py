"""The error answers each kind of route documents in OpenAPI (RFC 9457 problem details)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details; ``errors`` lists what is wrong with the input, field by field."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


def _problem(description: str) -> dict[str, Any]:
    return {
        "model": Problem,
        "description": description,
        "content": {"application/problem+json": {}},
    }


_AUTH: dict[int | str, dict[str, Any]] = {
    401: _problem("no valid token (send Authorization: Bearer TOKEN)"),
    429: _problem("too many requests; wait for Retry-After seconds"),
    503: _problem("the database is unavailable"),
}
#: the answers of a route that reads one record
READ: dict[int | str, dict[str, Any]] = {
    **_AUTH,
    404: _problem("no such record, or not one the caller may see"),
    422: _problem("a malformed parameter"),
}
#: the answers of a route that writes
WRITE: dict[int | str, dict[str, Any]] = {
    **READ,
    403: _problem("the caller sees the record but may not do this to it"),
    409: _problem("the write contradicts what is stored (a used id, a reused key)"),
    413: _problem("the body is too large"),
    415: _problem("the body is not JSON"),
    422: _problem("the body is malformed or breaks a rule; errors lists what"),
}
#: the answers of a public route
PUBLIC: dict[int | str, dict[str, Any]] = {
    404: _problem("no such entry or tree size"),
    422: _problem("a malformed parameter"),
    503: _problem("the database is unavailable"),
}
