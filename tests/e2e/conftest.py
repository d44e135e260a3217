"""Helpers for end-to-end tests: run the ``likeness`` command in a fresh data directory.

:func:`run_cli` runs the command in this process: the ``main`` the console script calls, with
its own environment, standard input and output, so a test pays milliseconds instead of the
seconds a new Python process takes to import the project. :func:`run_cli_process` runs the real
console script in a subprocess; the tests that are about the process itself (the installed
script, signals, a server) use it, and a test checks that both answer alike.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy

from likeness.cli import _output
from likeness.cli.main import main
from likeness.storage import database

LIKENESS = str(Path(sys.executable).with_name("likeness"))


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """``os.environ`` without any LIKENESS_ variable but ``values``, restored afterwards."""
    saved = dict(os.environ)
    try:
        for key in [k for k in os.environ if k.startswith("LIKENESS_")]:
            del os.environ[key]
        os.environ.update(values)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextlib.contextmanager
def _engines_disposed() -> Iterator[None]:
    """Dispose every database engine the command made (a process would have exited)."""
    made: list[sqlalchemy.Engine] = []
    original = database.create_engine

    def tracked(*args: Any, **kwargs: Any) -> sqlalchemy.Engine:
        engine = original(*args, **kwargs)
        made.append(engine)
        return engine

    database.create_engine = tracked  # type: ignore[assignment]
    try:
        yield
    finally:
        database.create_engine = original
        for engine in made:
            engine.dispose()


@contextlib.contextmanager
def _console_width(columns: str | None) -> Iterator[None]:
    """The width the command's rich consoles print at: ``COLUMNS`` of the command's environment
    (a new process reads it when its consoles are made; these were made at import)."""
    consoles = [_output.console, _output.err_console]
    saved = [c.width for c in consoles]
    try:
        for c in consoles:
            c.width = int(columns) if columns else 80
        yield
    finally:
        for c, width in zip(consoles, saved, strict=True):
            c.width = width


def run_cli(
    home: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: int = 120,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``likeness ARGS`` in this process with LIKENESS_HOME=home and ``input`` on standard
    input; its exit status and output, as :func:`run_cli_process` gives them."""
    out, err = io.StringIO(), io.StringIO()
    stdin = sys.stdin
    try:
        sys.stdin = io.StringIO(input or "")
        with (
            _environment({"LIKENESS_HOME": str(home), **(env or {})}),
            _console_width((env or {}).get("COLUMNS")),
            _engines_disposed(),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            code = main(list(args))
    finally:
        sys.stdin = stdin
    return subprocess.CompletedProcess([LIKENESS, *args], code, out.getvalue(), err.getvalue())


def run_cli_process(
    home: Path,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: int = 120,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the ``likeness`` script in a subprocess with LIKENESS_HOME=home and ``input`` on
    standard input; never raises on a non-zero exit."""
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
