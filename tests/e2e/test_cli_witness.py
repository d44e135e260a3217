"""A witness run by another party, as users run it: `likeness ledger witness` over HTTP and
as a command, `ledger cosign`, `ledger verify --witness-key --require`, and a fork refused."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import LIKENESS, run_cli
from tests.live_server import free_port


@pytest.fixture
def ready(cli):
    assert cli("init").returncode == 0
    assert cli("demo").returncode == 0
    return cli


def witness(tmp_path: Path, log_vkey: str) -> tuple[Path, str]:
    directory = tmp_path / "union-witness"
    made = run_cli(
        tmp_path, "ledger", "witness", "init", str(directory), "--name", "union.example/w"
    )
    assert made.returncode == 0, made.stderr
    vkey = made.stdout.splitlines()[-1]
    follows = run_cli(tmp_path, "ledger", "witness", "follow", str(directory), log_vkey)
    assert follows.stdout == "witness follows localhost/likeness\n"
    return directory, vkey


def log_vkey(cli) -> str:
    return cli("ledger", "public-key", "--vkey").stdout.strip()


def command(directory: Path) -> str:
    return shlex.join([LIKENESS, "ledger", "witness", "add-checkpoint", str(directory)])


def test_cosignatures_by_command_are_stored_served_and_required(ready, tmp_path):
    directory, wkey = witness(tmp_path, log_vkey(ready))
    missing = ready("ledger", "verify", "--witness-key", wkey, "--require", "1")
    assert missing.returncode == 1
    assert "cosigned by 0 of the witnesses given (none), 1 required" in missing.stderr
    done = ready("ledger", "cosign", "--witness", command(directory), "--witness-key", wkey)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("witness union.example/w cosigned the checkpoint at size ")
    assert lines[-1].startswith("\u2014 union.example/w ")
    ok = ready("ledger", "verify", "--witness-key", wkey, "--require", "1")
    assert ok.returncode == 0, ok.stderr
    assert "newest checkpoint cosigned by union.example/w\n" in ok.stdout
    keys_file = tmp_path / "witnesses.txt"
    keys_file.write_text(f"# the union's witness\n{wkey}\n")
    listed = ready("ledger", "verify", "--witnesses", str(keys_file), "--require", "1")
    assert listed.returncode == 0, listed.stderr
    too_many = ready("ledger", "verify", "--witness-key", wkey, "--require", "2")
    assert too_many.returncode == 1
    assert "2 cosignatures required but 1 witness key(s) given" in too_many.stderr
    # the log grows; the next cosignature comes with a consistency proof from the last one
    assert ready("strike", "declare", "--against", "all", "--from", "2027-01-01").returncode == 0
    again = ready("ledger", "cosign", "--witness", command(directory), "--witness-key", wkey)
    assert again.returncode == 0, again.stderr
    assert "(from size " in again.stdout.splitlines()[0]
    state = json.loads(run_cli(tmp_path, "ledger", "witness", "show", str(directory)).stdout)
    head = json.loads(ready("ledger", "head", "--json").stdout)
    assert state["logs"]["localhost/likeness"]["size"] == head["size"]
    assert head["note"].endswith(lines[-1] + "\n") is False  # a new cosignature for the new size
    assert "\u2014 union.example/w " in head["note"]
    export = tmp_path / "export"
    assert ready("ledger", "export", str(export)).returncode == 0
    offline = run_cli(
        tmp_path / "nobody",
        "ledger", "verify", str(export), "--key", log_vkey(ready),
        "--witness-key", wkey, "--require", "1",
    )  # fmt: skip
    assert offline.returncode == 0, offline.stderr


def test_a_wrong_witness_key_stores_nothing(ready, tmp_path):
    directory, _ = witness(tmp_path, log_vkey(ready))
    other = run_cli(
        tmp_path, "ledger", "witness", "init", str(tmp_path / "w2"), "--name", "union.example/w"
    )
    wrong = other.stdout.splitlines()[-1]
    out = ready("ledger", "cosign", "--witness", command(directory), "--witness-key", wrong)
    assert out.returncode == 1
    assert "is not signed by a trusted key" in out.stderr
    assert "union.example/w" not in json.loads(ready("ledger", "head", "--json").stdout)["note"]


def test_a_forked_installation_is_refused_by_the_witness(ready, tmp_path):
    directory, wkey = witness(tmp_path, log_vkey(ready))
    assert (
        ready("ledger", "cosign", "--witness", command(directory), "--witness-key", wkey).returncode
        == 0
    )
    # a copy of the installation (key, signer state, database) that then writes another history
    fork_home = tmp_path / "fork"
    shutil.copytree(ready.home, fork_home)
    fork = lambda *a: run_cli(fork_home, *a)  # noqa: E731
    assert ready("strike", "declare", "--against", "all", "--from", "2027-01-01").returncode == 0
    assert fork("strike", "declare", "--against", "all", "--from", "2030-06-01").returncode == 0
    assert (
        ready("ledger", "cosign", "--witness", command(directory), "--witness-key", wkey).returncode
        == 0
    )
    refused = fork("ledger", "cosign", "--witness", command(directory), "--witness-key", wkey)
    assert refused.returncode == 1
    size = json.loads(ready("ledger", "head", "--json").stdout)["size"]
    assert f"refusing a fork: the log's tree at size {size} now has root" in refused.stderr


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("the witness did not listen")


def test_cosignatures_over_http_speak_tlog_witness(ready, tmp_path):
    directory, wkey = witness(tmp_path, log_vkey(ready))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIKENESS_")}
    proc = subprocess.Popen(
        [LIKENESS, "ledger", "witness", "serve", str(directory), "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_port(port, proc)
        url = f"http://127.0.0.1:{port}"
        done = ready("ledger", "cosign", "--witness", url, "--witness-key", wkey)
        assert done.returncode == 0, done.stderr
        # the protocol's answers, asked by hand: a stale old size is 409 with the size known
        import httpx2 as httpx

        note = json.loads(ready("ledger", "head", "--json").stdout)["note"]
        stale = httpx.post(f"{url}/add-checkpoint", content=b"old 0\n\n" + note.encode())
        size = json.loads(ready("ledger", "head", "--json").stdout)["size"]
        assert (stale.status_code, stale.text) == (409, f"{size}\n")
        assert stale.headers["content-type"].startswith("text/x.tlog.size")
        bad = httpx.post(f"{url}/add-checkpoint", content=b"nonsense")
        assert bad.status_code == 400 and "request is malformed" in bad.text
        unknown = httpx.post(
            f"{url}/add-checkpoint",
            content=b"old 0\n\n" + note.replace("localhost/likeness", "elsewhere/x").encode(),
        )
        assert unknown.status_code == 404
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
