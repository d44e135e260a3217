"""Helpers for end-to-end tests: run the real ``likeness`` command in a fresh data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

LIKENESS = str(Path(sys.executable).with_name("likeness"))


def run_cli(
    home: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: int = 120,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``likeness ARGS`` with LIKENESS_HOME=home and ``input`` on standard input;
    never raises on a non-zero exit."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LIKENESS_")}
    full_env["LIKENESS_HOME"] = str(home)
    full_env.update(env or {})
    return subprocess.run(
        [LIKENESS, *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        input=input,
    )


@pytest.fixture
def cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``cli("performer", "list")`` runs the command against a data directory of this test."""
    home = tmp_path / "home"

    def _run(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
        return run_cli(home, *args, **kw)  # type: ignore[arg-type]

    _run.home = home  # type: ignore[attr-defined]
    return _run
