"""Accounts, tokens and sign-in failures in the database (SQLite and PostgreSQL), and the
in-memory fake answering alike (SPEC §10)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from likeness.domain.accounts import Account, SignInFailures, Token
from likeness.domain.principals import Role
from likeness.errors import ConflictError
from likeness.storage.unit_of_work import SqlUnitOfWork
from tests.unit.fakes import FakeUnitOfWork

T0 = dt.datetime(2025, 6, 1, 12, 0, 0, 123456, tzinfo=dt.UTC)


def _accounts() -> list[Account]:
    return [
        Account("union", Role.UNION, None, False, T0),
        Account("admin", Role.ADMIN, None, False, T0 + dt.timedelta(seconds=1)),
        Account("agent.R1", Role.REPRESENTATIVE, "R1", False, T0, email="r1@agency.example"),
        Account("agent.R1b", Role.REPRESENTATIVE, "R1", False, T0, email="B@agency.example"),
        Account("agent.R1c", Role.REPRESENTATIVE, "R1", False, T0, email="B@agency.example"),
        Account("union-desk", Role.UNION, None, False, T0, email="desk@union.example"),
    ]


def _tokens() -> list[tuple[Token, str]]:
    later = T0 + dt.timedelta(hours=1)
    return [
        (Token("00000000000000bb", "union", later, later + dt.timedelta(days=90)), "b" * 64),
        (Token("00000000000000aa", "union", later, None), "a" * 64),
        (Token("00000000000000cc", "admin", T0, T0 + dt.timedelta(days=1)), "c" * 64),
    ]


def _load(uow: Any) -> None:
    for account in _accounts():
        uow.accounts.add(account)
    for token, digest in _tokens():
        uow.accounts.add_token(token, digest)


def _reads(uow: Any) -> dict[str, Any]:
    a = uow.accounts
    return {
        "accounts": a.list(),
        "gets": [a.get("union"), a.get("agent.R1"), a.get("nobody")],
        "hashes": [a.password_hash("union"), a.password_hash("admin"), a.password_hash("x")],
        "tokens": a.list_tokens(),
        "tokens of": {n: a.list_tokens(n) for n in ("union", "admin", "agent.R1", "x")},
        "token": [a.get_token("00000000000000aa"), a.get_token("ffffffffffffffff")],
        "digest": [a.token_secret_hash("00000000000000cc"), a.token_secret_hash("ff")],
        "failures": [a.failures("union"), a.failures("ghost"), a.failures("x")],
        "credential": a.credential("00000000000000aa"),
        "addresses": [
            a.addresses(Role.REPRESENTATIVE, "R1"),
            a.addresses(Role.UNION, None),
            a.addresses(Role.ADMIN, None),
            a.addresses(Role.PERFORMER, "R1"),
        ],
    }


def _changes(uow: Any) -> None:
    a = uow.accounts
    a.set_password_hash("union", "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA")
    a.disable("agent.R1")
    a.set_email("union", "office@union.example")
    a.set_email("union-desk", None)
    a.set_email("nobody", "x@y")  # an UPDATE of no row: nothing changes
    a.disable("nobody")  # an UPDATE of no row: nothing changes
    a.revoke_token("00000000000000bb", T0 + dt.timedelta(days=2))
    a.touch_token("00000000000000aa", T0 + dt.timedelta(days=3))
    assert [a.record_failure("ghost", T0 + dt.timedelta(seconds=s)) for s in (1, 2, 3)] == [1, 2, 3]
    a.lock("ghost", T0 + dt.timedelta(minutes=1))
    assert a.record_failure("union", T0) == 1
    a.clear_failures("union")


@pytest.fixture
def both(engine) -> tuple[Callable[[], AbstractContextManager[Any]], FakeUnitOfWork]:
    fake = FakeUnitOfWork()
    with fake:
        _load(fake)
        fake.commit()
    with SqlUnitOfWork(engine) as uow:
        _load(uow)
        uow.commit()
    return (lambda: SqlUnitOfWork(engine)), fake


def test_accounts_and_tokens_round_trip_with_their_utc_times(both):
    sql, fake = both
    with sql() as uow:
        assert uow.accounts.list() == sorted(_accounts(), key=lambda a: a.name)
        assert uow.accounts.list_tokens() == [
            _tokens()[2][0],
            _tokens()[1][0],  # the same creation time: by id
            _tokens()[0][0],
        ]
        assert uow.accounts.get("union").created_at.tzinfo is dt.UTC
        assert uow.accounts.token_secret_hash("00000000000000aa") == "a" * 64
        assert uow.accounts.addresses(Role.REPRESENTATIVE, "R1") == [
            "B@agency.example",
            "r1@agency.example",
        ]
    with sql() as uow, fake:
        assert _reads(fake) == _reads(uow)


def test_the_fake_changes_and_forgets_as_storage_does(both):
    sql, fake = both
    for uow_of in (sql, lambda: fake):
        with uow_of() as uow:
            _changes(uow)
            uow.commit()
    with sql() as uow, fake:
        expected = _reads(uow)
        assert _reads(fake) == expected
    assert expected["gets"][0].has_password is True
    assert expected["credential"][2].email == "office@union.example"
    assert expected["gets"][1].disabled is True
    # a disabled account is sent nothing; each address once, sorted as Python sorts
    assert expected["addresses"] == [
        ["B@agency.example"],
        ["office@union.example"],
        [],
        [],
    ]
    assert expected["token"][0].last_used_at == T0 + dt.timedelta(days=3)
    assert expected["tokens of"]["union"][1].revoked_at == T0 + dt.timedelta(days=2)
    assert expected["failures"] == [
        None,
        SignInFailures("ghost", 3, T0 + dt.timedelta(minutes=1), T0 + dt.timedelta(seconds=3)),
        None,
    ]
    # and what is not committed is gone from both
    for uow_of in (sql, lambda: fake):
        with uow_of() as uow:
            uow.accounts.add(Account("late", Role.ADMIN, None, False, T0))
            uow.accounts.record_failure("ghost", T0)
            uow.accounts.clear_failures("ghost")
            uow.accounts.set_password_hash("admin", "$argon2id$x")
            uow.accounts.set_email("admin", "late@x.example")
    with sql() as uow, fake:
        assert _reads(fake) == _reads(uow) == expected


def test_a_token_of_a_missing_account_is_refused_by_the_foreign_key(engine):
    refused = pytest.raises(ConflictError, match="the database refused the write")
    with refused, SqlUnitOfWork(engine) as uow:
        uow.accounts.add_token(Token("00000000000000aa", "nobody", T0), "a" * 64)
        uow.commit()
