"""A production's titles and cast in a real database (SQLite and PostgreSQL), and the residual
input tables read from them (``registry_tables``): a producer gets only its own productions'
rows, the operator and the union all of them, a performer none (SPEC §6.1, §10; issue #16)."""

import datetime as dt
from decimal import Decimal

import pytest

from likeness.domain.ids import ProductionId
from likeness.domain.principals import OPERATOR, Principal
from likeness.domain.productions import ProductionTitle
from likeness.errors import ConflictError, RecordInvalidError
from likeness.services import production_details, registry
from likeness.services.residual_inputs import RegistryTables, registry_tables

WORLD = {
    "producers": [{"id": "S1", "name": "Studio One"}, {"id": "S2", "name": "Studio Two"}],
    "performers": [
        {"id": "P1", "name": "Dana Ruiz", "category": "principal", "born": "1990-04-02"},
        {"id": "P2", "name": "Sam Okafor", "category": "principal", "born": "1985-01-01"},
    ],
    "productions": [
        {"id": "F1", "title": "Harbor", "producer": "S1", "kind": "hb-svod", "platform": "Flix"},
        {"id": "F2", "title": "Shore", "producer": "S2", "kind": "hb-svod", "platform": "Wave"},
        {"id": "F3", "title": "Night", "producer": "S1", "kind": "hb-svod"},
        {"id": "F4", "title": "Film", "producer": "S1", "kind": "theatrical"},
    ],
}

#: registered in this order (the tables come back sorted)
TITLES = (("F2", "F2-E1", 50), ("F1", "F1-E2", 60), ("F1", "F1-E1", 61), ("F3", "F3-E1", 90))
CAST = (("F1", "P2", "1500.5"), ("F1", "P1", "2000"), ("F2", "P1", "10"))


@pytest.fixture
def registered(container):
    with container.uow() as uow:
        registry.import_world(uow, OPERATOR, WORLD)
    for production, title, minutes in TITLES:
        with container.uow() as uow:
            production_details.add_title(
                uow,
                OPERATOR,
                {"production": production, "title": title, "runtime_minutes": minutes,
                 "premiere": "2025-03-01"},
            )  # fmt: skip
    for production, performer, base in CAST:
        with container.uow() as uow:
            production_details.add_cast(
                uow,
                Principal.parse(f"producer:{'S1' if production == 'F1' else 'S2'}"),
                {"production": production, "performer": performer, "residual_base": base},
            )
    return container


def tables(container, actor: str) -> RegistryTables:
    principal = OPERATOR if actor == "operator" else Principal.parse(actor)
    with container.uow(write=False) as uow:
        return registry_tables(uow, principal)


def test_the_operator_and_the_union_get_every_production_with_a_platform_or_titles(registered):
    everything = tables(registered, "operator")
    assert everything == tables(registered, "union")
    assert everything.productions == [
        {"production": "F1", "kind": "hb-svod", "platform": "Flix"},
        {"production": "F2", "kind": "hb-svod", "platform": "Wave"},
        {"production": "F3", "kind": "hb-svod", "platform": None},
    ]  # F4 has neither a platform nor titles
    assert everything.titles == [
        {"production": p, "title": t, "runtime_minutes": m, "premiere": dt.date(2025, 3, 1)}
        for p, t, m in sorted(TITLES)
    ]
    assert everything.cast == [
        {"production": "F1", "performer": "P1", "residual_base": Decimal("2000.00")},
        {"production": "F1", "performer": "P2", "residual_base": Decimal("1500.50")},
        {"production": "F2", "performer": "P1", "residual_base": Decimal("10.00")},
    ]
    row = everything.titles[0]
    assert type(row["runtime_minutes"]) is int and type(row["premiere"]) is dt.date
    assert all(type(r["residual_base"]) is Decimal for r in everything.cast)


def test_a_producer_gets_only_its_own_productions_rows(registered):
    s1, s2 = tables(registered, "producer:S1"), tables(registered, "producer:S2")
    assert [r["production"] for r in s1.productions] == ["F1", "F3"]
    assert {r["production"] for r in s1.titles} == {"F1", "F3"}
    assert {r["production"] for r in s1.cast} == {"F1"}
    assert s2 == RegistryTables(
        productions=[{"production": "F2", "kind": "hb-svod", "platform": "Wave"}],
        titles=[{"production": "F2", "title": "F2-E1", "runtime_minutes": 50,
                 "premiere": dt.date(2025, 3, 1)}],
        cast=[{"production": "F2", "performer": "P1", "residual_base": Decimal("10.00")}],
    )  # fmt: skip
    assert tables(registered, "performer:P1") == RegistryTables()


def test_each_registration_is_one_ledger_entry_naming_the_production(registered):
    with registered.uow(write=False) as uow:
        entries = uow.connection.exec_driver_sql(
            "SELECT kind, actor FROM ledger_entries WHERE kind IN"
            " ('title-registered', 'cast-registered') ORDER BY " + '"index"'
        ).all()
    assert [tuple(e) for e in entries] == [
        *[("title-registered", "operator")] * 4,
        ("cast-registered", "producer:S1"),
        ("cast-registered", "producer:S1"),
        ("cast-registered", "producer:S2"),
    ]


def test_the_database_refuses_a_title_id_used_twice_even_in_another_production(registered):
    refused = pytest.raises(RecordInvalidError, match="title F1-E1: title 'F1-E1'")
    with registered.uow() as uow, refused:
        production_details.add_title(
            uow, OPERATOR,
            {"production": "F2", "title": "F1-E1", "runtime_minutes": 5, "premiere": "2025-01-01"},
        )  # fmt: skip
    with pytest.raises(ConflictError), registered.uow() as uow:  # the key holds below too
        uow.titles.add(ProductionTitle(ProductionId("F2"), "F1-E1", 5, dt.date(2025, 1, 1)))
