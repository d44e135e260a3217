"""Every scenario file (the public ones in ../shared/scenarios and ours in tests/scenarios) runs
through the CLI with every expect holding; misses and malformed files exit as SPEC §9 says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from likeness.cli.main import main

OURS = Path(__file__).resolve().parents[1] / "scenarios"
PUBLIC = Path(__file__).resolve().parents[3] / "shared" / "scenarios"


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["scenario", "run", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_public_scenarios_are_there(shared_scenarios):
    assert len(_files(shared_scenarios)) >= 7


@pytest.mark.parametrize("path", _files(PUBLIC), ids=lambda p: p.name)
def test_every_expect_of_a_public_scenario_holds(path, capsys):
    code, out, err = _run(capsys, str(path), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert set(report) == {"scenario", "consents", "decisions"}
    for decision in report["decisions"]:
        assert set(decision) == {"request", "decision", "reasons", "consent", "obligations"}
        for obligation in decision["obligations"]:
            assert set(obligation) == {"kind", "amount", "currency", "basis"}


@pytest.mark.parametrize("path", _files(OURS), ids=lambda p: p.name)
def test_every_expect_of_our_scenarios_holds(path, capsys):
    code, _out, err = _run(capsys, str(path), "--json")
    assert code == 0, err


def test_amounts_are_strings_with_two_decimals(capsys):
    code, out, _ = _run(capsys, str(PUBLIC / "01-background-scan.yaml"), "--json")
    assert code == 0
    decisions = json.loads(out)["decisions"]
    pay = next(o for o in decisions[0]["obligations"] if o["kind"] == "pay")
    assert pay == {**pay, "amount": "432.00", "currency": "USD"}
    assert json.loads(out)["consents"] == [{"id": "C1", "valid": True, "problems": []}]


def test_a_missed_expect_exits_1_and_lists_each_miss(tmp_path, capsys):
    text = (PUBLIC / "01-background-scan.yaml").read_text(encoding="utf-8")
    text = text.replace('amount: "432.00"', 'amount: "431.00"').replace(
        "reasons: [consent-expired]", "reasons: [consent-revoked]"
    )
    path = tmp_path / "wrong.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, _err = _run(capsys, str(path))
    assert code == 1
    assert "2 expect(s) missed" in out
    assert "request Q1: pay 432.00 (expected 431.00)" in out
    assert "request Q3: reasons ['consent-expired'] lack ['consent-revoked']" in out


def test_a_malformed_file_names_the_key_path_and_exits_2(tmp_path, capsys):
    text = (PUBLIC / "01-background-scan.yaml").read_text(encoding="utf-8")
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace("date: 2025-03-01", "date: 2025-13-01"), encoding="utf-8")
    code, _out, err = _run(capsys, str(path))
    assert code == 2
    assert "requests[1] (Q2): date '2025-13-01' (expected a date as YYYY-MM-DD)" in err


def test_a_missing_file_exits_2(tmp_path, capsys):
    code, _out, err = _run(capsys, str(tmp_path / "nope.yaml"))
    assert code == 2 and "no such file" in err
