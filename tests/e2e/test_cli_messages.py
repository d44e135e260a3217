"""Error messages as a user meets them: each says once what is wrong and what to write."""

from pathlib import Path

import pytest

from tests.e2e.worlds import world_only

SHARED = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
BACKGROUND = SHARED / "01-background-scan.yaml"

ASK = [
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
    "as-scripted",
    "--date",
    "2024-08-01",
]


@pytest.fixture
def ready(cli, tmp_path):
    assert cli("init").returncode == 0
    assert cli("import", str(world_only(BACKGROUND, tmp_path))).returncode == 0
    return cli


@pytest.mark.parametrize("days", ["0", "-3"])
def test_days_below_one_says_a_whole_number_of_days_at_least_1(ready, days):
    out = ready(*ASK, "--days", days)
    assert out.returncode == 2
    assert out.stderr == (
        f"error: request Q1: days {days} (expected a whole number of days from 1 to 3,650)\n"
    )


def test_days_below_one_in_a_request_file_says_the_same(ready, tmp_path):
    request = tmp_path / "q.yaml"
    request.write_text(
        "{id: Q9, kind: use, producer: S1, production: F1, replica: D1, use: stunt,"
        " date: 2024-08-01, days: 0}\n",
        encoding="utf-8",
    )
    out = ready("decide", "--request", str(request))
    assert out.returncode == 2
    assert out.stderr == (
        f"error: {request}: request: days 0 (expected a whole number of days from 1 to 3,650)\n"
    )


def test_a_consent_message_names_the_consent_once(ready):
    out = ready(
        "consent",
        "add",
        "--id",
        "CZ4",
        "--replica",
        "D1",
        "--given-by",
        "P1",
        "--signed-on",
        "2025-01-01",
        "--production",
        "F1",
        "--use",
        "dubbing",
        "--valid-from",
        "2025-02-01",
        "--valid-until",
        "2025-01-01",
        "--description",
        "Dubbing of the stadium scene into Spanish for the release",
    )
    assert out.returncode == 2
    assert out.stderr == (
        "error: stored nothing: consent CZ4: valid_until 2025-01-01 is before valid_from"
        " 2025-02-01\n"
    )
