"""The API's documentation at ``/docs``, served from the installation (no CDN, no internet).

FastAPI's own ``/docs`` loads Swagger UI from a CDN, so without internet it is a blank page.
The Swagger UI files come from the ``fastapi-offline`` package (its ``static`` folder:
``swagger-ui-bundle.js``, ``swagger-ui.css``, ``favicon.png``) and are served under
``/docs/assets``. The page is written here rather than by FastAPI's ``get_swagger_ui_html``,
which starts Swagger UI with an inline ``<script>``: the content security policy of every answer
(``script-src 'self'``, :mod:`likeness.api.middleware`) blocks inline scripts, so the start-up
script is served as its own file, ``/docs/start.js``. ReDoc stays off: it styles itself with
inline ``<style>`` elements, which the same policy blocks.
"""

from __future__ import annotations

import json
from html import escape
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

#: where the page, its start-up script and the Swagger UI files are served
DOCS_URL = "/docs"
ASSETS_URL = "/docs/assets"
START_URL = "/docs/start.js"

router = APIRouter(include_in_schema=False)


def swagger_ui_files() -> Path:
    """The folder of the Swagger UI files the ``fastapi-offline`` package ships."""
    return Path(str(resources.files("fastapi_offline").joinpath("static")))


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", ""))


@router.get(DOCS_URL, response_class=HTMLResponse)
def docs_page(request: Request) -> HTMLResponse:
    """The Swagger UI page: every URL it loads is on this server."""
    root = escape(_root(request))
    title = escape(f"{request.app.title} - API documentation")
    return HTMLResponse(
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<link rel="icon" type="image/png" href="{root}{ASSETS_URL}/favicon.png">\n'
        f'<link rel="stylesheet" href="{root}{ASSETS_URL}/swagger-ui.css">\n'
        "</head>\n<body>\n"
        '<div id="swagger-ui"></div>\n'
        f'<script src="{root}{ASSETS_URL}/swagger-ui-bundle.js"></script>\n'
        f'<script src="{root}{START_URL}"></script>\n'
        "</body>\n</html>\n"
    )


@router.get(START_URL)
def docs_start(request: Request) -> Response:
    """The script that starts Swagger UI on the app's OpenAPI document."""
    openapi = f"{_root(request)}{request.app.openapi_url}"
    script = (
        "window.ui = SwaggerUIBundle({\n"
        f"  url: {json.dumps(openapi)},\n"
        '  dom_id: "#swagger-ui",\n'
        '  layout: "BaseLayout",\n'
        "  deepLinking: true,\n"
        "  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],\n"
        "});\n"
    )
    return Response(script, media_type="text/javascript")


def install_docs(app: FastAPI) -> None:
    """Serve the documentation page, its start-up script and the Swagger UI files on ``app``."""
    app.include_router(router)
    app.mount(ASSETS_URL, StaticFiles(directory=swagger_ui_files()), name="docs-assets")
