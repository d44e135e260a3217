"""How the installation reaches a witness: over HTTP (c2sp.org/tlog-witness) or by running
a command that reads the ``add-checkpoint`` request on its standard input.

A command answers like the HTTP interface: cosignature lines on standard output and exit 0;
exit 3 with the witness's cosigned size on standard output for a 409 conflict; any other exit
with its reason on standard error (``likeness ledger witness add-checkpoint DIR`` does this).
"""

from __future__ import annotations

import shlex
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from likeness.errors import InvalidInputError, WitnessRefusedError

__all__ = ["CONFLICT_EXIT", "WitnessTransport", "transport_for"]

#: the exit status of a witness command for a 409 conflict
CONFLICT_EXIT = 3
_TIMEOUT_SECONDS = 30
_MAX_ANSWER = 64 << 10


class WitnessTransport(Protocol):
    """Sends an ``add-checkpoint`` request; returns the cosignature lines."""

    def add_checkpoint(self, body: bytes) -> str: ...  # pragma: no cover - protocol


def _conflict(answer: str, where: str, reason: str = "") -> WitnessRefusedError:
    text = answer.strip()
    said = f": {reason}" if reason else ""
    if not text.isdigit() or len(text) > 19:
        return WitnessRefusedError(f"{where} answered 409 without a tree size{said}", 409)
    return WitnessRefusedError(f"{where} has cosigned size {text}{said}", 409, int(text))


@dataclass(frozen=True)
class HttpWitness:
    """A witness at ``url`` (its submission prefix)."""

    url: str

    def add_checkpoint(self, body: bytes) -> str:
        """POST the request to ``<url>/add-checkpoint``."""
        request = urllib.request.Request(
            self.url.rstrip("/") + "/add-checkpoint", data=body, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
                return str(response.read(_MAX_ANSWER).decode("utf-8"))
        except urllib.error.HTTPError as exc:
            answer = exc.read(_MAX_ANSWER).decode("utf-8", "replace")
            if exc.code == 409:
                raise _conflict(answer, f"witness {self.url}") from None
            reason = answer.strip().splitlines()[0][:300] if answer.strip() else exc.reason
            raise WitnessRefusedError(
                f"witness {self.url} refused ({exc.code}): {reason}", exc.code
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            raise WitnessRefusedError(f"witness {self.url} cannot be reached: {exc}", 502) from None


@dataclass(frozen=True)
class CommandWitness:
    """A witness run as a command (its words, split as a shell would)."""

    argv: tuple[str, ...]

    def add_checkpoint(self, body: bytes) -> str:
        """Run the command with the request on standard input."""
        where = f"witness command {shlex.join(self.argv)}"
        try:
            done = subprocess.run(
                self.argv, input=body, capture_output=True, timeout=_TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise WitnessRefusedError(f"{where} could not run: {exc}", 502) from None
        answer = done.stdout.decode("utf-8", "replace")
        if done.returncode == 0:
            return answer
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if done.returncode == CONFLICT_EXIT:
            said = reason[-1].removeprefix("error: ")[:300] if reason else ""
            raise _conflict(answer, where, said)
        raise WitnessRefusedError(
            f"{where} refused (exit {done.returncode}): {reason[-1][:300] if reason else ''}",
            400,
        )


def transport_for(witness: str) -> WitnessTransport:
    """An ``http(s)://`` URL, or a command line."""
    if witness.startswith(("http://", "https://")):
        return HttpWitness(witness)
    argv = tuple(shlex.split(witness))
    if not argv:
        raise InvalidInputError("--witness is empty (expected a URL or a command)")
    return CommandWitness(argv)
