"""``likeness consent``, ``likeness decide`` and ``likeness scenario run`` as a user runs them."""

import json
from pathlib import Path

import pytest
import yaml

from tests.e2e.worlds import world_only

SHARED = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
PROPOSAL = SHARED / "02-studio-proposal-2023.yaml"
BACKGROUND = SHARED / "01-background-scan.yaml"


@pytest.fixture
def ready(cli):
    assert cli("init").returncode == 0
    return cli


def test_an_invalid_consent_is_refused_then_kept_for_the_record(ready, tmp_path):
    assert ready("import", str(world_only(PROPOSAL, tmp_path))).returncode == 0
    refused = ready("consent", "add", str(PROPOSAL))
    assert refused.returncode == 2
    assert refused.stderr == (
        "error: stored nothing: consent C2 is invalid (expected a consent that passes SPEC §5; use"
        " --store-invalid to keep it for the record); its problems:\n"
        "  - not-separately-signed\n"
        "  - blanket-scope\n"
        "  - perpetual-term\n"
        "  - no-compensation\n"
    )
    kept = ready("consent", "add", str(PROPOSAL), "--store-invalid")
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout == (
        "recorded consent C2 (invalid, kept for the record: not-separately-signed,"
        " blanket-scope, perpetual-term, no-compensation)\n"
        f"stored 1 consent from {PROPOSAL}\n"
    )
    listed = json.loads(ready("consent", "list", "--performer", "P2", "--json").stdout)
    assert [(c["id"], c["valid"]) for c in listed] == [("C2", False)]


def test_decide_uses_the_database_and_revocation_changes_it(ready, tmp_path):
    assert ready("import", str(world_only(BACKGROUND, tmp_path))).returncode == 0
    added = ready(
        "consent",
        "add",
        "--id",
        "C1",
        "--replica",
        "D1",
        "--given-by",
        "P1",
        "--signed-on",
        "2024-02-28",
        "--separately-signed",
        "--production",
        "F1",
        "--use",
        "crowd-multiplication",
        "--description",
        "Crowd duplication of the stadium sequence, scenes 40 to 44, as a spectator",
        "--valid-from",
        "2024-03-01",
        "--valid-until",
        "2025-12-31",
        "--amount",
        "216.00",
    )
    assert added.returncode == 0, added.stderr
    ask = [
        "decide",
        "--kind",
        "use",
        "--producer",
        "S1",
        "--production",
        "F1",
        "--replica",
        "D1",
        "--use",
        "crowd-multiplication",
        "--date",
        "2024-08-01",
        "--days",
        "2",
    ]
    decision = json.loads(ready(*ask).stdout)
    assert (decision["decision"], decision["reasons"], decision["consent"]) == (
        "allow",
        ["covered-by-consent"],
        "C1",
    )
    nothing = {"amount": None, "currency": None, "basis": None}
    assert decision["obligations"] == [
        {"kind": "record-use", **nothing},
        {
            "kind": "pay",
            "amount": "432.00",
            "currency": "USD",
            "basis": "bargained: 216.00 per day x 2"
            " (floor 432.00: 2 x max(daily rate 216.00, day minimum 216.00))",
        },
        {
            "kind": "pension-health",
            "amount": "90.72",
            "currency": "USD",
            "basis": "21% of pay 432.00",
        },
        {"kind": "residuals-as-if-performed", **nothing},
    ]
    assert ready("consent", "revoke", "C1", "--on", "2024-08-01").returncode == 0
    decision = json.loads(ready(*ask).stdout)
    assert decision["reasons"] == ["consent-revoked"]


