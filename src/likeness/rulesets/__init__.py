"""Data files of the rule sets of SPEC §7, one folder per rule set id.

Each folder holds ``ruleset.yaml`` (the checks the rule set adds to the base rules),
``rates.yaml`` (rate tables with provenance per row, or references to another rule set's: see
:func:`likeness.compensation.rates.parse_rate_book`) and ``residuals.yaml`` (the SPEC §6.1
settings). Adding a rule set is adding a folder: its name is the rule set's id.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from likeness.errors import InvalidInputError

_ROOT = resources.files(__name__)

#: the known rule set ids: every folder here with a ruleset.yaml, sorted
RULE_SET_IDS: tuple[str, ...] = tuple(
    sorted(p.name for p in _ROOT.iterdir() if p.is_dir() and p.joinpath("ruleset.yaml").is_file())
)


def read_data_file(rule_set: str, name: str) -> dict[str, Any]:
    """The YAML mapping in ``rulesets/<rule_set>/<name>``.

    Raises :class:`InvalidInputError` for an unknown rule set, a missing file or a file that is
    not a mapping.

    >>> read_data_file("no-union", "ruleset.yaml")["id"]
    'no-union'
    """
    if rule_set not in RULE_SET_IDS:
        raise InvalidInputError(
            f"rule set {rule_set!r} is not known (expected one of {', '.join(RULE_SET_IDS)})"
        )
    source = f"rulesets/{rule_set}/{name}"
    try:
        text = _ROOT.joinpath(rule_set, name).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        raise InvalidInputError(
            f"rule set {rule_set!r} has no {name} (expected {source})"
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInputError(f"{source} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidInputError(f"{source}: expected a mapping of keys at the top level")
    return data
