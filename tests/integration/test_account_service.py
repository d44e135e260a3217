"""The account services on a real database (SQLite and PostgreSQL): only hashes are stored,
and tokens and passwords work across units of work (SPEC §10)."""

from __future__ import annotations

import datetime as dt

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import select

from likeness.domain.principals import OPERATOR
from likeness.errors import UnauthorizedError
from likeness.services import accounts as service
from likeness.services import tokens
from likeness.storage import tables as t

T0 = dt.datetime(2025, 6, 1, 12, 0, 0, 123456, tzinfo=dt.UTC)
CHEAP = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


def test_the_database_holds_only_the_hashes_of_a_token_and_a_password(container):
    with container.uow() as uow:
        service.add_account(uow, OPERATOR, "union", "union", None, now=T0)
        service.set_password(uow, OPERATOR, "union", "correct horse battery", hasher=CHEAP)
        token, secret = tokens.create_token(uow, OPERATOR, "union", days=1, now=T0)
    with container.engine.connect() as conn:
        account = conn.execute(select(t.accounts)).one()
        stored = conn.execute(select(t.api_tokens)).one()
        entries = b"".join(conn.execute(select(t.ledger_entries.c.body)).scalars())
    assert account.password_hash.startswith("$argon2id$")
    assert "correct horse" not in account.password_hash
    assert stored.id == token.id
    assert len(stored.secret_hash) == 64 and secret not in stored.secret_hash
    assert secret.encode() not in entries
    assert stored.secret_hash.encode() not in entries
    random_part = secret.split("_", 2)[2]  # lk_<id>_<random>; the random part may hold "_"
    assert len(random_part) >= 40 and random_part.encode() not in entries


def test_authenticate_and_sign_in_work_on_the_database(container):
    with container.uow() as uow:
        service.add_account(uow, OPERATOR, "union", "union", None, now=T0)
        service.set_password(uow, OPERATOR, "union", "correct horse battery", hasher=CHEAP)
        token, secret = tokens.create_token(uow, OPERATOR, "union", days=1, now=T0)
    later = T0 + dt.timedelta(minutes=5)
    with container.uow() as uow:
        assert tokens.authenticate(uow, secret, now=later).actor == "union"
    with container.uow() as uow:
        assert uow.accounts.get_token(token.id).last_used_at == later
    for _ in range(5):
        with container.uow() as uow, pytest.raises(UnauthorizedError):
            service.sign_in(uow, "union", "wrong password!", now=later, hasher=CHEAP)
    with container.uow() as uow:
        failures = uow.accounts.failures("union")
        assert (failures.failures, failures.locked_until) == (
            5,
            later + dt.timedelta(seconds=30),
        )
    after = later + dt.timedelta(seconds=30)
    with container.uow() as uow:
        principal = service.sign_in(uow, "union", "correct horse battery", now=after, hasher=CHEAP)
        assert principal.actor == "union"
    with container.uow() as uow:
        assert uow.accounts.failures("union") is None
