"""Nothing silent, nothing partial (issue #17) as a user of ``likeness consent`` meets it: a
file is stored whole or not at all, a revocation never rewrites the past, a registration names
what is wrong, and a consent's standing on a date is what the engine would decide."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
BACKGROUND = SHARED / "01-background-scan.yaml"

GOOD = """  - id: C1
    replica: D1
    given_by: P1
    signed_on: 2024-02-28
    separately_signed: true
    productions: [F1]
    uses: [crowd-multiplication]
    description: Crowd duplication of the stadium sequence, scenes 40 to 44, as a spectator
    valid_from: 2024-03-01
    valid_until: 2025-12-31
    compensation: {amount: "216.00", per: day}
"""


@pytest.fixture
def ready(cli):
    assert cli("init").returncode == 0
    assert cli("import", str(BACKGROUND)).returncode == 0
    return cli


def _state(cli) -> tuple[int, list[dict[str, object]], str]:
    """What is stored: the ledger's size, the consents and the registry's export."""
    head = json.loads(cli("--as", "union", "ledger", "head", "--json").stdout)
    consents = json.loads(cli("consent", "list", "--json").stdout)
    return head["size"], consents, cli("export", "-").stdout


def test_a_file_with_one_invalid_consent_stores_nothing(ready, tmp_path):
    bad = GOOD.replace("C1", "C2").replace("separately_signed: true", "separately_signed: false")
    file = tmp_path / "two.yaml"
    file.write_text("consents:\n" + GOOD + bad, encoding="utf-8")
    before = _state(ready)
    refused = ready("consent", "add", str(file))
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr == (
        "error: stored nothing: consent C2 is invalid (expected a consent that passes SPEC §5;"
        " use --store-invalid to keep it for the record); its problems:\n"
        "  - not-separately-signed\n"
    )
    assert _state(ready) == before
    assert before[1] == []


def test_a_file_with_a_malformed_second_consent_stores_nothing(ready, tmp_path):
    file = tmp_path / "two.yaml"
    broken = GOOD.replace("C1", "C2").replace("signed_on: 2024-02-28", "signed_on: someday")
    file.write_text("consents:\n" + GOOD + broken, encoding="utf-8")
    before = _state(ready)
    refused = ready("consent", "add", str(file))
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"error: stored nothing: {file}: consents[1]: signed_on")
    assert _state(ready) == before


def test_a_file_with_the_same_id_twice_stores_nothing(ready, tmp_path):
    file = tmp_path / "twice.yaml"
    file.write_text("consents:\n" + GOOD + GOOD, encoding="utf-8")
    before = _state(ready)
    refused = ready("consent", "add", str(file))
    assert (refused.returncode, refused.stderr) == (
        2,
        "error: stored nothing: consent C1 already exists (expected a new id)\n",
    )
    assert _state(ready) == before


def test_a_valid_file_is_stored_whole_and_says_so(ready, tmp_path):
    second = GOOD.replace("C1", "C3").replace("[crowd-multiplication]", "[as-scripted]")
    file = tmp_path / "two.yaml"
    file.write_text("consents:\n" + GOOD + second, encoding="utf-8")
    size, _, export = _state(ready)
    added = ready("consent", "add", str(file))
    assert added.returncode == 0, added.stderr
    assert added.stdout == (
        f"recorded consent C1 (valid)\nrecorded consent C3 (valid)\nstored 2 consents from {file}\n"
    )
    after_size, consents, after_export = _state(ready)
    assert (after_size, [c["id"] for c in consents], after_export) == (
        size + 2,
        ["C1", "C3"],
        export,
    )


@pytest.fixture
def used(ready, tmp_path):
    """The background world with consent C1 and one use recorded under it on 2024-08-01."""
    file = tmp_path / "c1.yaml"
    file.write_text("consents:\n" + GOOD, encoding="utf-8")
    assert ready("consent", "add", str(file)).returncode == 0
    request = tmp_path / "q1.yaml"
    request.write_text(
        "{id: Q1, kind: use, producer: S1, production: F1, replica: D1,"
        " use: crowd-multiplication, date: 2024-08-01, days: 2}\n",
        encoding="utf-8",
    )
    recorded = ready("use", "record", "--request", str(request), "--key", "K1")
    assert recorded.returncode == 0, recorded.stderr
    return ready


def test_a_revocation_before_the_signature_is_refused(used):
    before = _state(used)
    refused = used("consent", "revoke", "C1", "--on", "2024-02-27")
    assert (refused.returncode, refused.stderr) == (
        2,
        "error: consent C1: revoked_on 2024-02-27 is before it was signed on 2024-02-28"
        " (expected a date on or after the signature)\n",
    )
    assert _state(used) == before


@pytest.mark.parametrize("day", ["2024-08-01", "2024-03-01"])
def test_a_revocation_that_would_undo_a_recorded_use_is_refused(used, day):
    before = _state(used)
    refused = used("consent", "revoke", "C1", "--on", day)
    assert (refused.returncode, refused.stderr) == (
        2,
        f"error: consent C1: revoked_on {day} would undo use 1 (key K1, dated 2024-08-01)"
        " recorded under it (expected a date after 2024-08-01: a revocation never rewrites"
        " the past)\n",
    )
    assert _state(used) == before


def test_a_revocation_after_the_last_use_is_recorded(used):
    size = _state(used)[0]
    done = used("consent", "revoke", "C1", "--on", "2024-08-02")
    assert (done.returncode, done.stdout) == (0, "revoked consent C1 on 2024-08-02\n")
    size_after, consents, _ = _state(used)
    assert (size_after, consents[0]["revoked_on"]) == (size + 1, "2024-08-02")


def test_a_revocation_without_a_date_takes_effect_today(used):
    today = dt.datetime.now(dt.UTC).date().isoformat()
    done = used("consent", "revoke", "C1")
    assert (done.returncode, done.stdout) == (0, f"revoked consent C1 on {today}\n")
