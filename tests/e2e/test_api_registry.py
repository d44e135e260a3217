"""The HTTP API and portal pages through FastAPI's TestClient, over both databases."""

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

import likeness.storage
from likeness import __version__
from likeness.asgi import create_app
from likeness.cli.main import _demo_document
from likeness.domain.principals import OPERATOR
from likeness.services.demo import load_demo
from tests.collaborators import DEPS


@pytest.fixture
def client(container):
    with container.uow() as uow:
        load_demo(uow, OPERATOR, _demo_document(), deps=DEPS)
    with TestClient(create_app(container)) as c:
        yield c


def _migration_head() -> str:
    """The head revision, read from the migration scripts themselves."""
    scripts = ScriptDirectory(str(Path(likeness.storage.__file__).parent / "migrations"))
    (head,) = scripts.get_heads()
    return head


def test_health_reports_the_database_and_schema(client, database_url):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "version": __version__,
        "database": make_url(database_url).get_backend_name(),
        "schema": _migration_head(),
    }


def test_performers_are_listed_as_json(client):
    performers = client.get("/api/performers").json()
    assert [p["id"] for p in performers] == ["P1", "P2", "P3", "P4", "P7", "P8", "P9"]
    calder = client.get("/api/performers/P3").json()
    assert calder["died"] == "2024-05-10"
    assert calder["weekly_salary"] == "12000.00"
    assert calder["replicas"] == ["D3"]
    assert {r["kind"] for r in calder["representatives"]} == {"estate", "agent"}


def test_replicas_can_be_filtered_by_performer(client):
    assert [r["id"] for r in client.get("/api/replicas", params={"performer": "P1"}).json()] == [
        "D1"
    ]


def test_an_unknown_id_gets_the_one_error_shape(client):
    response = client.get("/api/replicas/D404")
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error": "replica 'D404' does not exist",
        "errors": [],
        "status": 404,
    }


def test_an_unknown_api_path_gets_the_one_error_shape(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error": "no page at /api/nothing-here",
        "errors": [],
        "status": 404,
    }


def test_portal_pages_render_the_registry(client):
    home = client.get("/")
    assert home.status_code == 200
    assert 'data-testid="count-performers">7<' in home.text
    page = client.get("/performers/P3")
    assert page.status_code == 200
    assert "Ruth Calder" in page.text
    assert 'href="/replicas/D3"' in page.text
    production = client.get("/productions/F1").text
    assert 'href="/producers/S1"' in production


def test_an_unknown_page_renders_an_html_error(client):
    response = client.get("/performers/P404")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "performer &#39;P404&#39; does not exist" in response.text


def test_a_performer_sees_her_consents_and_the_pay_her_likeness_earned(client):
    dana = client.get("/api/performers/P1").json()
    assert [(c["id"], c["valid"]) for c in dana["consents"]] == [("C1", True)]
    # the demo records a two-day crowd use (allowed) and a sequel use (denied): only one paid
    assert [(p["kind"], p["amount"]) for p in dana["pay_lines"]] == [
        ("pay", "432.00"),
        ("pension-health", "90.72"),
    ]
    assert [p["rate_row"] for p in dana["pay_lines"]] == [
        "background-day-rate@2024-07-01",
        "pension_health@0.21",
    ]
    assert dana["totals"] == [
        {"kind": "pay", "currency": "USD", "amount": "432.00"},
        {"kind": "pension-health", "currency": "USD", "amount": "90.72"},
    ]


def test_the_2023_proposal_shows_as_invalid_and_earned_nothing(client):
    sam = client.get("/api/performers/P2").json()
    (proposal,) = sam["consents"]
    assert proposal["valid"] is False
    assert proposal["problems"] == [
        "not-separately-signed",
        "blanket-scope",
        "perpetual-term",
        "no-compensation",
    ]
    assert sam["pay_lines"] == []
    page = client.get("/performers/P2").text
    assert (
        '<span class="error">invalid: not-separately-signed, blanket-scope, perpetual-term,'
        " no-compensation</span>"
    ) in page


def test_the_openapi_document_describes_every_response_body(client):
    paths = client.get("/openapi.json").json()["paths"]
    api = {path: spec for path, spec in paths.items() if path.startswith("/api/")}
    assert len(api) == 8
    for path, spec in api.items():
        schema = spec["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        target = schema.get("items", schema)
        assert target.get("$ref", "").startswith("#/components/schemas/"), (path, schema)


def test_a_typed_body_leaves_absent_fields_out(client):
    dana = client.get("/api/performers").json()[0]
    assert dana == {
        "id": "P1",
        "name": "Dana Ruiz",
        "category": "background",
        "born": "1990-04-02",
        "union_member_id": "SAG-0100231",
    }
