"""Portal sessions: a signed cookie (Starlette's ``SessionMiddleware``) holding the account name
and a CSRF token, under a secret key kept in the data directory.

The cookie holds no password, token or hash; the account is looked up again on every request,
so disabling an account ends its sessions at once. Every form carries the session's CSRF token
(:func:`csrf_token`) and every POST checks it (:func:`check_csrf`).
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from fastapi import Request

from likeness.errors import ForbiddenError

#: the session key's file in the data directory (mode 0600)
KEY_FILENAME = "session-key"


def session_key(home: Path) -> str:
    """The installation's session signing key, made on first use (shared by every worker)."""
    path = home.expanduser() / KEY_FILENAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="ascii").strip()


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made when first needed)."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, sent: str) -> None:
    """Refuse a form whose CSRF token is not the session's (:class:`ForbiddenError`)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not hmac.compare_digest(token, sent):
        raise ForbiddenError(
            "this form has expired or did not come from this site; reload the page and try again"
        )


def start(request: Request, account: str) -> None:
    """Begin a signed-in session: a new session (and CSRF token), never the one before."""
    request.session.clear()
    request.session["account"] = account
    request.session["csrf"] = secrets.token_urlsafe(32)


def end(request: Request) -> None:
    """Sign out: forget everything in the session."""
    request.session.clear()


def account_of(request: Request) -> str | None:
    """The signed-in account's name, if any."""
    account = request.session.get("account")
    return account if isinstance(account, str) else None
