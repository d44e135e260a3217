"""What ``likeness residuals run`` asks of the registry: productions, titles and cast with
``--from-registry``, and storing the run's lines afterwards."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from likeness.cli._principal import current
from likeness.errors import InvalidInputError

if TYPE_CHECKING:
    import pyarrow as pa

    from likeness.bootstrap import Container
    from likeness.compensation.residuals.run import RunOutcome

#: the tables ``--from-registry`` takes from the registry instead of the folder
FROM_REGISTRY = ("productions", "titles", "cast")


def _container() -> Container | None:
    """The installation's container when a database is configured (LIKENESS_DATABASE_URL, or
    ``likeness init`` has created the default one); None otherwise."""
    from likeness.bootstrap import bootstrap
    from likeness.config import Settings

    config = Settings()
    default_db = config.home.expanduser() / "likeness.db"
    if not config.database_url and not default_db.exists():
        return None
    return bootstrap(config)


def registry_given(directory: Path) -> dict[str, pa.Table]:
    """Productions, titles and cast from the registry, as the principal sees them.

    :raises InvalidInputError: without a database, when the folder holds one of those tables
        too (which would win is unclear), or when the registry holds none of them.
    """
    from likeness.compensation.residuals.from_registry import registry_tables
    from likeness.services.residual_inputs import registry_tables as registry_rows

    present = [
        f"{name}.{ext}"
        for name in FROM_REGISTRY
        for ext in ("csv", "parquet")
        if (directory / f"{name}.{ext}").exists()
    ]
    if present:
        raise InvalidInputError(
            f"--from-registry takes productions, titles and cast from the registry, but"
            f" {directory} holds {', '.join(present)} (expected only subscribers and viewership:"
            " remove those files, or run without --from-registry)"
        )
    container = _container()
    if container is None:
        raise InvalidInputError(
            "--from-registry needs the registry: no database (run `likeness init` and register"
            " the productions, their titles and cast)"
        )
    with container.uow(write=False) as uow:
        rows = registry_rows(uow, current())
    if not rows.titles:
        raise InvalidInputError(
            "--from-registry: the registry holds no titles of a production you may see"
            " (expected titles registered with `likeness production add-title`)"
        )
    return registry_tables(
        {"productions": rows.productions, "titles": rows.titles, "cast": rows.cast}
    )


def store(outcome: RunOutcome, directory: Path) -> None:
    """Store the run when a database is configured (LIKENESS_DATABASE_URL, or ``likeness init``
    has created the default one); say so on stderr otherwise."""
    from likeness.services.residuals import record_residual_run

    container = _container()
    if container is None:
        print(
            "residual lines not stored: no database (run `likeness init`, or pass --no-store)",
            file=sys.stderr,
        )
        return
    with container.uow() as uow:
        recorded = record_residual_run(
            uow, current(), outcome, source=str(directory), deps=container.deps
        )
        uow.commit()
    pay = recorded.pay
    print(
        f"stored residual run {recorded.id}:"
        f" {len(outcome.result.performers) if outcome.result else 0} residual line(s);"
        f" {len(pay.owed)} pay line(s) now owed, {len(pay.reversals)} earlier line(s) reversed,"
        f" {pay.unchanged} unchanged",
        file=sys.stderr,
    )
    for line in pay.unlinked:
        print(
            f"not owed: {line.production} year {line.year} {line.performer}: {line.reason}",
            file=sys.stderr,
        )
