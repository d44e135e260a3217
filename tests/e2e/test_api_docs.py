"""``/docs`` works without internet: the page and everything it loads come from this server."""

import re

import pytest
from fastapi.testclient import TestClient

from likeness.asgi import create_app


@pytest.fixture
def client(container):
    return TestClient(create_app(container))


def _loaded_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_the_docs_page_loads_only_urls_of_this_server(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?://", page.text)
    assert _loaded_urls(page.text) == [
        "/docs/assets/favicon.png",
        "/docs/assets/swagger-ui.css",
        "/docs/assets/swagger-ui-bundle.js",
        "/docs/start.js",
    ]
    assert "<script>" not in page.text  # the content security policy blocks inline scripts


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/docs/assets/swagger-ui-bundle.js", "text/javascript"),
        ("/docs/assets/swagger-ui.css", "text/css"),
        ("/docs/assets/favicon.png", "image/png"),
        ("/docs/start.js", "text/javascript"),
    ],
)
def test_each_asset_of_the_docs_answers_from_the_installation(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == content_type
    assert len(response.content) > 0


def test_the_start_script_points_swagger_ui_at_the_openapi_document(client):
    script = client.get("/docs/start.js").text
    assert 'url: "/openapi.json"' in script
    assert not re.search(r"https?://", script)
    assert client.get("/openapi.json").status_code == 200


def test_the_swagger_ui_bundle_is_the_real_one(client):
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert "SwaggerUIBundle" in bundle.text
    assert len(bundle.content) > 500_000
