"""Signing in to the portal (SPEC §10, §12): an account's name and password, a session cookie,
CSRF on every form, lockout with back-off after repeated failures (429 with ``Retry-After``)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from likeness.deps import ContainerDep, ReadUow
from likeness.domain.principals import Principal
from likeness.errors import TooManyRequestsError, UnauthorizedError
from likeness.services import accounts
from likeness.web import sessions

router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only a path of this site (never ``//other.site`` or a full URL) to go back to."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def portal_principal(request: Request, uow: ReadUow) -> Principal:
    """The signed-in account's principal; without one, a redirect to the sign-in page."""
    name = sessions.account_of(request)
    if name is not None:
        try:
            principal = accounts.session_principal(uow, name)
        except UnauthorizedError:
            sessions.end(request)
        else:
            request.state.principal = principal  # the layout shows the party's navigation
            return principal
    target = quote(request.url.path, safe="/")
    raise HTTPException(status_code=303, headers={"Location": f"/sign-in?next={target}"})


PortalPrincipal = Annotated[Principal, Depends(portal_principal)]


def _page(request: Request, status: int = 200, **context: object) -> HTMLResponse:
    templates = request.app.state.templates
    context.setdefault("error", None)
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "sign_in.html",
        {"csrf": sessions.csrf_token(request), "account": None, **context},
        status_code=status,
    )


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/") -> HTMLResponse:
    """The sign-in form."""
    return _page(request, next=_safe_next(next), name="")


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(
    request: Request,
    container: ContainerDep,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    csrf: Annotated[str, Form()] = "",  # missing is refused like a wrong one (403)
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password (with lockout) and start a session."""
    sessions.check_csrf(request, csrf)
    target = _safe_next(next)
    try:
        with container.uow() as uow:
            accounts.sign_in(uow, name, password, now=container.deps.clock())
    except UnauthorizedError as exc:
        return _page(request, 401, error=exc.message, next=target, name=name)
    except TooManyRequestsError as exc:
        response = _page(request, 429, error=exc.message, next=target, name=name)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    sessions.start(request, name)
    return RedirectResponse(target, status_code=303)


@router.post("/sign-out")
def sign_out(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    """End the session."""
    sessions.check_csrf(request, csrf)
    sessions.end(request)
    return RedirectResponse("/sign-in", status_code=303)
