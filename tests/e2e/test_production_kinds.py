"""A production's kind is one of SPEC §2's; any other is refused, naming the kinds allowed, in
the CLI, in a file of records and in the API."""

import pytest

from tests.e2e.test_api_v1 import make_api

KINDS = "'theatrical', 'television', 'hb-svod', 'commercial' or 'video-game'"


@pytest.fixture
def ready(cli):
    assert cli("init").returncode == 0
    assert cli("producer", "add", "--id", "S1", "--name", "Studio One").returncode == 0
    return cli


def test_the_cli_refuses_an_unknown_kind_naming_the_kinds(ready):
    out = ready(
        "production", "add", "--id", "F1", "--title", "Harbor", "--producer", "S1",
        "--kind", "hb-svodX",
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stderr == f"error: production F1: kind 'hb-svodX' (expected one of {KINDS})\n"
    assert ready("production", "list", "--json").stdout == "[]\n"


def test_a_file_of_records_with_an_unknown_kind_is_refused_whole(ready, tmp_path):
    world = tmp_path / "world.yaml"
    world.write_text(
        "producers: [{id: S2, name: Studio Two}]\n"
        "productions: [{id: F2, title: Harbor, producer: S2, kind: hb-svodX}]\n",
        encoding="utf-8",
    )
    out = ready("import", str(world))
    assert out.returncode == 2
    assert out.stderr == f"error: production F2: kind 'hb-svodX' (expected one of {KINDS})\n"
    assert ready("producer", "show", "S2").returncode == 2


def test_the_api_refuses_an_unknown_kind_naming_the_kinds(container):
    api = make_api(container)
    body = {"id": "FX1", "title": "Harbor", "producer": "S1", "kind": "hb-svodX"}
    response = api.post("producer", "/v1/productions", body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["errors"] == [{"field": "kind", "message": f"Input should be {KINDS}"}]
    assert api.get("producer", "/v1/productions/FX1").status_code == 404
