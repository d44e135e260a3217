"""Ledger audit benchmark (issue #12): ``likeness ledger audit`` over a world of about
``--entries`` ledger entries (100,000 by default), on SQLite or on the database named by
``LIKENESS_DATABASE_URL``.

Builds the world with ``likeness import`` of a generated file (30% performers, 30% replicas,
40% consents, one entry each), or audits the existing ``--home``; then runs the audit as a
user would (a subprocess) and reports its wall time and the peak resident memory of its
process. The audit must find no differences.

Last line (one line)::

    ledger-audit: entries=… seconds=… peak_mb=…
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIKENESS = str(Path(sys.executable).with_name("likeness"))
_CONSENT = {
    "given_by": None,
    "signed_on": "2024-02-28",
    "separately_signed": True,
    "uses": ["crowd-multiplication"],
    "description": "Crowd duplication of the stadium sequence, scenes 40 to 44, as a spectator",
    "valid_from": "2024-03-01",
    "valid_until": "2025-12-31",
    "compensation": {"amount": "216.00", "per": "day"},
}


def write_world(path: Path, entries: int) -> None:
    people = max(1, entries * 3 // 10)
    consents = max(0, entries - 2 * people - 101)
    productions = [
        {"id": f"F{i}", "title": f"Film {i}", "producer": "S1", "kind": "theatrical"}
        for i in range(100)
    ]
    document = {
        "producers": [{"id": "S1", "name": "Studio One"}],
        "productions": productions,
        "performers": [
            {
                "id": f"P{i}",
                "name": f"Performer {i}",
                "category": "background",
                "born": "1990-04-02",
            }
            for i in range(people)
        ],
        "replicas": [
            {
                "id": f"D{i}",
                "performer": f"P{i}",
                "kind": "employment-based",
                "media": ["face", "body"],
                "made_in": f"F{i % 100}",
                "made_on": "2024-03-01",
            }
            for i in range(people)
        ],
        "consents": [
            {
                **_CONSENT,
                "id": f"C{i}",
                "replica": f"D{i % people}",
                "given_by": f"P{i % people}",
                "productions": [f"F{i % 100}"],
            }
            for i in range(consents)
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--home", type=Path, help="audit this existing home instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "home"
        env = {**os.environ, "LIKENESS_HOME": str(home)}
        if args.home is None:
            world = Path(tmp) / "world.json"
            write_world(world, args.entries)
            subprocess.run([LIKENESS, "init"], env=env, check=True, capture_output=True)
            loaded = subprocess.run(
                [LIKENESS, "import", str(world)], env=env, capture_output=True, text=True
            )
            if loaded.returncode != 0:
                sys.exit(f"import failed: {loaded.stderr.strip()}")
        started = time.perf_counter()
        done = subprocess.run(
            [LIKENESS, "ledger", "audit", "--json"], env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"audit failed ({done.returncode}): {(done.stderr or done.stdout)[:2000]}")
        report = json.loads(done.stdout)
        # ru_maxrss of the largest child: the import when there was one; kilobytes on Linux
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{report['records']} records checked against {report['entries']} entries")
        print(f"{report['entries'] / seconds:,.0f} entries/s (with the command's start)")
        print(
            f"ledger-audit: entries={report['entries']} seconds={seconds:.2f} peak_mb={peak_mb:.0f}"
        )


if __name__ == "__main__":
    main()
