"""Nothing silent, nothing partial (issue #17) as a user of ``likeness consent`` meets it: a
file is stored whole or not at all, a revocation never rewrites the past, a registration names
what is wrong, and a consent's standing on a date is what the engine would decide."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from tests.e2e.worlds import world_only

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
def ready(cli, tmp_path):
    assert cli("init").returncode == 0
    assert cli("import", str(world_only(BACKGROUND, tmp_path))).returncode == 0
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
    assert (after_size, [c["id"] for c in consents]) == (size + 2, ["C1", "C3"])
    # the export carries the consents (and nothing else changed in it)
    assert "consents: []\n" in export
    assert after_export.split("consents:")[0] == export.split("consents:")[0]
    assert "- id: C1" in after_export and "- id: C3" in after_export


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


WORLD = (
    """agreement: sag-aftra-tv-theatrical-2023
performers:
  - {id: P1, name: Dana Ruiz, category: background, born: 1990-04-02}
  - id: P5
    name: Ana Lee
    category: principal
    born: 1980-01-01
    representatives: [{id: A5, kind: agent, may_consent: false}]
  - {id: P6, name: Old Star, category: principal, born: 1940-01-01, died: 2025-05-01}
producers:
  - {id: S1, name: Studio One}
productions:
  - {id: F1, title: Harbor Lights, producer: S1, kind: theatrical}
replicas:
  - {id: D1, performer: P1, kind: employment-based, media: [face], made_in: F1, made_on: 2024-03-01}
  - {id: D5, performer: P5, kind: employment-based, media: [face], made_in: F1, made_on: 2024-03-01}
  - {id: D6, performer: P6, kind: employment-based, media: [face], made_in: F1, made_on: 2024-03-01}
consents:
"""
    + GOOD
    + GOOD.replace("C1", "C5").replace("D1", "D5").replace("given_by: P1", "given_by: A5")
    + (
        GOOD.replace("C1", "C6").replace("D1", "D6").replace("given_by: P1", "given_by: P6")
        + "    lifetime_only: true\n"
    )
)


@pytest.fixture
def world(cli, tmp_path):
    assert cli("init").returncode == 0
    file = tmp_path / "world.yaml"
    file.write_text(WORLD, encoding="utf-8")
    imported = cli("import", str(world_only(file, tmp_path)))
    assert imported.returncode == 0, imported.stderr
    added = cli("consent", "add", str(file))
    assert added.returncode == 0, added.stderr
    assert cli("consent", "revoke", "C1", "--on", "2024-08-02").returncode == 0
    return cli


def _standing(cli, consent: str, on: str) -> dict[str, object]:
    shown = cli("consent", "show", consent, "--on", on, "--json")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)["standing"]


def test_a_consent_s_standing_is_what_a_decision_on_the_day_would_say(world):
    assert _standing(world, "C1", "2024-08-01") == {
        "on": "2024-08-01",
        "state": "valid",
        "codes": [],
        "text": "valid",
    }
    assert _standing(world, "C1", "2024-09-01") == {
        "on": "2024-09-01",
        "state": "revoked",
        "codes": ["consent-revoked"],
        "text": "revoked since 2024-08-02",
    }
    assert _standing(world, "C5", "2024-09-01") == {
        "on": "2024-09-01",
        "state": "not-authorized",
        "codes": ["consent-not-authorized"],
        "text": "not authorized: A5 had no authority on 2024-02-28",
    }
    assert _standing(world, "C6", "2024-09-01")["state"] == "valid"
    assert _standing(world, "C6", "2025-06-01") == {
        "on": "2025-06-01",
        "state": "ended-at-death",
        "codes": ["consent-ended-at-death"],
        "text": "ended at death on 2025-05-01",
    }
    assert _standing(world, "C6", "2026-01-01")["codes"] == [
        "consent-ended-at-death",
        "consent-expired",
    ]
    assert _standing(world, "C6", "2026-01-01")["text"] == (
        "ended at death on 2025-05-01; expired after 2025-12-31"
    )


def test_the_decision_engine_agrees_with_the_standing(world):
    ask = ["decide", "--kind", "use", "--producer", "S1", "--production", "F1", "--use"]
    ask += ["crowd-multiplication", "--date", "2025-06-01", "--replica"]
    for replica, code in (
        ("D1", "consent-revoked"),
        ("D5", "consent-not-authorized"),
        ("D6", "consent-ended-at-death"),
    ):
        decision = json.loads(world(*ask, replica).stdout)
        assert decision["reasons"] == [code]


def test_consent_list_shows_each_standing_in_the_table_and_the_json(world):
    listed = json.loads(world("consent", "list", "--on", "2025-06-01", "--json").stdout)
    assert [(c["id"], c["standing"]["state"]) for c in listed] == [
        ("C1", "revoked"),
        ("C5", "not-authorized"),
        ("C6", "ended-at-death"),
    ]
    table = world("consent", "list", "--on", "2025-06-01", env={"COLUMNS": "200"}).stdout
    assert "revoked since 2024-08-02" in table
    assert "not authorized: A5 had no authority on 2024-02-28" in table
    assert "ended at death on 2025-05-01" in table
    shown = world("consent", "show", "C1", "--on", "2025-06-01").stdout
    assert "standing           revoked since 2024-08-02 (on 2025-06-01)\n" in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("performer", "add", "--id", "P2", "--name", "Kid", "--category", "principal",
             "--born", "2999-01-01"),
            "error: performer P2: born '2999-01-01' (expected a date not after today ({today}))\n",
        ),
        (
            ("replica", "add", "--id", "D9", "--performer", "P1", "--kind",
             "independently-created", "--media", "face", "--made-in", "F1"),
            "error: replica D9: made_in 'F1' (expected no made_in for an independently-created"
            " replica (made without the performer, in no production); use kind employment-based"
            " if it was made in one)\n",
        ),
        (
            ("replica", "add", "--id", "D9", "--performer", "P1", "--kind", "employment-based",
             "--media", "face"),
            "error: replica D9: made_in missing (expected the production an employment-based"
            " replica was made in)\n",
        ),
        (
            ("consent", "add", "--id", "C8", "--replica", "D1", "--given-by", "P1",
             "--signed-on", "2024-02-28", "--separately-signed", "--production", "F99",
             "--use", "as-scripted", "--description", "x", "--valid-until", "2025-01-01"),
            "error: stored nothing: consent C8: productions 'F99' (expected the id of a"
            " registered production)\n",
        ),
        (
            ("consent", "add", "--id", "C8", "--replica", "D1", "--given-by", "X9",
             "--signed-on", "2024-02-28", "--separately-signed", "--production", "F1",
             "--use", "as-scripted", "--description", "x", "--valid-until", "2025-01-01"),
            "error: stored nothing: consent C8: given_by 'X9' (expected who may consent for"
            " P1: P1, union)\n",
        ),
    ],
)  # fmt: skip
def test_a_registration_that_contradicts_spec_2_is_refused_naming_the_field(ready, args, message):
    before = _state(ready)
    refused = ready(*args)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert (refused.returncode, refused.stdout, refused.stderr) == (
        2,
        "",
        message.format(today=today),
    )
    assert _state(ready) == before
