"""``ledger audit`` on SQLite and PostgreSQL (issue #12): a world built through the services
audits clean, table by table; rows edited, deleted or added behind the services' back are each
named with their table, id, field, the ledger's value, the stored value and the entry's index.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, func, insert, select, update

from likeness.bootstrap import ensure_c2pa_identity
from likeness.cli.main import _demo_document
from likeness.compensation.residuals.engines import DuckDBEngine
from likeness.compensation.residuals.run import run_residuals
from likeness.compensation.residuals.settings import load_settings
from likeness.domain.principals import OPERATOR, Principal
from likeness.domain.strikes import Strike
from likeness.errors import NotFoundError
from likeness.ledger.entry import LedgerEntry
from likeness.services import accounts, consent_answers, payments, registry, replica_assets, tokens
from likeness.services import strikes as strike_service
from likeness.services.consents import revoke_consent
from likeness.services.demo import load_demo
from likeness.services.detection import detect
from likeness.services.ledger_audit import (
    AGGREGATED,
    AUDITED,
    NOT_AUDITED,
    AuditReport,
    audit_ledger,
)
from likeness.services.outputs import register_output
from likeness.services.residuals import record_residual_run
from likeness.storage import tables as t
from tests.collaborators import CHEAP_HASHER, DEPS
from tests.face_samples import augment, portraits, save

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
UNION = Principal.parse("union")
STREAMER = {
    "producers": [{"id": "S9", "name": "Streamflix Originals"}],
    "productions": [{"id": "V1", "title": "Night Shift", "producer": "S9", "kind": "hb-svod"}],
}


def _audit(container, principal=OPERATOR) -> AuditReport:
    with container.uow(write=False) as uow:
        return audit_ledger(principal, uow.ledger, uow.table_rows)


def _index(container, kind: str, **fields) -> int:
    """The index of the one entry of ``kind`` whose record has ``fields``."""
    with container.uow(write=False) as uow:
        found = [
            i
            for i, body, _ in uow.ledger.read()
            if (e := LedgerEntry.from_body(i, body)).kind == kind
            and all(e.record.get(k) == v for k, v in fields.items())
        ]
    assert len(found) == 1, (kind, fields, found)
    return found[0]


@pytest.fixture
def demo(container):
    with container.uow() as uow:
        load_demo(uow, OPERATOR, _demo_document(), deps=DEPS, hasher=CHEAP_HASHER)
    return container


@pytest.fixture
def rich(demo, shared_scenarios, tmp_path: Path):
    """The demo world plus one of every other ledgered change, each through its service."""
    c = demo
    with c.uow() as uow:
        registry.import_world(uow, OPERATOR, STREAMER)
        uow.commit()
    duck = DuckDBEngine()
    try:
        outcome = run_residuals(
            shared_scenarios / "residuals-basic",
            duck,
            load_settings("sag-aftra-tv-theatrical-2023"),
        )
    finally:
        duck.close()
    with c.uow() as uow:
        record_residual_run(uow, OPERATOR, outcome, source="q1", deps=DEPS, now=lambda: NOW)
        uow.commit()
    producer = Principal.parse("producer:S1")
    with c.uow() as uow:
        payments.mark_paid(
            uow, producer, 1, reference="ACH 1", paid_on=dt.date(2024, 8, 15), deps=DEPS
        )
    with c.uow() as uow:
        payments.correct_line(uow, UNION, 2, reason="rate", amount=Decimal("80.01"), deps=DEPS)
    with c.uow() as uow:
        revoke_consent(uow, OPERATOR, "C2", dt.date(2024, 4, 1), deps=DEPS)
    with c.uow() as uow:
        consent_answers.refuse_request(
            uow, Principal.parse("performer:P1"), "CR-DANA-SEQUEL", "no", deps=DEPS
        )
    with c.uow() as uow:
        consent_answers.withdraw_request(
            uow, Principal.parse("producer:S2"), "CR-LEO-TRAILER", deps=DEPS
        )
    with c.uow() as uow:
        consent_answers.grant_request(
            uow, Principal.parse("representative:E3"), "CR-RUTH-TRAILER", deps=DEPS
        )
    with c.uow() as uow:
        strike = strike_service.declare_strike(uow, UNION, Strike(None, dt.date(2026, 10, 1)))
    with c.uow() as uow:
        assert strike.id is not None
        strike_service.end_strike(uow, UNION, strike.id, dt.date(2026, 10, 20))
    with c.uow() as uow:
        token, _ = tokens.create_token(uow, OPERATOR, "union", days=1, now=NOW)
    with c.uow() as uow:
        tokens.revoke_token(uow, OPERATOR, token.id, now=NOW)
    with c.uow() as uow:
        tokens.create_token(uow, OPERATOR, "producer-S2", days=1, now=NOW)
    with c.uow() as uow:
        accounts.disable_account(uow, OPERATOR, "producer-S2", now=NOW)
    with c.uow() as uow:
        accounts.set_email(uow, OPERATOR, "performer-P1", None)
    scan = tmp_path / "scan.obj"
    scan.write_bytes(b"v 0 0 0\n" * 100)
    with c.uow() as uow:
        replica_assets.register_asset(uow, OPERATOR, "D1", scan)
    # SPEC §13: an enrolment, a registered output and a finding
    ensure_c2pa_identity(c)
    people = portraits()
    face = save(people["collins"], tmp_path / "faces" / "dana.png")
    with c.uow() as uow:
        replica_assets.register_asset(uow, OPERATOR, "D4", face)
    with c.uow() as uow:
        register_output(uow, OPERATOR, 1, scan, clock=lambda: NOW)
    leak = save(augment(people["collins"], "jpeg-30"), tmp_path / "found" / "leak.jpg")
    report = detect(c.uow, UNION, c.scanner(), [leak], c.thresholds(), lambda: NOW)
    assert [len(f.findings) for f in report.files] == [1]
    return c


def test_a_world_built_through_the_services_audits_clean_with_every_table_checked(rich):
    report = _audit(rich)
    assert report.differences == []
    with rich.uow(write=False) as uow:
        counts = {
            name: uow.connection.execute(
                select(func.count()).select_from(t.metadata.tables[name])
            ).scalar_one()
            for name in [*AUDITED, *AGGREGATED]
        }
        size = uow.ledger.size()
    # a clean audit means something only if every audited table has rows to compare
    assert [name for name, n in counts.items() if n == 0] == []
    assert report.records == sum(counts.values())
    assert report.entries == size


def test_every_table_of_the_schema_is_audited_or_says_why_not():
    classified = [*AUDITED, *AGGREGATED, *NOT_AUDITED]
    assert sorted(classified) == sorted(t.metadata.tables)
    assert len(classified) == len(set(classified))


def test_tampered_rows_are_each_named_with_the_ledger_value_and_the_entry(demo):
    with demo.uow() as uow:
        conn = uow.connection
        conn.execute(
            update(t.pay_lines).where(t.pay_lines.c.id == 3).values(amount=Decimal("1.00"))
        )
        conn.execute(
            update(t.consents).where(t.consents.c.id == "C3").values(description="anything")
        )
        conn.execute(delete(t.pay_lines).where(t.pay_lines.c.use_id == 5))
        conn.execute(delete(t.uses).where(t.uses.c.id == 5))
        conn.execute(
            update(t.performers).where(t.performers.c.id == "P3").values(died=dt.date(2030, 1, 1))
        )
        conn.execute(
            insert(t.performers).values(
                id="P99", name="Nobody", category="principal", born=dt.date(1990, 1, 1)
            )
        )
        uow.commit()
    found = {(d.table, d.record, d.field): d.to_json() for d in _audit(demo).differences}

    def said(table, record, field, ledger, stored, index, problem="differs"):
        return {
            "table": table, "record": record, "field": field, "ledger": ledger,
            "stored": stored, "index": index, "problem": problem,
        }  # fmt: skip

    description = "A thirty second flashback in which the lighthouse keeper speaks to her daughter"
    assert found == {
        ("pay_lines", "3", "amount"): said(
            "pay_lines", "3", "amount", "5000.00", "1.00", _index(demo, "pay-line", line=3)
        ),
        ("consents", "C3", "description"): said(
            "consents", "C3", "description", description, "anything",
            _index(demo, "consent-granted", id="C3"),
        ),
        ("performers", "P3", "died"): said(
            "performers", "P3", "died", "2024-05-10", "2030-01-01",
            _index(demo, "performer-registered", id="P3"),
        ),
        ("performers", "P99", None): said(
            "performers", "P99", None, None, None, None, "no ledger entry"
        ),
        ("uses", "5", None): said(
            "uses", "5", None, None, None, _index(demo, "use-recorded", use=5), "missing row"
        ),
        ("pay_lines", "9", None): said(
            "pay_lines", "9", None, None, None, _index(demo, "pay-line", line=9), "missing row"
        ),
        ("pay_lines", "10", None): said(
            "pay_lines", "10", None, None, None, _index(demo, "pay-line", line=10), "missing row"
        ),
    }  # fmt: skip


def test_changes_after_registration_are_audited_at_the_entry_that_made_them(rich):
    revoked = _index(rich, "consent-revoked", consent="C2")
    paid = _index(rich, "pay-line-paid", line=1)
    granted = _index(rich, "consent-request-granted", request="CR-RUTH-TRAILER")
    decided = _index(rich, "use-decision", key="demo-dana-crowd")
    with rich.uow() as uow:
        conn = uow.connection
        conn.execute(update(t.consents).where(t.consents.c.id == "C2").values(revoked_on=None))
        conn.execute(update(t.payments).where(t.payments.c.line_id == 1).values(reference="ACH 2"))
        conn.execute(
            update(t.consent_requests)
            .where(t.consent_requests.c.id == "CR-RUTH-TRAILER")
            .values(state="pending")
        )
        conn.execute(
            update(t.use_decisions)
            .where(t.use_decisions.c.key == "demo-dana-crowd")
            .values(decision='{"allowed": true}')
        )
        conn.execute(
            update(t.residual_lines)
            .where(t.residual_lines.c.performer == "P1")
            .values(bonus=Decimal("0.00"))
        )
        uow.commit()
    differences = _audit(rich).differences
    run = _index(rich, "residual-run-recorded")
    assert [str(d) for d in differences if d.field != "decision"] == [
        f"consents C2 revoked_on: ledger says 2024-04-01 (entry {revoked}), stored null",
        f'consent_requests CR-RUTH-TRAILER state: ledger says "granted" (entry {granted}),'
        ' stored "pending"',
        f'payments 1 reference: ledger says "ACH 1" (entry {paid}), stored "ACH 2"',
        f"residual_lines of residual run 1 sum(bonus): ledger says 2362.50 (entry {run}),"
        " stored 675.00",
    ]
    # a JSON column is compared as the digest of its canonical JSON; the stored text is shown
    (decision,) = [d for d in differences if d.field == "decision"]
    assert (decision.table, decision.record, decision.index) == (
        "use_decisions", "demo-dana-crowd", decided
    )  # fmt: skip
    assert decision.stored == '{"allowed": true}'
    assert decision.ledger.startswith("sha256:") and len(decision.ledger) == 7 + 64


def test_only_those_who_see_the_whole_ledger_may_audit_it(demo):
    assert _audit(demo, UNION).differences == []
    with pytest.raises(NotFoundError, match="no ledger is visible to you"):
        _audit(demo, Principal.parse("producer:S1"))
