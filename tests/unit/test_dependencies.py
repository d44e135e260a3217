"""Every third-party package the code imports is declared in pyproject.toml, with a lower bound."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group()).lower()


def _imported_modules() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "src" / "likeness").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found - set(sys.stdlib_module_names) - {"__future__", "likeness"}


def test_every_imported_package_is_a_declared_dependency():
    declared = {_name(r) for r in PROJECT["dependencies"]}
    optional = {_name(r) for group in PROJECT["optional-dependencies"].values() for r in group}
    distributions = metadata.packages_distributions()
    # dlib-bin installs the dlib package, but its top_level.txt names only _dlib_pybind11
    distributions.setdefault("dlib", ["dlib-bin"])
    undeclared = {
        module: distributions.get(module)
        for module in _imported_modules()
        if not {_name(d) for d in distributions.get(module, [module])} & (declared | optional)
    }
    assert undeclared == {}


def test_every_dependency_has_a_lower_bound():
    requirements = [*PROJECT["dependencies"]]
    for group in PROJECT["optional-dependencies"].values():
        requirements.extend(group)
    assert [r for r in requirements if ">=" not in r] == []
