"""A real ``likeness serve`` process on a free loopback port, for tests that need HTTP over a
socket (several worker processes, uvicorn's own logging) rather than the in-process client."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx

LIKENESS = str(Path(sys.executable).with_name("likeness"))


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class LiveServer:
    """A running server: its base URL and the file its output goes to."""

    url: str
    log: Path

    def output(self) -> str:
        """Everything the server printed so far (stdout and stderr, with uvicorn's logs)."""
        return self.log.read_text(encoding="utf-8", errors="replace")


@contextmanager
def live_server(
    home: Path, database_url: str, *, workers: int = 1, timeout: float = 60
) -> Iterator[LiveServer]:
    """Run ``likeness serve --workers N`` over ``database_url`` until the block ends."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIKENESS_")}
    env |= {"LIKENESS_HOME": str(home), "LIKENESS_DATABASE_URL": database_url}
    log = home / f"serve-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [LIKENESS, "serve", "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"likeness serve exited {proc.returncode}:\n{server.output()}")
            try:
                if httpx.get(f"{server.url}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"likeness serve did not answer in {timeout} s")
            time.sleep(0.2)
        yield server
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
