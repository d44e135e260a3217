"""A demo installation for the HTTP API tests: the demo world, an account and token per role,
a signed tree head, and one open strike, built once per session as a SQLite file; each test
gets a copy (so a write in one case never changes another's answer).
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

from likeness.asgi import create_app
from likeness.bootstrap import Container
from likeness.cli.main import _demo_document
from likeness.config import Settings
from likeness.domain.findings import Coverage, Match, MatchMedium
from likeness.domain.principals import OPERATOR
from likeness.domain.strikes import Strike
from likeness.ledger.heads import ensure_signing_key
from likeness.services import accounts, tokens
from likeness.services.demo import load_demo
from likeness.services.findings import record_finding
from likeness.services.strikes import declare_strike
from likeness.storage.database import make_engine, upgrade
from tests.collaborators import CHEAP_HASHER, DEPS

#: who each role's account acts as (SPEC §10): a performer, an estate, a producer, ...
PARTIES: dict[str, tuple[str, str | None]] = {
    "performer": ("performer", "P1"),
    "representative": ("representative", "E3"),
    "producer": ("producer", "S1"),
    "union": ("union", None),
    "admin": ("admin", None),
}
ROLES = ("anonymous", *PARTIES)
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@dataclass
class Installation:
    """A copy of the demo installation: its client and a token per role."""

    client: TestClient
    tokens: dict[str, str]
    container: Container

    def headers(self, role: str) -> dict[str, str]:
        """The Authorization header of ``role`` (none for anonymous)."""
        if role == "anonymous":
            return {}
        return {"Authorization": f"Bearer {self.tokens[role]}"}


def build_template(home: Path) -> dict[str, str]:
    """Create the demo installation in ``home``; return a token per role."""
    home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(f"sqlite:///{home / 'likeness.db'}")
    upgrade(engine)
    container = Container(
        Settings(home=home, database_url=f"sqlite:///{home / 'likeness.db'}"), engine
    )
    secrets_by_role: dict[str, str] = {}
    with container.uow() as uow:
        load_demo(uow, OPERATOR, _demo_document(), deps=DEPS, hasher=CHEAP_HASHER)
        # findings (SPEC §13) about Dana (1), Ruth Calder (2) and Sam (3), made without the models
        for performer, replica in (("P1", "D1"), ("P3", "D3"), ("P2", "D2")):
            match = Match(
                f"/media/{replica}.png",
                "ab" * 32,
                1.5,
                MatchMedium.FACE,
                performer,
                replica,
                0.3,
                0.5,
                Coverage(False, "it carries no Likeness credential"),
            )
            record_finding(uow, OPERATOR, match, NOW)
        # an open strike for the end-strike route (the demo's own one has ended)
        declare_strike(uow, OPERATOR, Strike(None, dt.date(2027, 5, 1)))
        for role, (kind, party) in PARTIES.items():
            accounts.add_account(uow, OPERATOR, f"{role}-account", kind, party)
            _, secrets_by_role[role] = tokens.create_token(
                uow, OPERATOR, f"{role}-account", days=3650, now=NOW
            )
        ensure_signing_key(home)
        uow.ledger.sign_head(container.checkpoint_signer())
        uow.commit()
    engine.dispose()
    return secrets_by_role


def installation(template: Path, tokens: dict[str, str], home: Path) -> Installation:
    """A fresh copy of the template installation in ``home``."""
    shutil.copytree(template, home)
    url = f"sqlite:///{home / 'likeness.db'}"
    container = Container(Settings(home=home, database_url=url), make_engine(url))
    client = TestClient(create_app(container), raise_server_exceptions=False)
    return Installation(client, tokens, container)
