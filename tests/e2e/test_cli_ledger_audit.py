"""``likeness ledger audit`` as a user runs it (a subprocess): exit 0 and one line when the
tables are as the ledger says, exit 1 naming each difference (text or ``--json``) when not."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.e2e.conftest import run_cli_process
from tests.e2e.test_cli_ledger import DEMO_ENTRIES

#: rows of the demo world: 7 performers (2 representatives), 4 producers, 7 productions,
#: 6 replicas, 3 titles, 2 cast members, 6 consents, 1 strike, 3 consent requests,
#: 8 decisions, 5 uses, 10 pay lines, 13 accounts
DEMO_ROWS = 7 + 2 + 4 + 7 + 6 + 3 + 2 + 6 + 1 + 3 + 8 + 5 + 10 + 13


@pytest.fixture
def home(tmp_path):
    home = tmp_path / "home"
    for command in (("init",), ("demo",)):
        out = run_cli_process(home, *command)
        assert out.returncode == 0, out.stderr
    return home


def test_an_untouched_demo_audits_clean_and_says_what_it_does_not_audit(home):
    out = run_cli_process(home, "ledger", "audit")
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout.splitlines() == [
        "not audited: notices, sign_in_failures (no entry of their own), replica_embeddings"
        " (derived from ledgered assets), ledger_checkpoints, ledger_cosignatures,"
        " ledger_entries, ledger_nodes, ledger_state (the ledger itself: `likeness ledger"
        " verify`); checked as totals per residual run: residual_lines, residual_years",
        f"ledger audit: {DEMO_ROWS} records checked against {DEMO_ENTRIES} entries, no differences",
    ]
    report = json.loads(run_cli_process(home, "ledger", "audit", "--json").stdout)
    assert (report["ok"], report["entries"], report["records"], report["differences"]) == (
        True, DEMO_ENTRIES, DEMO_ROWS, []
    )  # fmt: skip
    assert set(report["not_audited"]) == {
        "notices", "sign_in_failures", "ledger_checkpoints", "ledger_cosignatures",
        "ledger_entries", "ledger_nodes", "ledger_state", "replica_embeddings",
    }  # fmt: skip
    assert "never ledgered" in report["not_audited"]["sign_in_failures"]


def test_tampered_tables_exit_1_naming_each_difference(home):
    with sqlite3.connect(home / "likeness.db") as db:
        db.execute("update pay_lines set amount = '1.00' where id = 3")
        db.execute("update consents set description = 'anything at all' where id = 'C3'")
        db.execute("delete from pay_lines where use_id = 5")
        db.execute("delete from uses where id = 5")
        db.execute("update performers set died = '2030-01-01' where id = 'P3'")
        db.execute(
            "insert into performers (id, name, category, born)"
            " values ('P99', 'Nobody', 'principal', '1990-01-01')"
        )
    out = run_cli_process(home, "ledger", "audit")
    assert (out.returncode, out.stderr) == (1, "")
    lines = out.stdout.splitlines()
    assert lines[-1] == (
        f"ledger audit: {DEMO_ROWS - 2} records checked against {DEMO_ENTRIES} entries,"
        " 7 differences"
    )
    assert lines[-2].startswith("not audited: notices")
    assert sorted(lines[:-2]) == sorted(
        [
            'consents C3 description: ledger says "A thirty second flashback in which the'
            ' lighthouse keeper speaks to her daughter" (entry 31), stored "anything at all"',
            "pay_lines 3 amount: ledger says 5000.00 (entry 45), stored 1.00",
            "performers P3 died: ledger says 2024-05-10 (entry 13), stored 2030-01-01",
            "performers P99: no ledger entry",
            "uses 5: missing row (created by entry 57)",
            "pay_lines 9: missing row (created by entry 58)",
            "pay_lines 10: missing row (created by entry 59)",
        ]
    )
    as_json = run_cli_process(home, "ledger", "audit", "--json")
    assert as_json.returncode == 1
    found = json.loads(as_json.stdout)
    assert found["ok"] is False
    assert {
        "table": "pay_lines", "record": "3", "field": "amount", "ledger": "5000.00",
        "stored": "1.00", "index": 45, "problem": "differs",
    } in found["differences"]  # fmt: skip
    assert len(found["differences"]) == 7


def test_a_party_that_does_not_see_the_whole_ledger_cannot_audit_it(home):
    out = run_cli_process(home, "--as", "producer:S1", "ledger", "audit")
    assert out.returncode == 2
    assert out.stdout == ""
    assert out.stderr == "error: no ledger is visible to you\n"


def test_a_stored_value_its_column_cannot_decode_is_named_not_a_traceback(home):
    with sqlite3.connect(home / "likeness.db") as db:
        db.execute("update performers set died = 'garbage' where id = 'P3'")
        db.execute("update pay_lines set amount = 'abc' where id = 1")
    out = run_cli_process(home, "ledger", "audit")
    assert (out.returncode, out.stderr) == (1, "")
    assert out.stdout.splitlines()[:2] == [
        "performers P3 died: ledger says 2024-05-10 (entry 13), stored unreadable 'garbage'",
        "pay_lines 1 amount: ledger says 432.00 (entry 39), stored unreadable 'abc'",
    ]
