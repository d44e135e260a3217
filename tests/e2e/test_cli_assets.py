"""``likeness replica add-asset`` reads regular files only: never through a symbolic link (which
could point at any file the command may read), a directory, a device or a FIFO."""

import hashlib
import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "scenarios"
BACKGROUND = SHARED / "01-background-scan.yaml"
EXPECTED = "expected a regular file, not a symbolic link, directory, device or FIFO"


@pytest.fixture
def ready(cli):
    assert cli("init").returncode == 0
    assert cli("import", str(BACKGROUND)).returncode == 0
    return cli


def test_a_regular_file_is_digested_and_recorded(ready, tmp_path):
    scan = tmp_path / "scan.bin"
    scan.write_bytes(b"scan data")
    out = ready("replica", "add-asset", "D1", str(scan))
    assert out.returncode == 0, out.stderr
    digest = hashlib.sha256(b"scan data").hexdigest()
    assert out.stdout == f"replica D1: {scan.resolve()} 9 bytes sha256 {digest}\n"


def test_a_symbolic_link_is_refused_even_to_a_readable_file(ready, tmp_path):
    link = tmp_path / "passwd"
    link.symlink_to("/etc/passwd")
    out = ready("replica", "add-asset", "D1", str(link))
    assert out.returncode == 2
    assert out.stderr == f"error: asset file {link}: is a symbolic link ({EXPECTED})\n"
    assert "/etc/passwd" not in ready("replica", "show", "D1", "--json").stdout


def test_a_directory_is_refused(ready, tmp_path):
    out = ready("replica", "add-asset", "D1", str(tmp_path))
    assert out.returncode == 2
    assert out.stderr == f"error: asset file {tmp_path}: is a directory ({EXPECTED})\n"


def test_a_fifo_is_refused_without_waiting_for_a_writer(ready, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    out = ready("replica", "add-asset", "D1", str(fifo))
    assert out.returncode == 2
    assert out.stderr == f"error: asset file {fifo}: is a FIFO ({EXPECTED})\n"


def test_a_device_is_refused(ready):
    out = ready("replica", "add-asset", "D1", "/dev/null")
    assert out.returncode == 2
    assert out.stderr == f"error: asset file /dev/null: is a device ({EXPECTED})\n"


def test_replica_add_refuses_a_symbolic_link_asset(ready, tmp_path):
    link = tmp_path / "scan.bin"
    link.symlink_to("/etc/hostname")
    out = ready(
        "replica", "add", "--id", "D9", "--performer", "P1", "--kind",
        "independently-created", "--media", "face", "--asset", str(link),
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stderr == f"error: asset file {link}: is a symbolic link ({EXPECTED})\n"


def test_the_help_says_only_regular_files_are_read(ready):
    out = ready("replica", "add-asset", "--help", env={"COLUMNS": "200"})
    assert "FILE must be a regular file: a symbolic link, directory, device or FIFO is" in (
        out.stdout
    )
