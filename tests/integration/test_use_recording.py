"""Recording uses on SQLite and PostgreSQL: decide, store use + pay lines, idempotent keys."""

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from likeness.domain.principals import OPERATOR
from likeness.errors import ConflictError, RecordInvalidError, StorageError
from likeness.interchange.documents import read_document
from likeness.services import registry
from likeness.services.consents import grant_consent, parse_consent_document
from likeness.services.uses import record_use
from likeness.storage import tables as t
from tests.collaborators import DEPS

NOW = dt.datetime(2026, 1, 2, 3, 4, 5)


@pytest.fixture
def scenario(container, shared_scenarios):
    document = read_document(shared_scenarios / "01-background-scan.yaml")
    with container.uow() as uow:
        registry.import_world(uow, OPERATOR, document)
    for raw in document["consents"]:
        raw = {k: v for k, v in raw.items() if k != "expect"}
        with container.uow() as uow:
            grant_consent(uow, OPERATOR, parse_consent_document(raw), deps=DEPS)
    return {q["id"]: {k: v for k, v in q.items() if k != "expect"} for q in document["requests"]}


def rows(engine, table):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_an_allowed_use_is_stored_with_its_pay_lines(container, scenario):
    with container.uow() as uow:
        result = record_use(uow, OPERATOR, scenario["Q1"], "key-1", now=lambda: NOW, deps=DEPS)
    assert not result.replayed
    assert result.record.decision.allowed
    assert result.record.use_id is not None
    assert [(str(p.kind), p.amount) for p in result.record.pay_lines] == [
        ("pay", Decimal("432.00")),
        ("pension-health", Decimal("90.72")),
    ]
    with container.uow(write=False) as uow:
        stored = uow.uses.get("key-1")
        lines = uow.uses.pay_lines(performer_id="P1")
    assert stored == result.record
    assert [line.amount for line in lines] == [Decimal("432.00"), Decimal("90.72")]
    assert [line.rate_row for line in lines] == [
        "background-day-rate@2024-07-01",
        "pension_health@0.21",
    ]
    assert rows(container.engine, t.uses) == 1


def test_the_same_key_again_returns_the_first_answer_and_stores_nothing(container, scenario):
    with container.uow() as uow:
        first = record_use(uow, OPERATOR, scenario["Q1"], "key-1", now=lambda: NOW, deps=DEPS)
    with container.uow() as uow:
        again = record_use(
            uow,
            OPERATOR,
            scenario["Q1"],
            "key-1",
            now=lambda: NOW + dt.timedelta(days=1),
            deps=DEPS,
        )
    assert again.replayed
    assert again.record == first.record
    assert rows(container.engine, t.uses) == 1
    assert rows(container.engine, t.pay_lines) == 2
    assert rows(container.engine, t.use_decisions) == 1


def test_the_same_key_for_another_request_is_a_conflict(container, scenario):
    with container.uow() as uow:
        record_use(uow, OPERATOR, scenario["Q1"], "key-1", now=lambda: NOW, deps=DEPS)
    with container.uow() as uow, pytest.raises(ConflictError, match="key 'key-1' was used"):
        record_use(uow, OPERATOR, scenario["Q4"], "key-1", now=lambda: NOW, deps=DEPS)
    assert rows(container.engine, t.uses) == 1


def test_a_denied_use_stores_only_its_decision(container, scenario):
    with container.uow() as uow:
        result = record_use(uow, OPERATOR, scenario["Q2"], "key-2", now=lambda: NOW, deps=DEPS)
    decision = result.record.decision
    assert not decision.allowed
    assert decision.reasons == ("production-not-covered", "use-not-covered")
    assert result.record.use_id is None
    assert rows(container.engine, t.uses) == 0
    assert rows(container.engine, t.pay_lines) == 0
    assert rows(container.engine, t.use_decisions) == 1
    with container.uow() as uow:
        assert record_use(uow, OPERATOR, scenario["Q2"], "key-2", deps=DEPS).replayed


def test_a_malformed_request_stores_nothing(container, scenario):
    bad = dict(scenario["Q1"], date="2024-02-30")
    with container.uow() as uow, pytest.raises(RecordInvalidError, match="date '2024-02-30'"):
        record_use(uow, OPERATOR, bad, "key-3", deps=DEPS)
    assert rows(container.engine, t.use_decisions) == 0


def ledger_kinds(container):
    with container.uow(write=False) as uow:
        return [uow.ledger.entry(i).kind for i in range(uow.ledger.size())]


def test_an_allowed_use_writes_decision_use_and_pay_line_entries(container, scenario):
    before = len(ledger_kinds(container))
    with container.uow() as uow:
        record_use(uow, OPERATOR, scenario["Q1"], "key-1", now=lambda: NOW, deps=DEPS)
    assert ledger_kinds(container)[before:] == [
        "use-decision",
        "use-recorded",
        "pay-line",
        "pay-line",
    ]
    with container.uow(write=False) as uow:
        entry = uow.ledger.entry(before + 2)
    assert entry.record["amount"] == "432.00"
    assert entry.record["rate_row"]


def test_a_denied_use_writes_only_its_decision_entry(container, scenario):
    before = len(ledger_kinds(container))
    with container.uow() as uow:
        record_use(uow, OPERATOR, scenario["Q2"], "key-2", now=lambda: NOW, deps=DEPS)
    assert ledger_kinds(container)[before:] == ["use-decision"]


def test_a_replayed_key_writes_no_entry(container, scenario):
    with container.uow() as uow:
        record_use(uow, OPERATOR, scenario["Q1"], "key-1", now=lambda: NOW, deps=DEPS)
    size = len(ledger_kinds(container))
    with container.uow() as uow:
        record_use(uow, OPERATOR, scenario["Q1"], "key-1", now=lambda: NOW, deps=DEPS)
    assert len(ledger_kinds(container)) == size


def test_a_decision_stored_before_the_checks_were_renamed_replays_as_stored(container, scenario):
    with container.uow() as uow:
        first = record_use(uow, OPERATOR, scenario["Q1"], "key-1", now=lambda: NOW, deps=DEPS)
    assert first.record.decision.ran[0] == "producer-not-authorized"
    # the row as written before issue 8, when checks had ids of their own
    with container.engine.begin() as conn:
        stored = conn.execute(select(t.use_decisions.c.decision)).scalar_one()
        old = stored.replace('"producer-not-authorized"', '"producer-authorized"')
        conn.execute(update(t.use_decisions).values(decision=old))
    with container.uow() as uow:
        again = record_use(uow, OPERATOR, scenario["Q1"], "key-1", now=lambda: NOW, deps=DEPS)
    assert again.replayed
    assert again.record.decision.ran == ("producer-authorized", *first.record.decision.ran[1:])
    assert again.record.decision.explain()[0] == "producer-authorized: ok"


def test_a_stored_request_that_no_longer_reads_is_a_storage_error(container, scenario):
    with container.uow() as uow:
        record_use(uow, OPERATOR, scenario["Q1"], "key-1", now=lambda: NOW, deps=DEPS)
    with container.engine.begin() as conn:
        conn.execute(update(t.use_decisions).values(request='{"id": "Q1", "kind": "borrow"}'))
    with (
        container.uow(write=False) as uow,
        pytest.raises(StorageError, match="stored request under key 'key-1' no longer reads"),
    ):
        uow.uses.get("key-1")
