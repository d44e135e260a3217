"""``likeness detect``, ``enrol``, ``finding`` and ``use credential|output`` from the command
line (SPEC §13), on the demo installation with real photographs and the real models."""

from __future__ import annotations

import json

import pytest

from tests.face_samples import augment, portraits, save


@pytest.fixture(scope="module")
def people() -> dict:
    return portraits()


@pytest.fixture
def ready(cli, people, tmp_path):
    init = cli("init")
    assert init.returncode == 0, init.stderr
    assert "C2PA signing certificate:" in init.stdout and "(made;" in init.stdout
    assert cli("demo").returncode == 0
    face = save(people["collins"], tmp_path / "assets" / "dana.png")
    assert cli("replica", "add-asset", "D1", str(face)).returncode == 0
    return cli


def test_init_keeps_the_c2pa_identity_it_made(ready):
    again = ready("init")
    assert "(kept;" in again.stdout
    home = ready.home / "c2pa"
    assert sorted(p.name for p in home.iterdir()) == [
        "ca.key",
        "ca.pem",
        "signer.key",
        "signer.pem",
    ]
    assert (home / "signer.key").stat().st_mode & 0o777 == 0o600


def test_detect_reports_each_match_and_unreadable_file_and_exits_1_on_a_finding(
    ready, people, tmp_path
):
    scan = tmp_path / "scan"
    save(augment(people["collins"], "crop"), scan / "a-dana.jpg")
    save(people["hopper"], scan / "b-stranger.png")
    (scan / "c-broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    out = ready("--as", "union", "detect", str(scan), "--source", "https://clips.example/42")
    assert out.returncode == 1, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "enrolled D1: 1 face(s), 0 voice(s)"
    assert lines[1] == "no reference assets yet: D2, D3, D4, V7 (nothing to find them by)"
    assert any(
        line.startswith(f"{scan / 'a-dana.jpg'} at 0:00.0: face of P1 (replica D1,")
        and line.endswith(
            "NOT COVERED: it carries no Likeness credential and its SHA-256 is"
            " not registered as the output of a recorded use"
        )
        for line in lines
    ), out.stdout
    assert any(line.startswith(f"{scan / 'c-broken.png'}: ") for line in lines)
    assert lines[-1] == "2 file(s) scanned, 1 unreadable; 1 match(es), 1 not covered"
    assert "Traceback" not in out.stdout + out.stderr
    listed = json.loads(ready("--as", "performer:P1", "finding", "list", "--json").stdout)
    assert [(f["performer"], f["replica"], f["medium"]) for f in listed["items"]] == [
        ("P1", "D1", "face")
    ]
    assert (
        json.loads(ready("--as", "performer:P2", "finding", "list", "--json").stdout)["total"] == 0
    )
    notices = json.loads(ready("--as", "performer:P1", "notices", "list", "--json").stdout)
    (finding,) = [n for n in notices["items"] if n["kind"] == "finding"]
    assert "https://clips.example/42" in finding["message"]
    again = ready("--as", "union", "detect", str(scan / "a-dana.jpg"))
    assert "  finding 1 already recorded (told when first found)" in again.stdout.splitlines()


def test_a_credentialed_output_is_covered_on_the_command_line(ready, people, tmp_path):
    source = save(people["collins"], tmp_path / "render.png")
    signed = tmp_path / "render-c2pa.png"
    out = ready("--as", "producer:S1", "use", "credential", "1", str(source), str(signed), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["how"] == "credential" and report["new"] is True
    scan = ready("--as", "union", "detect", str(signed), "--json")
    assert scan.returncode == 0, scan.stdout
    (match,) = json.loads(scan.stdout)["files"][0]["matches"]
    assert (match["performer"], match["covered"], match["covered_by"], match["use"]) == (
        "P1",
        True,
        "manifest",
        1,
    )
    # another producer may not sign Studio One's use: it does not see it
    other = ready(
        "--as", "producer:S2", "use", "credential", "1", str(source), str(tmp_path / "x.png")
    )
    assert other.returncode == 2
    assert other.stderr == "error: use 1 does not exist (expected the id of a recorded use)\n"
    assert not (tmp_path / "x.png").exists()


def test_only_the_union_and_the_operator_detect(ready, tmp_path):
    out = ready("--as", "producer:S1", "detect", str(tmp_path))
    assert out.returncode == 2
    assert out.stderr.startswith("error: producer:S1 may not scan media for likeness")


def test_a_missing_path_is_a_clear_error(ready, tmp_path):
    out = ready("--as", "union", "detect", str(tmp_path / "nowhere"))
    assert out.returncode == 2
    assert (
        out.stderr
        == f"error: {tmp_path / 'nowhere'}: no such file or folder (expected media to scan)\n"
    )
