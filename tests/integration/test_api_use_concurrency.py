"""Fifty clients send the same use with the same ``Idempotency-Key`` at once to a real
``likeness serve --workers 2`` on PostgreSQL: one use is recorded, everyone gets its answer."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import Connection, func, select

from likeness.bootstrap import Container
from likeness.cli.main import _demo_document
from likeness.config import Settings
from likeness.domain.principals import OPERATOR
from likeness.ledger.heads import ensure_signing_key
from likeness.ledger.signer import load_signer
from likeness.ledger.verify import LogKeys
from likeness.services import accounts, tokens
from likeness.services.demo import load_demo
from likeness.storage import tables as t
from likeness.storage.database import make_engine, upgrade
from tests.collaborators import DEPS
from tests.live_server import live_server

CLIENTS = 50
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
USE = {
    "id": "Q10",
    "kind": "use",
    "producer": "S1",
    "production": "F1",
    "replica": "D1",
    "use": "crowd-multiplication",
    "date": "2024-08-01",
    "days": 1,
}
KINDS = ("use-decision", "use-recorded", "pay-line")


def _ledger_kinds(container: Container) -> list[str]:
    with container.uow(write=False) as uow:
        return [uow.ledger.entry(i).kind for i in range(uow.ledger.size())]


def _counts(conn: Connection) -> tuple[int, int]:
    """How many uses and stored use decisions the database holds."""
    return (
        conn.execute(select(func.count()).select_from(t.uses)).scalar_one(),
        conn.execute(select(func.count()).select_from(t.use_decisions)).scalar_one(),
    )


@pytest.mark.postgres
def test_fifty_concurrent_posts_of_one_key_record_one_use(postgres_schema_url, tmp_path: Path):
    engine = make_engine(postgres_schema_url)
    upgrade(engine)
    home = tmp_path / "home"
    home.mkdir()
    container = Container(Settings(home=home, database_url=postgres_schema_url), engine)
    with container.uow() as uow:
        load_demo(uow, OPERATOR, _demo_document(), deps=DEPS)
        accounts.add_account(uow, OPERATOR, "studio", "producer", "S1")
        _, token = tokens.create_token(uow, OPERATOR, "studio", days=30, now=NOW)
    before = _ledger_kinds(container)
    with engine.connect() as conn:
        uses_before, decisions_before = _counts(conn)

    barrier = threading.Barrier(CLIENTS)

    def post(server_url: str) -> tuple[int, dict[str, str], bytes]:
        with httpx.Client(base_url=server_url, timeout=60) as client:
            client.get("/v1/health")  # connect before the barrier, so the posts start together
            barrier.wait()
            response = client.post(
                "/v1/uses",
                json=USE,
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "take-7"},
            )
            return response.status_code, dict(response.headers), response.content

    with (
        live_server(home, postgres_schema_url, workers=2) as server,
        ThreadPoolExecutor(CLIENTS) as pool,
    ):
        answers = list(pool.map(post, [server.url] * CLIENTS))

    statuses = sorted(status for status, _, _ in answers)
    assert statuses == [200] * (CLIENTS - 1) + [201], statuses
    bodies = {body for _, _, body in answers}
    assert len(bodies) == 1, bodies  # every answer is the same use, byte for byte
    replays = [h.get("idempotent-replayed") for status, h, _ in answers if status == 200]
    assert replays == ["true"] * (CLIENTS - 1)

    after = _ledger_kinds(container)
    assert after[: len(before)] == before
    added = after[len(before) :]
    # one decision, one use, its two pay lines (pay and pension-health); nothing else
    assert sorted(added) == ["pay-line", "pay-line", "use-decision", "use-recorded"]
    with engine.connect() as conn:
        assert _counts(conn) == (uses_before + 1, decisions_before + 1)

    ensure_signing_key(home)
    signer = load_signer(home, "test.example/log")
    with container.uow() as uow:
        uow.ledger.sign_head(signer)  # type: ignore[attr-defined]
        uow.commit()
    with container.uow(write=False) as uow:
        result = uow.ledger.verify(LogKeys(signer.verifier))  # type: ignore[attr-defined]
    assert result.size == len(after)
    engine.dispose()
