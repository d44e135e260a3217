"""The app factory: one FastAPI app serving the API (``/v1``) and the portal.

It sits above both :mod:`likeness.api` and :mod:`likeness.web`, which never import each other;
what they share (the container, the unit of work, who is asking) is in :mod:`likeness.deps`.
CORS is off: no cross-origin browser page may call the API (set nothing to keep it so).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from likeness import __version__
from likeness.api.docs import install_docs
from likeness.api.middleware import GuardMiddleware
from likeness.api.params import known_query
from likeness.api.problems import install_error_handlers
from likeness.api.routes import (
    assets,
    consent_requests,
    consents,
    decisions,
    findings,
    health,
    ledger,
    payments,
    registry,
    strikes,
)
from likeness.bootstrap import Container, bootstrap
from likeness.web import auth as web_auth
from likeness.web import routes as web_routes
from likeness.web.pages import install_filters
from likeness.web.portal import PORTAL_ROUTERS
from likeness.web.sessions import session_key

WEB = Path(__file__).resolve().parent / "web"

#: the API's routers, in the order of SPEC §10's route table
API_ROUTERS = (
    health.router,
    registry.router,
    assets.router,
    consents.router,
    consent_requests.router,
    decisions.router,
    payments.router,
    strikes.router,
    ledger.router,
    findings.router,
)


def _streams_its_body(method: str, path: str) -> bool:
    """Asset uploads stream and limit their own bodies (any other method there is answered 405
    by the router, which reads no body)."""
    del method
    return path.startswith("/v1/replicas/") and "/assets/" in path


def create_app(container: Container | None = None) -> FastAPI:
    """Build the app over ``container`` (default: from the environment's settings)."""
    app = FastAPI(
        title="Likeness",
        version=__version__,
        description="Consent, decisions, ledger and pay for performers' digital replicas "
        "(SPEC §10). Authenticate with `Authorization: Bearer TOKEN`.",
        docs_url=None,  # served from the installation by install_docs, not from a CDN
        redoc_url=None,
    )
    app.state.container = container or bootstrap()
    app.state.templates = Jinja2Templates(directory=WEB / "templates")
    install_filters(app.state.templates)
    install_error_handlers(app, [route for router in API_ROUTERS for route in router.routes])
    for router in API_ROUTERS:
        app.include_router(router, dependencies=[Depends(known_query)])
    app.include_router(web_auth.router)
    app.include_router(web_routes.router)
    for router in PORTAL_ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    install_docs(app)
    settings = app.state.container.settings
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_key(app.state.container.home),
        session_cookie="likeness_session",
        max_age=settings.session_hours * 3600,
        same_site="strict",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(
        GuardMiddleware,
        max_body=settings.max_body_bytes,
        streamed=_streams_its_body,
    )
    return app
