"""``likeness consent-request`` and ``likeness notices list`` as people run them: a producer asks
from options or a file, the performer reads the request and its notice and grants it, a decision
cites the consent made, and a blanket request is refused with its codes, storing nothing."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.e2e.conftest import run_cli

TODAY = dt.datetime.now(dt.UTC).date()


def later(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo installation, made once by the real commands (``init``, ``demo``)."""
    home = tmp_path_factory.mktemp("demo") / "home"
    assert run_cli(home, "init").returncode == 0
    loaded = run_cli(home, "demo")
    assert loaded.returncode == 0, loaded.stderr
    return home


@pytest.fixture
def demo(demo_home: Path, tmp_path: Path):
    """``demo("consent-request", "list")`` runs against a copy of the demo installation."""
    home = tmp_path / "home"
    shutil.copytree(demo_home, home)

    def _run(*args: str):
        return run_cli(home, *args)

    return _run


ASK = [
    "--replica", "D1", "--production", "F2", "--use", "crowd-multiplication",
    "--description", "Crowd duplication in the harbour festival scenes as a spectator on the pier",
    "--valid-from", later(20), "--valid-until", later(400), "--amount", "260.00",
]  # fmt: skip


def test_a_producer_asks_the_performer_grants_and_the_decision_cites_it(demo):
    created = demo(
        "--as",
        "producer:S1",
        "consent-request",
        "create",
        "--id",
        "R1",
        *ASK,
        "--respond-by",
        later(7),
    )
    assert created.returncode == 0, created.stderr
    assert created.stdout == f"created consent request R1 for P1: pending until {later(7)}\n"
    waiting = json.loads(
        demo(
            "--as", "performer:P1", "consent-request", "list", "--state", "pending", "--json"
        ).stdout
    )
    assert [r["id"] for r in waiting] == ["CR-DANA-SEQUEL", "R1"]
    shown = demo("--as", "performer:P1", "consent-request", "show", "R1")
    assert "260.00 USD per day" in shown.stdout and "pending" in shown.stdout
    told = json.loads(demo("--as", "performer:P1", "notices", "list", "--json").stdout)
    assert told["items"][0]["kind"] == "consent-requested"
    assert told["items"][0]["data"]["request"] == "R1"

    # another performer does not see it (the API tests try every role)
    hidden = demo("--as", "performer:P2", "consent-request", "grant", "R1")
    assert hidden.returncode == 2
    assert "consent request 'R1' does not exist" in hidden.stderr
    granted = demo("--as", "performer:P1", "consent-request", "grant", "R1")
    assert granted.returncode == 0, granted.stderr
    assert granted.stdout == (
        f"granted consent request R1: consent C-R1 given by P1 on {TODAY.isoformat()}\n"
    )
    again = demo("--as", "performer:P1", "consent-request", "grant", "R1")
    assert again.returncode == 2
    assert "consent request R1 is granted; only a pending request can be granted" in again.stderr

    decided = demo(
        "--as", "producer:S1", "decide", "--kind", "use", "--producer", "S1", "--production",
        "F2", "--replica", "D1", "--use", "crowd-multiplication", "--date", later(30),
    )  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    decision = json.loads(decided.stdout)
    assert (decision["decision"], decision["consent"]) == ("allow", "C-R1")


def test_a_request_from_a_file_and_the_operator_answering_for_the_estate(demo, tmp_path):
    request = tmp_path / "trailer.yaml"
    request.write_text(
        yaml.safe_dump(
            {
                "id": "R3",
                "producer": "S2",
                "replica": "D3",
                "productions": ["F4"],
                "uses": ["promotion"],
                "description": "The lighthouse keeper's flashback shot in the second trailer",
                "valid_until": later(300),
                "compensation": {"amount": "2000.00", "per": "use"},
            }
        )
    )
    # options override the file's fields (here: the answer date)
    created = demo("consent-request", "create", str(request), "--respond-by", later(3))
    assert created.returncode == 0, created.stderr
    assert f"pending until {later(3)}" in created.stdout
    no_party = demo("consent-request", "grant", "R3")
    assert no_party.returncode == 2 and "say who answers (--by" in no_party.stderr
    agent = demo("consent-request", "grant", "R3", "--by", "A3")
    assert agent.returncode == 2 and "A3 may not consent for performer P3" in agent.stderr
    refused = demo("consent-request", "refuse", "R3", "--by", "E3", "--reason", "Not in ads")
    assert refused.returncode == 0, refused.stderr
    shown = json.loads(demo("consent-request", "show", "R3", "--json").stdout)
    assert (shown["state"], shown["answered_by"], shown["reason"]) == (
        "refused",
        "E3",
        "Not in ads",
    )


def test_a_blanket_request_is_refused_with_its_codes_and_nothing_is_stored(demo):
    refused = demo(
        "--as", "producer:S1", "consent-request", "create", "--replica", "D1",
        "--production", "F2", "--use", "crowd-multiplication",
        "--description", "The studio may use the scan on any project throughout the universe",
    )  # fmt: skip
    assert refused.returncode == 2
    assert "would make an invalid consent" in refused.stderr
    assert "  - blanket-scope\n" in refused.stderr and "  - perpetual-term\n" in refused.stderr
    listed = json.loads(demo("consent-request", "list", "--json").stdout)
    assert [r["id"] for r in listed] == ["CR-DANA-SEQUEL", "CR-RUTH-TRAILER", "CR-LEO-TRAILER"]
    preview = demo(
        "--as", "producer:S1", "consent-request", "preview", *ASK, "--json",
    )  # fmt: skip
    assert preview.returncode == 0, preview.stderr
    assert json.loads(preview.stdout) == {
        "valid": True,
        "problems": [],
        "answerers": ["performer:P1"],
    }
