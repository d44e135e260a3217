"""Settings, read from the environment (``LIKENESS_*``) by pydantic-settings.

``LIKENESS_HOME`` is the data directory (default ``~/.likeness``): it holds the SQLite database
and the ledger's signing key. ``LIKENESS_DATABASE_URL`` points at PostgreSQL in production, e.g.
``postgresql://likeness@db.example.org/likeness``; without it, SQLite in the data directory.

``LIKENESS_LOG_ORIGIN`` names the ledger in its checkpoints and verifier key (SPEC §8), e.g.
``example.org/likeness``: a schema-less URL of the installation, set once before the first
checkpoint is signed (checkpoints of another name are not the same log).

``LIKENESS_SMTP_URL`` turns on email for notices (SPEC §11), e.g.
``smtp+starttls://likeness:secret@mail.example.org``; ``LIKENESS_MAIL_FROM`` is their sender.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where Likeness keeps its data and how the service listens."""

    model_config = SettingsConfigDict(env_prefix="LIKENESS_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.home() / ".likeness")
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    #: who the command line acts as when ``--as`` is not given (SPEC §10 roles, or operator)
    cli_as: str = "operator"
    #: the largest request body the API reads (a decision batch of 10,000 fits in 16 MiB)
    max_body_bytes: int = Field(default=16 << 20, gt=0)
    #: the largest asset file an upload may stream to disk (2 GiB by default)
    max_asset_bytes: int = Field(default=2 << 30, gt=0)
    #: portal session cookies only over HTTPS (browsers allow them on http://localhost too)
    secure_cookies: bool = True
    #: how long a portal sign-in lasts
    session_hours: int = Field(default=12, gt=0, le=24 * 30)
    #: the ledger's name in its checkpoints and verifier key (no spaces, no '+')
    log_origin: str = Field(default="localhost/likeness", pattern=r"^[^\s+]{1,200}$")
    #: the mail server notices are sent through (SPEC §11): ``smtp://[USER:PASSWORD@]HOST[:PORT]``
    #: (port 25), ``smtp+starttls://...`` (587) or ``smtps://...`` (465); none: email is off
    smtp_url: SecretStr | None = None
    #: the ``From:`` address of notice emails (its domain also names their ``Message-ID``)
    mail_from: str = "likeness@localhost"
    #: how long one exchange with the mail server may take before it counts as failed
    smtp_timeout_seconds: float = Field(default=30, gt=0, le=600)
    #: the wait before retrying a failed email; it doubles with each failure ...
    mail_retry_first_seconds: int = Field(default=30, gt=0)
    #: ... up to this (a failed email is retried for as long as it takes, never dropped)
    mail_retry_max_seconds: int = Field(default=3600, gt=0)
    #: how many notices one sending pass claims at most
    mail_batch: int = Field(default=50, gt=0, le=1000)
    #: how long a sender's claim on its notices lasts before another sender may take them
    mail_lease_seconds: int = Field(default=900, gt=0)

    #: SPEC §13: a face matches an enrolled one within this Euclidean distance of dlib's
    #: descriptors (dlib's own 0.6 errs towards matching; see README for measured error rates)
    face_match_distance: float = Field(default=0.5, gt=0, le=2)
    #: SPEC §13: a voice matches an enrolled one at this cosine similarity or more
    voice_match_similarity: float = Field(default=0.845, gt=0, le=1)
    #: SPEC §13: a video is looked at once every this many seconds of media
    detect_every_seconds: float = Field(default=1.0, gt=0, le=3600)
    #: SPEC §13: audio is heard in windows of this many seconds (overlapping by half)
    detect_window_seconds: float = Field(default=4.0, ge=1, le=60)

    @property
    def assets_dir(self) -> Path:
        """Where uploaded replica assets are kept: ``assets/`` in the data directory."""
        return self.home.expanduser() / "assets"

    @property
    def resolved_database_url(self) -> str:
        """The database URL in force: the configured one, else SQLite in the data directory."""
        if self.database_url:
            return normalize_database_url(self.database_url)
        return f"sqlite:///{self.home.expanduser() / 'likeness.db'}"


def normalize_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs (SQLAlchemy picks psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
