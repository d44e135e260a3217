"""The one error mapping of the web app: JSON for API paths, an HTML page for the portal.

Every error body has the same shape: ``{"ok": false, "error": "...", "errors": [...],
"status": 4xx}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from likeness.errors import Error


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/health" or path.endswith(".json")


def error_body(status: int, message: str, errors: list[str]) -> dict[str, Any]:
    """The single JSON shape of every error."""
    return {"ok": False, "error": message, "errors": errors, "status": status}


def _respond(request: Request, status: int, message: str, errors: list[str]) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(status, message, errors), status_code=status)
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "error.html",
        {"status": status, "message": message, "errors": errors},
        status_code=status,
    )


def _field(loc: Any) -> str:
    return ".".join(str(p) for p in loc if p not in ("body", "query", "path"))


def install_error_handlers(app: FastAPI) -> None:
    """Map Likeness errors, request validation errors and HTTP errors to responses."""

    @app.exception_handler(Error)
    async def _likeness_error(request: Request, exc: Error) -> Response:
        return _respond(request, exc.status, exc.message, exc.errors)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        lines = [f"{_field(e['loc'])}: {e['msg']}" for e in exc.errors()]
        return _respond(request, 422, lines[0] if lines else "invalid request", lines)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = str(exc.detail) if exc.status_code != 404 else f"no page at {request.url.path}"
        return _respond(request, exc.status_code, message, [])


__all__ = ["HTMLResponse", "error_body", "install_error_handlers"]
