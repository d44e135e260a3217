"""Import benchmark: ``likeness import`` of a world file of ``--records`` performers (1,000,000
by default) into a fresh SQLite home, streamed, in one transaction.

Writes the file (one flow mapping a line, as ``export`` users write by hand or tools generate),
runs ``likeness init`` and ``likeness import`` as a user would (a subprocess), and reports the
import's wall time and the peak resident memory of its process.

Last line (one line)::

    import: records=… seconds=… peak_mb=…
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIKENESS = str(Path(sys.executable).with_name("likeness"))


def write_world(path: Path, records: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("producers: [{id: S1, name: Studio One}]\nperformers:\n")
        for i in range(records):
            out.write(
                f"  - {{id: P{i}, name: Performer {i}, category: background,"
                f' born: 1990-04-02, day_rate: "216.00"}}\n'
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        world = root / "world.yaml"
        write_world(world, args.records)
        size_mb = world.stat().st_size / 1e6
        env = {**os.environ, "LIKENESS_HOME": str(root / "home")}
        env.pop("LIKENESS_DATABASE_URL", None)
        subprocess.run([LIKENESS, "init"], env=env, check=True, capture_output=True)
        started = time.perf_counter()
        done = subprocess.run(
            [LIKENESS, "import", str(world)], env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(f"import failed: {done.stderr.strip()}")
        # ru_maxrss of the largest child: the import (init is far smaller); kilobytes on Linux
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(done.stdout.strip())
        print(f"file: {size_mb:.1f} MB; {args.records / seconds:,.0f} records/s")
        print(f"import: records={args.records} seconds={seconds:.1f} peak_mb={peak_mb:.0f}")


if __name__ == "__main__":
    main()
