"""The one error mapping of the web app (SPEC §10): RFC 9457 problem details for the API,
an HTML page for the portal.

Every API error is ``application/problem+json`` with ``type``, ``title``, ``status`` and
``detail``; bad input adds ``errors: [{field, message}]``. Nothing internal leaks: a database
failure answers 503 without the database URL or the driver's words, any other unexpected
failure 500 with no more than that (the traceback goes to the server log only).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match

from likeness.errors import (
    Error,
    InvalidInputError,
    RecordInvalidError,
    StorageError,
    TooManyRequestsError,
    UnauthorizedError,
)

log = logging.getLogger("likeness.api")

PROBLEM_JSON = "application/problem+json"
#: the base of every problem ``type`` (a name, not a page to fetch)
TYPE_BASE = "https://likeness.invalid/problems/"
#: the message of a 503: the database's URL and driver errors stay in the server log
UNAVAILABLE = "the database is unavailable; try again later (the server log says why)"


class ProblemResponse(JSONResponse):
    """A JSON response served as ``application/problem+json`` (RFC 9457)."""

    media_type = PROBLEM_JSON


def problem_type(status: int) -> str:
    """The ``type`` URI of a problem with this status, e.g. ``.../problems/not-found``."""
    phrase = HTTPStatus(status).phrase.lower().replace(" ", "-").replace("'", "")
    return TYPE_BASE + phrase


def problem(
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    *,
    headers: dict[str, str] | None = None,
) -> ProblemResponse:
    """A problem-details response (RFC 9457)."""
    body: dict[str, Any] = {
        "type": problem_type(status),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return ProblemResponse(body, status_code=status, headers=headers)


def is_api(request: Request) -> bool:
    """Whether the request is for the API (problem JSON) rather than a portal page."""
    path = request.url.path
    return path.startswith("/v1/") or path == "/v1" or path == "/health"


def _field(loc: Any) -> str:
    """The field a validation error is about: its location without where it came from
    (``body``, ``path`` ...) nor the union member pydantic tried (``list[...]``), e.g.
    ``against.0`` of a ``list[Id] | Id``."""
    return ".".join(
        str(p)
        for p in loc
        if p not in ("body", "query", "path", "header") and not (isinstance(p, str) and "[" in p)
    )


def _status_of(exc: Error) -> int:
    # over HTTP, input that reads but is wrong is 422 (SPEC §10); the CLI keeps its exit codes
    if isinstance(exc, InvalidInputError) and exc.status == 400:
        return 422
    return exc.status


def _error_lines(exc: Error) -> list[dict[str, str]]:
    if isinstance(exc, RecordInvalidError):
        return [{"field": exc.field, "message": exc.message}]
    return [{"field": "", "message": line} for line in exc.errors]


def _portal_page(request: Request, status: int, message: str, errors: list[str]) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "error.html",
        {"status": status, "message": message, "errors": errors},
        status_code=status,
    )


def error_response(request: Request, exc: Error) -> Response:
    """The response for a Likeness error: problem JSON on the API, a page on the portal."""
    status = _status_of(exc)
    detail = exc.message
    headers: dict[str, str] = {}
    if isinstance(exc, StorageError):
        log.error("storage failure on %s %s: %s", request.method, request.url.path, exc.message)
        detail = UNAVAILABLE
    if isinstance(exc, TooManyRequestsError):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, UnauthorizedError):
        headers["WWW-Authenticate"] = 'Bearer realm="likeness"'
    if is_api(request):
        return problem(status, detail, _error_lines(exc) or None, headers=headers)
    lines = [] if isinstance(exc, StorageError) else exc.errors
    response = _portal_page(request, status, detail, lines)
    response.headers.update(headers)
    return response


def install_error_handlers(app: FastAPI, routes: Sequence[BaseRoute] = ()) -> None:
    """Map Likeness errors, request validation errors, HTTP errors and crashes to responses.

    ``routes`` are the API's routes: a 405 on one of their paths allows every method any of
    them serves there (Starlette names the methods of the first route on the path only).
    """

    @app.exception_handler(Error)
    async def _likeness_error(request: Request, exc: Error) -> Response:
        return error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"field": _field(e["loc"]), "message": str(e["msg"])} for e in exc.errors()]
        first = errors[0] if errors else {"field": "", "message": "invalid request"}
        detail = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        if is_api(request):
            return problem(422, detail, errors)
        return _portal_page(request, 422, detail, [f"{e['field']}: {e['message']}" for e in errors])

    def _allowed_methods(request: Request) -> list[str]:
        """The methods of every route with the path of the first route that matches (the one
        Starlette picks): ``/v1/consent-requests/preview`` is not also ``{request_id}``."""
        found: set[str] = set()
        path: str | None = None
        for route in routes:
            match, _ = route.matches({**request.scope, "method": "\0"})
            if match is Match.PARTIAL:
                path = getattr(route, "path", None) if path is None else path
                if getattr(route, "path", None) == path:
                    found.update(getattr(route, "methods", None) or ())
        return sorted(found)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        headers = dict(exc.headers or {})
        if 300 <= status < 400 and "Location" in headers:  # the portal's sign-in redirect
            return Response(status_code=status, headers=headers)
        if status == 400 and is_api(request):
            # FastAPI's answer to a body it cannot decode (e.g. not UTF-8): bad input, so 422
            # like any other malformed body (SPEC §10 has no 400)
            message = "the body could not be read as JSON (send UTF-8 JSON)"
            return problem(422, message, [{"field": "", "message": message}])
        if status == 404:
            message = f"nothing at {request.url.path} (see /openapi.json for the routes)"
        elif status == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
            # Starlette names the methods of the first route on the path only; a path served
            # by several routes (GET a list, POST to create) allows all of theirs
            allowed = _allowed_methods(request)
            if allowed:
                headers["Allow"] = ", ".join(allowed)
        else:
            message = str(exc.detail)
        if is_api(request):
            return problem(status, message, headers=headers)
        response = _portal_page(request, status, message, [])
        response.headers.update(headers)
        return response

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unexpected failure on %s %s", request.method, request.url.path)
        message = "an unexpected error happened; it was logged for the operator"
        if is_api(request):
            return problem(500, message)
        return _portal_page(request, 500, message, [])
