"""Scenario files cut down for CLI tests that add consents or strikes themselves."""

from __future__ import annotations

from pathlib import Path

import yaml

WORLD_KEYS = ("agreement", "performers", "producers", "productions", "replicas")


def world_only(path: Path, tmp_path: Path) -> Path:
    """A copy of a scenario file with only its world (``import`` stores consents and strikes
    too; the tests using this add them themselves)."""
    doc = yaml.safe_load(path.read_text())
    out = tmp_path / f"world-{path.name}"
    out.write_text(yaml.safe_dump({k: doc[k] for k in WORLD_KEYS if k in doc}))
    return out