def test_decide_reads_a_request_file(ready, tmp_path):
    assert ready("import", str(world_only(BACKGROUND, tmp_path))).returncode == 0
    request = tmp_path / "q.yaml"
    request.write_text(
        "{id: Q9, kind: use, producer: S1, production: F1, replica: D1, use: stunt,"
        " date: 2024-08-01}\n",
        encoding="utf-8",
    )
    out = ready("decide", "--request", str(request), "--explain")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["reasons"] == ["no-consent"]
    # the line of the consent check is left out: it says "ok" for want of a consent
    # (see test_engine's test_the_explanation_of_a_deny_for_no_consent_says_so)
    assert out.stderr.splitlines()[:5] == [
        "request Q9 under sag-aftra-tv-theatrical-2023:",
        "  producer-not-authorized: ok",
        "  ids-known: ok",
        "  background-count-substitution: ok",
        "  scan-notice-late: ok",
    ]


def test_scenario_run_prints_the_spec_json(cli):
    out = cli("scenario", "run", str(BACKGROUND), "--json")
    assert out.returncode == 0, out.stderr
    name = yaml.safe_load(BACKGROUND.read_text(encoding="utf-8"))["name"]
    assert json.loads(out.stdout)["scenario"] == name


def test_a_performer_suspends_a_video_game_consent_during_a_strike(ready, tmp_path):
    game = tmp_path / "game.yaml"
    world = (SHARED / "08-video-game-strike.yaml").read_text()
    # the same world, with the consent not yet suspended and the strike declared by the demo
    game.write_text(world.replace("    suspended_on: 2026-03-10\n", ""))
    assert ready("import", str(world_only(game, tmp_path))).returncode == 0
    assert ready("consent", "add", str(game)).returncode == 0
    ask = ["decide", "--kind", "use", "--producer", "S9", "--production", "G9", "--replica", "V9"]
    ask += ["--use", "new-performance", "--date", "2026-04-01"]
    assert json.loads(ready(*ask).stdout)["decision"] == "allow"  # no strike stored yet
    refused = ready("consent", "suspend", "C9", "--on", "2026-03-10", "--by", "S9")
    assert refused.returncode == 2
    assert "S9 may not suspend consent C9 on 2026-03-10" in refused.stderr
    done = ready("consent", "suspend", "C9", "--on", "2026-03-10", "--by", "P9")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("suspended consent C9 from 2026-03-10 (by P9)")
    listed = json.loads(ready("consent", "list", "--json").stdout)
    assert [(c["id"], c["suspended_on"]) for c in listed] == [("C9", "2026-03-10")]
    twice = ready("consent", "suspend", "C9", "--on", "2026-04-01", "--by", "P9")
    assert (twice.returncode, "already suspended on 2026-03-10" in twice.stderr) == (2, True)


def test_as_a_principal_the_cli_shows_and_does_only_what_spec_10_allows(ready):
    assert ready("demo").returncode == 0
    own = json.loads(ready("--as", "performer:P7", "consent", "list", "--json").stdout)
    assert [c["id"] for c in own] == ["C7"]
    theirs = ready("--as", "performer:P7", "consent", "list", "--performer", "P1", "--json")
    assert (theirs.returncode, theirs.stderr) == (2, "error: performer 'P1' does not exist\n")
    studio = json.loads(ready("--as", "producer:S4", "consent", "list", "--json").stdout)
    assert [c["id"] for c in studio] == ["C7"]
    forbidden = ready("--as", "producer:S4", "consent", "revoke", "C7", "--on", "2026-10-01")
    assert forbidden.returncode == 2
    assert forbidden.stderr.startswith("error: producer:S4 may not revoke-consent consent C7")
    revoked = ready("--as", "performer:P7", "consent", "revoke", "C7", "--on", "2026-10-01")
    assert revoked.returncode == 0, revoked.stderr
    entries = ready("--as", "union", "ledger", "head", "--json")
    assert entries.returncode == 0, entries.stderr
    hidden = ready("--as", "performer:P7", "ledger", "head")
    assert (hidden.returncode, hidden.stderr) == (2, "error: no ledger is visible to you\n")
    bad = ready("--as", "studio:S4", "consent", "list")
    assert bad.returncode == 2
    assert "--as: 'studio:S4' names no role" in bad.stderr
