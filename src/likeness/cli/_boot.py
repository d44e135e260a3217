"""The composition root (:mod:`likeness.bootstrap`), imported only when a command runs.

It loads SQLAlchemy, Alembic and the mailer; ``--help``, ``decide`` on files and
``residuals run --no-store`` need none of them, so the command line starts without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from likeness.bootstrap import Container
    from likeness.config import Settings
    from likeness.services.collaborators import Collaborators


def bootstrap(settings: Settings | None = None, *, require_schema: bool = True) -> Container:
    """:func:`likeness.bootstrap.bootstrap`."""
    from likeness import bootstrap as root

    return root.bootstrap(settings, require_schema=require_schema)


def initialize(settings: Settings | None = None) -> Container:
    """:func:`likeness.bootstrap.initialize`."""
    from likeness import bootstrap as root

    return root.initialize(settings)


def collaborators() -> Collaborators:
    """:func:`likeness.bootstrap.collaborators`."""
    from likeness import bootstrap as root

    return root.collaborators()


def ensure_c2pa_identity(container: Container) -> tuple[Path, bool]:
    """:func:`likeness.bootstrap.ensure_c2pa_identity`."""
    from likeness import bootstrap as root

    return root.ensure_c2pa_identity(container)
