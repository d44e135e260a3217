"""The /v1 API against its own OpenAPI document (schemathesis): every operation, with requests
generated from the schema (valid and invalid), sent with each role's token, answers only what it
documents: no 5xx, a documented status code and content type, a body that matches the documented
schema, 401 without the token, and every other check schemathesis has.

It runs on one copy of the demo installation (tests/e2e/api_world.py) shared by the whole
module, so writes accumulate as a real server's would; hypothesis is derandomized, so the
requests, and therefore the answers, are the same on every run.

The schema is loaded when the module is imported, from an app over an in-memory placeholder
database (the OpenAPI document does not depend on data); the module's fixture then points that
app at the installation. (``schemathesis.pytest.from_fixture`` would be the natural way, but it
reads ``request.node._nodeid``, which pytest 9 no longer has.)
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.openapi import from_asgi
from sqlalchemy import create_engine

from likeness.asgi import create_app
from likeness.bootstrap import Container
from likeness.config import Settings
from tests.e2e.api_world import PARTIES, Installation, build_template, installation

#: examples per operation (each sent once per role); keeps the module near a minute
MAX_EXAMPLES = 20


APP = create_app(
    Container(
        Settings(home=Path(tempfile.gettempdir()), database_url="sqlite://"),
        create_engine("sqlite://"),
    )
)
# positive_data_acceptance: a request the schema allows may still break a rule the schema cannot
# state (a reference to a record that does not exist, a consent with §5 problems, a proof index
# beyond the tree, a ``use`` request without a use); SPEC §10 answers those 422 ("bad input"),
# so 422 is an expected answer to schema-valid data; everything else the check expects stands
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)
# only the API: the portal's HTML pages are not part of the contract (SPEC §10)
schema = from_asgi("/openapi.json", APP, config=CONFIG).include(path_regex=r"^/v1(/|$)")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    root: Path = tmp_path_factory.mktemp("schemathesis")
    tokens = build_template(root / "template")
    world = installation(root / "template", tokens, root / "home")
    placeholder = APP.state.container
    APP.state.container = world.container
    yield world
    APP.state.container = placeholder
    world.container.engine.dispose()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_documented_for_every_role(
    case: schemathesis.Case, world: Installation
) -> None:
    for role in PARTIES:
        case.call_and_validate(headers=world.headers(role))
