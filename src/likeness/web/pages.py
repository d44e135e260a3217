"""What every portal page shares: rendering with the signed-in party, a unit of work that may
write, forms checked for their CSRF token, one-time messages after a redirect, and the filters
that show dates and money for people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from likeness.deps import ContainerDep
from likeness.domain.findings import format_time
from likeness.domain.principals import Principal, Role
from likeness.errors import Error, NotFoundError
from likeness.services.unit_of_work import UnitOfWork
from likeness.web import sessions

#: the currencies shown with a symbol; any other shows its code after the amount
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def write_uow(container: ContainerDep) -> Iterator[UnitOfWork]:
    """A unit of work that may write, for one form submission."""
    with container.uow(write=True) as uow:
        yield uow


WriteUow = Annotated[UnitOfWork, Depends(write_uow)]


async def checked_form(request: Request) -> FormData:
    """The submitted form, refused (403) unless it carries the session's CSRF token."""
    form = await request.form()
    sent = form.get("csrf")
    sessions.check_csrf(request, sent if isinstance(sent, str) else "")
    return form


CheckedForm = Annotated[FormData, Depends(checked_form)]


def field(form: FormData, name: str) -> str:
    """A text field of ``form``, stripped ('' when absent)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def flash(request: Request, message: str) -> None:
    """Keep ``message`` for the next page the visitor sees (after a redirect)."""
    request.session["flash"] = message


def redirect(request: Request, target: str, message: str | None = None) -> RedirectResponse:
    """303 to ``target`` (a path of this site), with a message to show there."""
    if message:
        flash(request, message)
    return RedirectResponse(target, status_code=303)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """The page ``template`` in the layout, with who is signed in and their navigation."""
    templates: Jinja2Templates = request.app.state.templates
    principal: Principal | None = getattr(request.state, "principal", None)
    context.setdefault("errors", {})
    context |= {
        "account": sessions.account_of(request),
        "csrf": sessions.csrf_token(request),
        "role": None if principal is None else str(principal.role),
        "party": None if principal is None else principal.party,
        "flash": request.session.pop("flash", None),
    }
    return templates.TemplateResponse(request, template, context, status_code=status)


def today(container: ContainerDep) -> dt.date:
    """Today in UTC, by the installation's clock."""
    return container.deps.clock().astimezone(dt.UTC).date()


def form_status(exc: Error) -> int:
    """The status a form page answers with after ``exc`` (bad input is 422, as in the API)."""
    return 422 if exc.status == 400 else exc.status


def human_date(value: Any) -> str:
    """``2024-03-01`` as ``1 Mar 2024`` (a datetime also shows its UTC time)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = (
                dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
            )
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return f"{moment.astimezone(dt.UTC):%-d %b %Y, %H:%M} UTC"
    if isinstance(value, dt.date):
        return f"{value:%-d %b %Y}"
    return str(value)


def money(amount: Any, currency: str | None = "USD") -> str:
    """``5000.00``, ``USD`` as ``$5,000.00``; a minus sign before the symbol."""
    if amount is None or amount == "":
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    sign = "\u2212" if value < 0 else ""  # a true minus sign
    text = f"{abs(value):,.2f}"
    code = currency or "USD"
    if code in _SYMBOLS:
        return f"{sign}{_SYMBOLS[code]}{text}"
    return f"{sign}{text} {code}"


def words(code: Any) -> str:
    """A code as words: ``crowd-multiplication`` as ``crowd multiplication``."""
    return str(code).replace("-", " ").replace("_", " ")


def install_filters(templates: Jinja2Templates) -> None:
    """Make the people's formats available to every template."""
    templates.env.filters["day"] = human_date
    templates.env.filters["money"] = money
    templates.env.filters["words"] = words
    templates.env.filters["media_time"] = format_time


def only_for(principal: Principal, role: Role) -> None:
    """A party's own section of the portal: anyone else finds nothing there (404, as for a
    record they may not see), before any service is asked."""
    if principal.role is not role:
        raise NotFoundError(f"nothing here for {principal.actor} (these are {role} pages)")
