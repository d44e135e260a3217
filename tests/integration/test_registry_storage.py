"""The registry in a real database (SQLite and PostgreSQL): round trips, imports, atomicity."""

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, select, text

from likeness.domain.principals import OPERATOR
from likeness.errors import RecordInvalidError
from likeness.interchange.documents import read_document
from likeness.interchange.world import parse_world
from likeness.services import registry, replica_assets
from likeness.storage import tables as t
from tests.strategies import worlds


def counts(engine):
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (
                t.performers,
                t.representatives,
                t.producers,
                t.productions,
                t.replicas,
                t.replica_assets,
            )
        }


REGISTRY_TABLES = (
    t.production_cast,
    t.production_titles,
    t.replica_assets,
    t.replicas,
    t.representatives,
    t.performers,
    t.productions,
    t.producers,
)


def empty_registry(uow):
    """Delete every registry row (dependents first); the ledger keeps its entries."""
    for table in REGISTRY_TABLES:
        uow.connection.execute(table.delete())


def assert_same_registry(got, want, where=""):
    assert got.performers == want.performers, where
    assert got.producers == want.producers, where
    assert got.productions == want.productions, where
    assert got.replicas == want.replicas, where


def test_every_public_scenario_world_imports(container, shared_scenarios):
    for path in sorted(shared_scenarios.glob("*.yaml")):
        document = read_document(path)
        expected = parse_world(document)
        with container.uow() as uow:
            # each scenario reuses ids like P1 and S1, so start from an empty registry each time
            empty_registry(uow)
            registry.import_world(uow, OPERATOR, document)
        with container.uow(write=False) as uow:
            loaded = registry.load_world(uow)
        assert_same_registry(loaded, expected, path.name)


def test_a_file_with_one_bad_record_leaves_the_database_unchanged(container, shared_scenarios):
    with container.uow() as uow:
        registry.import_world(
            uow, OPERATOR, read_document(shared_scenarios / "03-deceased-performers.yaml")
        )
    before = counts(container.engine)
    bad = {
        "producers": [{"id": "S9", "name": "New Studio"}],
        "productions": [{"id": "F9", "title": "New Film", "producer": "S9", "kind": "theatrical"}],
        "performers": [
            {"id": "P10", "name": "New Face", "category": "background", "born": "1999-01-01"}
        ],
        "replicas": [
            {
                "id": "D8",
                "performer": "P10",
                "kind": "employment-based",
                "media": ["face"],
                "made_in": "F9",
            },
            {
                "id": "D9",
                "performer": "P10",
                "kind": "employment-based",
                "media": ["face"],
                "made_on": "2024-02-30",
            },
        ],
    }
    with container.uow() as uow, pytest.raises(RecordInvalidError, match="replica D9: made_on"):
        registry.import_world(uow, OPERATOR, bad)
    assert counts(container.engine) == before


def test_a_failure_in_the_middle_of_the_writes_rolls_everything_back(container, shared_scenarios):
    document = read_document(shared_scenarios / "01-background-scan.yaml")
    with container.uow() as uow:
        # break the last insert at the database level, after the others went through
        uow.connection.execute(text("DROP TABLE replica_assets"))
        uow.commit()
    with container.uow() as uow, pytest.raises(Exception, match="replica_assets"):
        document["replicas"][0]["assets"] = [{"location": "/x", "size": 1, "sha256": "a" * 64}]
        registry.import_world(uow, OPERATOR, document)
    with container.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t.performers)).scalar_one() == 0


def test_an_id_already_registered_is_refused(container, shared_scenarios):
    document = read_document(shared_scenarios / "01-background-scan.yaml")
    with container.uow() as uow:
        registry.import_world(uow, OPERATOR, document)
    with container.uow() as uow, pytest.raises(RecordInvalidError, match="producer S1: id 'S1'"):
        registry.import_world(uow, OPERATOR, document)


def test_export_then_import_into_an_empty_database_gives_the_same_registry(
    container, shared_scenarios, tmp_path
):
    for name in ("03-deceased-performers.yaml", "04-alteration-and-as-scripted.yaml"):
        with container.uow() as uow:
            registry.import_world(uow, OPERATOR, read_document(shared_scenarios / name))
    with container.uow(write=False) as uow:
        exported = registry.export_world(uow, OPERATOR)
        original = registry.load_world(uow)
    from likeness.bootstrap import initialize
    from likeness.config import Settings

    fresh = initialize(Settings(home=tmp_path / "fresh"))
    with fresh.uow() as uow:
        registry.import_world(uow, OPERATOR, exported)
    with fresh.uow(write=False) as uow:
        again = registry.load_world(uow)
    assert_same_registry(again, original)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(world=worlds())
def test_any_world_round_trips_through_the_database(container, world):
    with container.uow() as uow:
        empty_registry(uow)
        uow.commit()
    from likeness.interchange.world import world_to_document

    with container.uow() as uow:
        # the strategy draws dates up to 2030: judge them from a day after all of them
        registry.import_world(uow, OPERATOR, world_to_document(world), today=dt.date(2031, 1, 1))
    with container.uow(write=False) as uow:
        loaded = registry.load_world(uow)
    assert_same_registry(loaded, world)


def test_registering_an_asset_records_size_and_digest(container, shared_scenarios, tmp_path):
    import hashlib

    with container.uow() as uow:
        registry.import_world(
            uow, OPERATOR, read_document(shared_scenarios / "01-background-scan.yaml")
        )
    scan = tmp_path / "scan.obj"
    scan.write_bytes(b"v 0 0 0\n" * 1000)
    with container.uow() as uow:
        asset = replica_assets.register_asset(uow, OPERATOR, "D1", scan)
    assert asset.size == 8000
    assert asset.sha256 == hashlib.sha256(scan.read_bytes()).hexdigest()
    with container.uow(write=False) as uow:
        stored = registry.get_replica(uow, OPERATOR, "D1").assets
    assert stored == (asset,)
    assert Path(stored[0].location) == scan.resolve()
