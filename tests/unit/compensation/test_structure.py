"""The compensation package keeps its shape: small modules, engine-specific SQL in one place."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

PACKAGE = Path(str(resources.files("likeness.compensation")))
MODULES = sorted(PACKAGE.rglob("*.py"))
ENGINES = PACKAGE / "residuals" / "engines.py"


@pytest.mark.parametrize("module", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_compensation_module_is_over_400_lines(module):
    assert len(module.read_text(encoding="utf-8").splitlines()) <= 400


@pytest.mark.parametrize(
    "module", [m for m in MODULES if m != ENGINES], ids=lambda path: str(path.relative_to(PACKAGE))
)
def test_only_the_engines_module_asks_which_engine_it_runs_on(module):
    text = module.read_text(encoding="utf-8")
    assert not re.search(r"""\.name\s*[!=]=\s*["'](duckdb|spark)["']""", text)
    assert not re.search(r"isinstance\([^)]*(DuckDBEngine|SparkEngine)", text)
