"""Registering titles and cast and reading the residual input tables, over the in-memory fakes:
who may, what is refused, and that a refusal writes nothing (SPEC §6.1, §10; issue #16)."""

import datetime as dt
from decimal import Decimal

import pytest

from likeness.domain.ids import PerformerId, ProducerId, ProductionId
from likeness.domain.performers import Performer, PerformerCategory
from likeness.domain.principals import OPERATOR, Principal
from likeness.domain.productions import Producer, Production, ProductionKind
from likeness.errors import ForbiddenError, NotFoundError, RecordInvalidError
from likeness.services import production_details
from likeness.services.residual_inputs import registry_tables
from tests.unit.fakes import FakeUnitOfWork


@pytest.fixture
def uow():
    fake = FakeUnitOfWork()
    with fake:
        for sid in ("S1", "S2"):
            fake.producers.add(Producer(ProducerId(sid), f"Studio {sid}"))
        fake.performers.add(
            Performer(PerformerId("P1"), "Dana", PerformerCategory.PRINCIPAL, dt.date(1990, 1, 1))
        )
        for fid, sid, platform in (("F1", "S1", "Flix"), ("F2", "S2", None)):
            fake.productions.add(
                Production(
                    ProductionId(fid), fid, ProducerId(sid), ProductionKind.HB_SVOD,
                    "no-union", None, platform,
                )
            )  # fmt: skip
        fake.commit()
    return fake


def title(production, ident="E1"):
    return {
        "production": production,
        "title": ident,
        "runtime_minutes": 30,
        "premiere": "2025-01-01",
    }


def test_a_producer_registers_a_title_of_its_production_with_one_ledger_entry(uow):
    with uow:
        production_details.add_title(uow, Principal.parse("producer:S1"), title("F1"))
    assert [e[0] for e in uow.ledger.entries][-1:] == ["title-registered"]
    assert uow.committed == 2


@pytest.mark.parametrize(
    ("actor", "error"),
    [("producer:S2", RecordInvalidError), ("performer:P1", RecordInvalidError),
     ("union", ForbiddenError), ("admin", RecordInvalidError)],
)  # fmt: skip
def test_only_the_producer_and_the_operator_register_titles(uow, actor, error):
    with uow, pytest.raises(error):
        production_details.add_title(uow, Principal.parse(actor), title("F1"))
    assert uow.titles.items == {} and uow.ledger.entries == []


def test_a_cast_member_of_an_unknown_performer_is_refused_naming_the_field(uow):
    with uow, pytest.raises(RecordInvalidError) as refused:
        production_details.add_cast(
            uow, OPERATOR, {"production": "F1", "performer": "P9", "residual_base": "1"}
        )
    assert refused.value.field == "performer"


def test_a_production_one_may_not_see_lists_like_a_missing_one(uow):
    with uow, pytest.raises(NotFoundError, match="production 'F1' does not exist"):
        production_details.list_titles(uow, Principal.parse("producer:S2"), "F1")


def test_registry_tables_show_a_producer_its_own_productions_only(uow):
    with uow:
        production_details.add_title(uow, OPERATOR, title("F2", "F2-E1"))
        production_details.add_cast(
            uow, OPERATOR, {"production": "F1", "performer": "P1", "residual_base": "5"}
        )
        s1 = registry_tables(uow, Principal.parse("producer:S1"))
        s2 = registry_tables(uow, Principal.parse("producer:S2"))
        everything = registry_tables(uow, OPERATOR)
    assert s1.productions == [{"production": "F1", "kind": "hb-svod", "platform": "Flix"}]
    assert s1.titles == [] and s1.cast == [
        {"production": "F1", "performer": "P1", "residual_base": Decimal("5.00")}
    ]
    assert s2.productions == [{"production": "F2", "kind": "hb-svod", "platform": None}]
    assert [r["title"] for r in s2.titles] == ["F2-E1"] and s2.cast == []
    assert [r["production"] for r in everything.productions] == ["F1", "F2"]
