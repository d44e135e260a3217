"""The app factory: one FastAPI app serving the API (``/api``), ``/health`` and the portal.

It sits above both :mod:`likeness.api` and :mod:`likeness.web`, which never import each other;
what they share (the container, the unit of work, who is asking) is in :mod:`likeness.deps`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from likeness import __version__
from likeness.api.errors import install_error_handlers
from likeness.api.routes import health, registry
from likeness.bootstrap import Container, bootstrap
from likeness.web import routes as web_routes

WEB = Path(__file__).resolve().parent / "web"


def create_app(container: Container | None = None) -> FastAPI:
    """Build the app over ``container`` (default: from the environment's settings)."""
    app = FastAPI(
        title="Likeness",
        version=__version__,
        description="Consent, decisions, ledger and pay for performers' digital replicas.",
    )
    app.state.container = container or bootstrap()
    app.state.templates = Jinja2Templates(directory=WEB / "templates")
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(registry.router)
    app.include_router(web_routes.router)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    return app
