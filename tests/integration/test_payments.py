"""Pay lines owed and paid on SQLite and PostgreSQL (SPEC §12): residual runs linked to the
registry, reruns that supersede, unknown performers reported, the union's dues report summed
exactly in SQL, and the migration that fills in the lines recorded before it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from likeness.cli.main import _demo_document
from likeness.compensation.residuals.engines import DuckDBEngine
from likeness.compensation.residuals.run import run_residuals
from likeness.compensation.residuals.settings import load_settings
from likeness.domain.principals import OPERATOR, Principal, Role
from likeness.errors import NotFoundError
from likeness.services import payments, registry, statements
from likeness.services.demo import load_demo
from likeness.services.residuals import record_residual_run
from likeness.storage import tables as t
from likeness.storage.database import make_engine, upgrade
from tests.collaborators import CHEAP_HASHER, DEPS

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
YEARS = (dt.date(2020, 1, 1), dt.date(2029, 12, 31))
STREAMER = {
    "producers": [{"id": "S9", "name": "Streamflix Originals"}],
    "productions": [
        {"id": "V1", "title": "Night Shift", "producer": "S9", "kind": "hb-svod"},
    ],
}


def _outcome(directory: Path):
    duck = DuckDBEngine()
    try:
        return run_residuals(directory, duck, load_settings("sag-aftra-tv-theatrical-2023"))
    finally:
        duck.close()


@pytest.fixture
def demo(container):
    with container.uow() as uow:
        load_demo(uow, OPERATOR, _demo_document(), deps=DEPS, hasher=CHEAP_HASHER)
    return container


def test_a_run_makes_each_registered_performer_s_residuals_owed_by_the_producer(
    demo, shared_scenarios
):
    # residuals-basic pays P1 and P2 on V1 (SPEC §6.1); the demo registers both performers
    with demo.uow() as uow:
        registry.import_world(uow, OPERATOR, STREAMER)
        uow.commit()
    outcome = _outcome(shared_scenarios / "residuals-basic")
    with demo.uow() as uow:
        recorded = record_residual_run(
            uow, OPERATOR, outcome, source="q1", deps=DEPS, now=lambda: NOW
        )
        uow.commit()
    assert recorded.pay.unlinked == ()
    # P1: year 1 fixed 2250.00 and bonus 1687.50, year 2 fixed 2500.00 (no bonus line for 0)
    with demo.uow(write=False) as uow:
        s = statements.statement(uow, OPERATOR, "P1", *YEARS)
        notices, _ = uow.notices.list(recipients=[(Role.PERFORMER, "P1")])
    residual = [x.line for x in s.lines if x.line.residual_run_id == recorded.id]
    assert [(x.kind, x.what, x.amount, x.producer, x.subject) for x in residual] == [
        ("residual", "exhibition year 1", Decimal("2250.00"), "S9", "Night Shift"),
        ("residual-bonus", "exhibition year 1", Decimal("1687.50"), "S9", "Night Shift"),
        ("residual", "exhibition year 2", Decimal("2500.00"), "S9", "Night Shift"),
    ]
    assert {x.date for x in residual} == {NOW.date()}
    with demo.uow(write=False) as uow:
        entry = uow.ledger.entry(residual[0].ledger_index)  # type: ignore[attr-defined]
    assert entry.kind == "residual-run-recorded" and entry.record["owed_lines"] == 6
    assert any(n.kind == "pay-due" and "6437.50" in n.subject for n in notices)

    # the same run again changes nothing; a run with another amount reverses and re-owes
    with demo.uow() as uow:
        again = record_residual_run(uow, OPERATOR, outcome, source="q1", deps=DEPS, now=lambda: NOW)
        uow.commit()
    assert (again.pay.owed, again.pay.reversals, again.pay.unchanged) == ((), (), 6)


def test_a_line_of_an_unregistered_performer_is_reported_not_dropped(container, shared_scenarios):
    with container.uow() as uow:
        registry.import_world(
            uow,
            OPERATOR,
            {
                **STREAMER,
                "performers": [
                    {
                        "id": "P1",
                        "name": "Dana Ruiz",
                        "born": "1990-04-02",
                        "category": "background",
                    }
                ],
            },
        )
        uow.commit()
    outcome = _outcome(shared_scenarios / "residuals-basic")
    with container.uow() as uow:
        recorded = record_residual_run(
            uow, OPERATOR, outcome, source="q1", deps=DEPS, now=lambda: NOW
        )
        uow.commit()
    assert [(u.production, u.year, u.performer) for u in recorded.pay.unlinked] == [
        ("V1", 1, "P2"),
        ("V1", 2, "P2"),
    ]
    assert "performer P2 is not registered" in recorded.pay.unlinked[0].reason
    with container.uow(write=False) as uow:
        kept = uow.residuals.lines(run_id=recorded.id)
    assert {x.performer for x in kept} == {"P1", "P2"}  # the run keeps every line it computed


def test_dues_are_summed_exactly_in_the_database(demo):
    producer = Principal.parse("producer:S1")
    with demo.uow() as uow:
        payments.mark_paid(
            uow, producer, 1, reference="ACH 1", paid_on=dt.date(2024, 8, 15), deps=DEPS
        )
    with demo.uow() as uow:
        payments.correct_line(
            uow, Principal.parse("union"), 2, reason="rate", amount=Decimal("80.01"), deps=DEPS
        )
    with demo.uow(write=False) as uow:
        report = {r.producer: r for r in statements.dues_report(uow, OPERATOR)}
        lines = uow.uses.pay_lines()
    s1 = report["S1"]
    assert (s1.lines, s1.owed, s1.paid, s1.due) == (
        4, Decimal("512.01"), Decimal("432.00"), Decimal("80.01")
    )  # fmt: skip
    # the reversed pair nets to zero and is not counted as due
    assert (s1.lines_due, s1.pension_health_due) == (1, Decimal("80.01"))
    for producer_id, row in report.items():
        assert row.owed == sum(x.amount for x in lines if x.producer == producer_id)


def test_the_migration_fills_in_the_lines_recorded_before_it(database_url):
    engine = make_engine(database_url)
    try:
        upgrade(engine, "0008_consent_requests")
        with engine.begin() as conn:
            conn.execute(
                insert(t.use_decisions).values(
                    key="k1", request_id="Q1", producer_id="S1", production_id="F1",
                    allowed=True, request="{}", decision="{}", recorded_at=NOW.replace(tzinfo=None),
                )
            )  # fmt: skip
            conn.execute(
                insert(t.uses).values(
                    id=1, key="k1", request_id="Q1", kind="use", producer_id="S1",
                    production_id="F1", replica_id="D1", performer_id="P1",
                    use="crowd-multiplication", date=dt.date(2024, 8, 1), days=2,
                    recorded_at=NOW.replace(tzinfo=None),
                )
            )  # fmt: skip
            old_lines = t.pay_lines.c
            for i, amount in enumerate(("432.00", "90.72")):
                conn.execute(  # the columns pay_lines had before 0009
                    insert(t.pay_lines)
                    .values(
                        use_id=1, position=i, kind=("pay", "pension-health")[i],
                        performer_id="P1", production_id="F1", date=dt.date(2024, 8, 1),
                        amount=Decimal(amount), currency="USD",
                    )
                    .returning(old_lines.id)
                )  # fmt: skip
                body = {"kind": "pay-line", "record": {"use": 1, "amount": amount}}
                conn.execute(
                    insert(t.ledger_entries).values(
                        index=10 + i, kind="pay-line", time="2026-11-30T12:00:00.000000Z",
                        actor="cli", body=json.dumps(body).encode(), leaf_hash=b"\0" * 32,
                    )
                )  # fmt: skip
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(select(t.pay_lines).order_by(t.pay_lines.c.id)).all()
    finally:
        engine.dispose()
    assert [
        (r.producer_id, r.source, r.subject, r.what, r.quantity, r.ledger_index) for r in rows
    ] == [
        ("S1", "use", "D1", "crowd-multiplication", 2, 10),
        ("S1", "use", "D1", "crowd-multiplication", 2, 11),
    ]


def test_a_producer_stores_a_run_of_its_own_productions_and_no_other(demo, shared_scenarios):
    with demo.uow() as uow:
        registry.import_world(uow, OPERATOR, STREAMER)
        uow.commit()
    outcome = _outcome(shared_scenarios / "residuals-basic")  # V1 is S9's
    with demo.uow() as uow, pytest.raises(NotFoundError, match="residual run 'q1' does not exist"):
        record_residual_run(
            uow, Principal.parse("producer:S1"), outcome, source="q1", deps=DEPS, now=lambda: NOW
        )
    with demo.uow() as uow:
        recorded = record_residual_run(
            uow, Principal.parse("producer:S9"), outcome, source="q1", deps=DEPS, now=lambda: NOW
        )
        uow.commit()
    assert recorded.pay.unlinked == () and len(recorded.pay.owed) > 0
