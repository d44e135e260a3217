"""No answer, log line or ledger entry ever shows a secret: an API token (or its secret half),
the SHA-256 digest stored for it, a portal password or its Argon2id hash (SPEC §10).

A sequence of requests with valid, wrong and revoked tokens (reads, 401s, 403s, 404s, 422s and
writes) runs while every logger records at DEBUG, first in-process, then against a real
``likeness serve`` whose uvicorn access and error logs are read back whole.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import select

from likeness.domain.principals import OPERATOR
from likeness.services import accounts, tokens
from likeness.storage import tables as t
from tests.e2e.api_world import NOW, Installation, build_template, installation
from tests.live_server import live_server

PASSWORD = "plum-orchard-lantern-42"

Send = Callable[..., httpx.Response]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("secrets")
    return root / "template", build_template(root / "template")


@pytest.fixture
def world(template: tuple[Path, dict[str, str]], tmp_path: Path) -> Iterator[Installation]:
    path, role_tokens = template
    world = installation(path, dict(role_tokens), tmp_path / "home")
    yield world
    world.container.engine.dispose()


def _secrets(world: Installation) -> list[str]:
    """Add a revoked token and a portal password; every secret the installation now holds."""
    with world.container.uow() as uow:
        revoked, world.tokens["revoked"] = tokens.create_token(
            uow, OPERATOR, "performer-account", days=30, now=NOW
        )
        tokens.revoke_token(uow, OPERATOR, revoked.id, now=NOW + dt.timedelta(hours=1))
        accounts.set_password(uow, OPERATOR, "performer-account", PASSWORD)
    with world.container.engine.connect() as conn:
        (password_hash,) = conn.execute(
            select(t.accounts.c.password_hash).where(t.accounts.c.name == "performer-account")
        ).one()
        digests = list(conn.execute(select(t.api_tokens.c.secret_hash)).scalars())
    assert password_hash.startswith("$argon2id$")
    found = [PASSWORD, password_hash, password_hash.rsplit("$", 1)[-1], *digests]
    for token in world.tokens.values():
        # lk_<id>_<random>: the random part may itself hold "_"
        found += [token, token.split("_", 2)[2], hashlib.sha256(token.encode()).hexdigest()]
    assert len(digests) == len(world.tokens)  # the digests are the tokens'
    return found


USE = {
    "id": "Q77",
    "kind": "use",
    "producer": "S1",
    "production": "F1",
    "replica": "D1",
    "use": "crowd-multiplication",
    "date": "2024-08-01",
    "days": 1,
}

STRIKE = {"against": "all", "from": "2027-06-01"}


def _drive(send: Send, tokens: dict[str, str]) -> list[httpx.Response]:
    """The sequence of requests: each role's reads and writes, and every kind of refusal."""

    def auth(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[role]}"}

    wrong = "lk_" + tokens["producer"][3:-4] + "AAAA"  # a real id with a wrong secret
    answers = [
        send("GET", "/v1/health"),
        send("GET", "/v1/performers/P1"),
        send("GET", "/v1/performers/P1", headers={"Authorization": f"Bearer {wrong}"}),
        send("GET", "/v1/performers/P1", headers=auth("revoked")),
        send("GET", "/v1/performers/P1", headers={"Authorization": f"Basic {tokens['union']}"}),
        send("POST", "/v1/uses", json=USE, headers=auth("revoked") | {"Idempotency-Key": "x"}),
    ]
    for role in ("performer", "representative", "producer", "union", "admin"):
        answers += [
            send("GET", "/v1/performers/P1", headers=auth(role)),
            send("GET", "/v1/performers/P1/consents", headers=auth(role)),
            send("GET", "/v1/replicas/D99", headers=auth(role)),
            send("GET", "/v1/notices", headers=auth(role)),
            send("POST", "/v1/decisions", json=USE, headers=auth(role)),
            send("POST", "/v1/decisions", json={"id": 3}, headers=auth(role)),
            send("POST", "/v1/strikes", json=STRIKE, headers=auth(role)),
        ]
    answers += [
        send("POST", "/v1/uses", json=USE, headers=auth("producer") | {"Idempotency-Key": "s1"}),
        send("POST", "/v1/uses", json=USE, headers=auth("producer") | {"Idempotency-Key": "s1"}),
        send(
            "POST",
            "/v1/uses",
            json=USE | {"days": 2},
            headers=auth("producer") | {"Idempotency-Key": "s1"},
        ),
        send("POST", "/v1/consents/C1/revoke", json={}, headers=auth("producer")),
        send("GET", "/v1/ledger/checkpoint"),
    ]
    start = 0
    while True:  # the whole ledger, as the union reads it
        page = send("GET", "/v1/ledger/entries", params={"start": start}, headers=auth("union"))
        answers.append(page)
        assert page.status_code == 200, page.text
        start = page.json()["end"]
        if start >= page.json()["size"]:
            return answers


def _assert_nothing_shows(texts: list[str], secrets: list[str]) -> None:
    for secret in secrets:
        for text in texts:
            assert secret not in text, f"a secret ({secret[:6]}…) shows in: {text[:300]}"


def _shown(response: httpx.Response) -> str:
    return f"{response.status_code} {dict(response.headers)} {response.text}"


def _logged(record: logging.LogRecord) -> str:
    return " ".join(
        str(part) for part in (record.getMessage(), record.args, record.exc_text, record.__dict__)
    )


def test_no_answer_or_log_record_shows_a_secret(world, caplog):
    secrets = _secrets(world)
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        logging.getLogger(name).setLevel(logging.DEBUG)
    # SQLAlchemy at DEBUG dumps every row it reads: a copy of the database, hashes included, for
    # whoever may read the database anyway. At INFO it logs each statement and its parameters,
    # which must not show a secret (make_engine hides the parameters).
    for name in ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.engine.Engine"):
        logging.getLogger(name).setLevel(logging.INFO)

    def send(method: str, path: str, **kw: object) -> httpx.Response:
        return world.client.request(method, path, **kw)  # type: ignore[arg-type]

    answers = _drive(send, world.tokens)
    statuses = {a.status_code for a in answers}
    assert {200, 201, 401, 403, 404, 409, 422} <= statuses, statuses
    entries = [a for a in answers if a.url.path == "/v1/ledger/entries"]
    kinds = {e["kind"] for page in entries for e in page.json()["entries"]}
    assert {"token-created", "token-revoked", "use-recorded"} <= kinds
    _assert_nothing_shows([_shown(a) for a in answers], secrets)
    assert caplog.records, "nothing was logged: the capture is not working"
    _assert_nothing_shows([_logged(r) for r in caplog.records], secrets)


@pytest.mark.slow
def test_a_real_server_logs_no_secret(world, tmp_path):
    secrets = _secrets(world)
    world.container.engine.dispose()
    url = f"sqlite:///{world.container.home / 'likeness.db'}"
    with live_server(world.container.home, url) as server, httpx.Client() as client:

        def send(method: str, path: str, **kw: object) -> httpx.Response:
            return client.request(method, server.url + path, **kw)  # type: ignore[arg-type]

        answers = _drive(send, world.tokens)
    output = server.output()
    assert '"GET /v1/performers/P1 HTTP/1.1" 401' in output  # the access log is in it
    _assert_nothing_shows([_shown(a) for a in answers], secrets)
    _assert_nothing_shows([output], secrets)
