"""The one place that wires adapters to services: settings -> engine -> units of work."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from likeness.compensation.pay import RateBookPay
from likeness.config import Settings
from likeness.errors import StorageError
from likeness.ledger.signer import CheckpointSigner, load_signer
from likeness.mail import SmtpMailer, mailer_from_url
from likeness.policy.rulesets import load_rule_set
from likeness.services.collaborators import Collaborators
from likeness.services.delivery import DeliveryOptions
from likeness.services.detection import Thresholds
from likeness.storage.database import (
    current_revision,
    head_revision,
    is_up_to_date,
    make_engine,
    sqlite_file,
    upgrade,
)
from likeness.storage.unit_of_work import SqlUnitOfWork

if TYPE_CHECKING:
    from likeness.media.scanner import Scanner


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def collaborators() -> Collaborators:
    """The installation's pay calculator (the packaged rate tables), rule sets and clock."""
    return Collaborators(pay=RateBookPay(), rule_sets=load_rule_set, clock=_utc_now)


@dataclass
class Container:
    """What every entrypoint needs: the settings, a way to open units of work, and the
    collaborators the use cases take (built once here, the composition root)."""

    settings: Settings
    engine: Engine
    deps: Collaborators = field(default_factory=collaborators)

    def uow(self, *, write: bool = True) -> SqlUnitOfWork:
        """A new unit of work (use it in a ``with`` block)."""
        return SqlUnitOfWork(self.engine, write=write)

    def schema_revisions(self) -> tuple[str | None, str | None]:
        """The database's migration revision and the newest one the package ships; raises
        :class:`StorageError` when the database cannot be reached."""
        try:
            return current_revision(self.engine), head_revision()
        except SQLAlchemyError as exc:
            raise StorageError(str(exc).strip().splitlines()[0]) from exc

    def mailer(self) -> SmtpMailer | None:
        """The mailer for notices (SPEC §11) from ``LIKENESS_SMTP_URL``, or None when email is
        off; built on demand, so a bad URL stops only what sends email (with an
        :class:`~likeness.errors.InvalidInputError` naming the setting and the form expected)."""
        url = self.settings.smtp_url
        if url is None or not url.get_secret_value().strip():
            return None
        return mailer_from_url(url.get_secret_value(), timeout=self.settings.smtp_timeout_seconds)

    def delivery_options(self) -> DeliveryOptions:
        """How notices are sent: ``LIKENESS_MAIL_FROM``, the retry waits, batch and lease."""
        s = self.settings
        return DeliveryOptions(
            mail_from=s.mail_from,
            first_retry=dt.timedelta(seconds=s.mail_retry_first_seconds),
            max_retry=dt.timedelta(seconds=s.mail_retry_max_seconds),
            batch=s.mail_batch,
            lease=dt.timedelta(seconds=s.mail_lease_seconds),
            send_timeout=dt.timedelta(seconds=s.smtp_timeout_seconds),
        )

    @property
    def home(self) -> Path:
        """The data directory."""
        return self.settings.home.expanduser()

    def checkpoint_signer(self) -> CheckpointSigner:
        """The ledger's checkpoint signer: the key in the data directory, the log's name
        ``LIKENESS_LOG_ORIGIN`` and the signer's record of the last checkpoint it signed."""
        return load_signer(self.home, self.settings.log_origin)

    def scanner(self) -> Scanner:
        """The media scanner of SPEC §13 (models load on first use; its indexes and C2PA
        identity live in the data directory). Imported here, on demand: the models' packages
        are large and only detection needs them."""
        from likeness.media.scanner import Scanner, ScanOptions

        s = self.settings
        options = ScanOptions(
            every_s=s.detect_every_seconds,
            window_s=s.detect_window_seconds,
            hop_s=s.detect_window_seconds / 2,
        )
        return Scanner(self.home, options)

    def thresholds(self) -> Thresholds:
        """When a face or voice counts as a match (``LIKENESS_FACE_MATCH_DISTANCE``,
        ``LIKENESS_VOICE_MATCH_SIMILARITY``)."""
        return Thresholds(self.settings.face_match_distance, self.settings.voice_match_similarity)

    def log_vkey(self) -> str:
        """The verifier key of the ledger's checkpoints (public)."""
        return self.checkpoint_signer().verifier.vkey()


def ensure_home(home: Path) -> Path:
    """Create the data directory, readable by its owner only."""
    home = home.expanduser()
    home.mkdir(parents=True, exist_ok=True)
    os.chmod(home, 0o700)
    return home


def bootstrap(settings: Settings | None = None, *, require_schema: bool = True) -> Container:
    """Connect to the configured database.

    With ``require_schema`` a database that is not at the newest migration raises
    :class:`StorageError` telling to run ``likeness init``; a SQLite file that does not exist
    is not created (only :func:`initialize` creates the database).
    """
    settings = settings or Settings()
    if require_schema:
        missing = sqlite_file(settings.resolved_database_url)
        if missing is not None and not missing.exists():
            raise StorageError(f"no Likeness database at {missing}: run `likeness init` first")
    if not settings.database_url:
        ensure_home(settings.home)
    engine = make_engine(settings.resolved_database_url)
    container = Container(settings, engine)
    if require_schema and not _schema_ready(engine):
        raise StorageError(
            f"database {engine.url.render_as_string()} is not initialized or is out of date "
            "(run `likeness init` first)"
        )
    return container


def _schema_ready(engine: Engine) -> bool:
    try:
        return is_up_to_date(engine)
    except SQLAlchemyError as exc:
        raise StorageError(
            f"database {engine.url.render_as_string()} cannot be reached: "
            f"{str(exc).strip().splitlines()[0]} (is it running?)"
        ) from exc


def initialize(settings: Settings | None = None) -> Container:
    """Create the data directory and bring the database schema to the newest migration."""
    settings = settings or Settings()
    ensure_home(settings.home)
    container = bootstrap(settings, require_schema=False)
    upgrade(container.engine)
    return container


def ensure_c2pa_identity(container: Container) -> tuple[Path, bool]:
    """The installation's C2PA signing identity (SPEC §13) in ``c2pa/`` of the data directory:
    a local certificate authority and a signing certificate it issued, made once. True when
    it was made now."""
    from likeness.media.credential_keys import create_signing_identity

    folder = container.home / "c2pa"
    made = create_signing_identity(folder, container.settings.log_origin)
    return folder, made
