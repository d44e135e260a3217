"""Digesting a 2 GB scan streams it: peak memory stays under 100 MB (a sparse file, real read)."""

import hashlib
import json
import subprocess
import sys

import pytest

TWO_GB = 2 * 1024**3

# VmHWM is this process's own peak resident memory; ru_maxrss would carry over the parent's
# (pytest's) peak across fork and exec on Linux.
SCRIPT = """
import json, sys
from pathlib import Path
from likeness.services.assets import digest_file
asset = digest_file(Path(sys.argv[1]))
status = Path("/proc/self/status").read_text()
peak_kb = int(next(l for l in status.splitlines() if l.startswith("VmHWM:")).split()[1])
print(json.dumps({"size": asset.size, "sha256": asset.sha256, "peak_mb": peak_kb / 1024}))
"""


@pytest.mark.slow
def test_a_two_gigabyte_file_is_digested_in_under_100_mb(tmp_path):
    scan = tmp_path / "scan.bin"
    with scan.open("wb") as handle:
        handle.write(b"head")
        handle.truncate(TWO_GB)  # sparse: takes no disk, reads back as zeros
        handle.seek(TWO_GB - 4)
        handle.write(b"tail")
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(scan)], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    assert result["size"] == TWO_GB
    assert result["peak_mb"] < 100, result
    expected = hashlib.sha256()
    with scan.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            expected.update(chunk)
    assert result["sha256"] == expected.hexdigest()
