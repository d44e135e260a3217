"""Accounts, tokens, authentication and sign-in over the fake unit of work (SPEC §10)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from likeness.domain.principals import OPERATOR, Principal, Role
from likeness.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    TooManyRequestsError,
    UnauthorizedError,
)
from likeness.services import accounts as service
from likeness.services import tokens
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.policy.builders import world

T0 = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
ADMIN = Principal.parse("admin")
UNION = Principal.parse("union")
P1 = Principal.parse("performer:P1")
S1 = Principal.parse("producer:S1")
#: Argon2id at the lowest cost: the same code path, fast enough for unit tests
CHEAP = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
INVALID = tokens.INVALID_CREDENTIALS
PASSWORD = "correct horse battery"


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    u = FakeUnitOfWork()
    w = world()
    for section in ("performers", "producers", "productions", "replicas"):
        getattr(u, section).items.update(getattr(w, section))
    with u:
        service.add_account(u, OPERATOR, "performer-P1", "performer", "P1", now=T0)
    return u


def _token(uow, name="performer-P1", days=None, now=T0):
    with uow:
        return tokens.create_token(uow, ADMIN, name, days=days, now=now)


class TestWhoManagesAccounts:
    @pytest.mark.parametrize("principal", [ADMIN, OPERATOR])
    def test_an_admin_and_the_operator_add_list_and_disable(self, uow, principal):
        with uow:
            added = service.add_account(uow, principal, "union", Role.UNION, None, now=T0)
            assert [a.name for a in service.list_accounts(uow, principal)] == [
                "performer-P1",
                "union",
            ]
            assert service.get_account(uow, principal, "union") == added
            disabled = service.disable_account(uow, principal, "union", now=T0)
        assert disabled.disabled is True
        assert uow.ledger.entries[-2:] == [
            ("account-added", principal.actor, {"name": "union", "role": "union", "party": None}),
            ("account-disabled", principal.actor, {"name": "union"}),
        ]

    @pytest.mark.parametrize("principal", [UNION, P1, S1, Principal.parse("representative:E1")])
    def test_anyone_else_is_answered_as_if_the_account_did_not_exist(self, uow, principal):
        token, _secret = _token(uow)
        with uow, pytest.raises(NotFoundError) as missing:
            service.get_account(uow, ADMIN, "performer-P2")
        assert str(missing.value) == "account 'performer-P2' does not exist"
        calls = {
            "add": lambda: service.add_account(uow, principal, "performer-P2", "union", None),
            "get": lambda: service.get_account(uow, principal, "performer-P2"),
            "disable": lambda: service.disable_account(uow, principal, "performer-P2"),
            "password": lambda: service.set_password(
                uow, principal, "performer-P2", PASSWORD, hasher=CHEAP
            ),
            "token": lambda: tokens.create_token(uow, principal, "performer-P2", days=None, now=T0),
            "tokens": lambda: tokens.list_tokens(uow, principal, "performer-P2"),
        }
        for what, call in calls.items():
            with uow, pytest.raises(NotFoundError) as refused:
                call()
            assert str(refused.value) == str(missing.value), what
            # and an account that does exist is hidden the same way
            with uow, pytest.raises(NotFoundError) as hidden:
                service.get_account(uow, principal, "performer-P1")
            assert str(hidden.value) == "account 'performer-P1' does not exist"
        with uow, pytest.raises(NotFoundError, match=r"^no accounts exist$"):
            service.list_accounts(uow, principal)
        with uow, pytest.raises(NotFoundError, match=r"^no tokens exist$"):
            tokens.list_tokens(uow, principal)
        with uow, pytest.raises(NotFoundError) as refused_token:
            tokens.revoke_token(uow, principal, token.id)
        with uow, pytest.raises(NotFoundError) as missing_token:
            tokens.revoke_token(uow, ADMIN, "ffffffffffffffff")
        assert str(refused_token.value) == f"token {token.id!r} does not exist"
        assert str(missing_token.value) == "token 'ffffffffffffffff' does not exist"
        assert [a.name for a in uow.accounts.list()] == ["performer-P1"]
        assert uow.accounts.get("performer-P1").disabled is False
        assert uow.accounts.get_token(token.id).revoked_at is None


class TestAddAccount:
    def test_a_party_must_be_registered(self, uow):
        for role, party, what in (
            ("performer", "P404", "performer"),
            ("representative", "A404", "representative"),
            ("producer", "S404", "producer"),
        ):
            with uow, pytest.raises(InvalidInputError) as caught:
                service.add_account(uow, ADMIN, "x", role, party, now=T0)
            assert str(caught.value) == (
                f"account x: party {party!r} (expected the id of a registered {what})"
            )

    def test_a_representative_and_a_producer_that_exist_are_accepted(self, uow):
        with uow:
            rep = service.add_account(uow, ADMIN, "estate-E1", "representative", "E1", now=T0)
            producer = service.add_account(uow, ADMIN, "s1", "producer", "S1", now=T0)
        assert (rep.principal.actor, producer.principal.actor) == (
            "representative:E1",
            "producer:S1",
        )

    def test_unknown_roles_the_operator_and_misplaced_parties_are_bad_input(self, uow):
        cases = {
            ("x", "boss", None): "account x: role 'boss' (expected one of performer,"
            " representative, producer, union, admin)",
            ("x", "operator", None): "account x: role 'operator' (expected one of performer,"
            " representative, producer, union, admin; the operator is never an account)",
            ("x", "admin", "P1"): "account x: a admin account acts as no party (got party"
            " 'P1', expected none)",
            ("x", "producer", None): "account x: a producer account needs the party it acts as"
            " (expected --party with a producer id)",
            ("a b", "union", None): "account name 'a b' (expected 1 to 64 characters of letters,"
            " digits and . _ @ -)",
        }
        for (name, role, party), message in cases.items():
            with uow, pytest.raises(InvalidInputError) as caught:
                service.add_account(uow, ADMIN, name, role, party, now=T0)
            assert str(caught.value) == message

    def test_a_name_is_taken_once(self, uow):
        with uow, pytest.raises(ConflictError) as caught:
            service.add_account(uow, ADMIN, "performer-P1", "performer", "P2", now=T0)
        assert str(caught.value) == "account 'performer-P1' already exists (expected a new name)"


class TestEmail:
    def test_an_account_is_added_with_an_address_and_its_entry_does_not_hold_it(self, uow):
        with uow:
            added = service.add_account(
                uow, ADMIN, "union", "union", None, email="desk@union.example", now=T0
            )
        assert added.email == uow.accounts.get("union").email == "desk@union.example"
        assert uow.ledger.entries[-1] == (
            "account-added",
            "admin",
            {"name": "union", "role": "union", "party": None},
        )

    @pytest.mark.parametrize("principal", [ADMIN, OPERATOR])
    def test_an_admin_and_the_operator_set_and_clear_an_address(self, uow, principal):
        with uow:
            changed = service.set_email(uow, principal, "performer-P1", " dana@example.org ")
        assert changed.email == "dana@example.org"
        assert uow.accounts.addresses(Role.PERFORMER, "P1") == ["dana@example.org"]
        with uow:
            cleared = service.set_email(uow, principal, "performer-P1", None)
        assert cleared.email is None
        assert uow.accounts.addresses(Role.PERFORMER, "P1") == []
        assert uow.ledger.entries[-2:] == [
            ("account-email-changed", principal.actor, {"name": "performer-P1", "email": "set"}),
            (
                "account-email-changed",
                principal.actor,
                {"name": "performer-P1", "email": "cleared"},
            ),
        ]

    @pytest.mark.parametrize("principal", [UNION, P1, S1])
    def test_anyone_else_is_answered_as_if_the_account_did_not_exist(self, uow, principal):
        with uow, pytest.raises(NotFoundError, match=r"^account 'performer-P1' does not exist$"):
            service.set_email(uow, principal, "performer-P1", "dana@example.org")
        assert uow.accounts.get("performer-P1").email is None

    def test_a_malformed_address_is_bad_input_and_changes_nothing(self, uow):
        for bad in ("dana", "", "a b@c"):
            with uow, pytest.raises(InvalidInputError) as caught:
                service.set_email(uow, ADMIN, "performer-P1", bad)
            assert str(caught.value) == (
                f"account performer-P1: email {bad.strip()!r} (expected an address with one @,"
                " no spaces, at most 320 ASCII characters)"
            )
        with uow, pytest.raises(InvalidInputError, match="email 'x'"):
            service.add_account(uow, ADMIN, "union", "union", None, email="x", now=T0)
        assert uow.accounts.get("performer-P1").email is None
        assert uow.accounts.get("union") is None

    def test_addresses_are_those_of_enabled_accounts_of_that_party(self, uow):
        with uow:
            service.set_email(uow, ADMIN, "performer-P1", "dana@example.org")
            service.add_account(uow, ADMIN, "p1-b", "performer", "P1", email="b@x.org", now=T0)
            service.add_account(uow, ADMIN, "p1-c", "performer", "P1", email="c@x.org", now=T0)
            service.add_account(uow, ADMIN, "p1-d", "performer", "P1", now=T0)
            service.add_account(uow, ADMIN, "p2", "performer", "P2", email="p2@x.org", now=T0)
            service.add_account(uow, ADMIN, "union", "union", None, email="u@x.org", now=T0)
            service.add_account(uow, ADMIN, "union2", "union", None, email="u@x.org", now=T0)
            service.disable_account(uow, ADMIN, "p1-c", now=T0)
        assert uow.accounts.addresses(Role.PERFORMER, "P1") == ["b@x.org", "dana@example.org"]
        assert uow.accounts.addresses(Role.UNION, None) == ["u@x.org"]
        assert uow.accounts.addresses(Role.PRODUCER, "P1") == []


class TestPasswords:
    def test_a_password_is_stored_as_an_argon2id_hash(self, uow):
        with uow:
            service.set_password(uow, ADMIN, "performer-P1", PASSWORD, hasher=CHEAP)
        stored = uow.accounts.password_hash("performer-P1")
        assert stored.startswith("$argon2id$")
        assert PASSWORD not in stored
        assert uow.accounts.get("performer-P1").has_password is True
        assert all(PASSWORD not in repr(entry) for entry in uow.ledger.entries)

    def test_the_production_hasher_is_argon2id(self):
        assert service.default_hasher().hash("x" * 12).startswith("$argon2id$v=19$m=65536,t=3,p=4$")

    def test_a_short_password_is_refused(self, uow):
        with uow, pytest.raises(InvalidInputError) as caught:
            service.set_password(uow, ADMIN, "performer-P1", "eleven char", hasher=CHEAP)
        assert str(caught.value) == (
            "account performer-P1: the password has 11 characters (expected at least 12)"
        )
        assert uow.accounts.password_hash("performer-P1") is None


class TestTokens:
    def test_a_token_is_shown_once_and_only_its_sha256_is_kept(self, uow):
        token, secret = _token(uow)
        prefix, token_id, rest = secret[:3], secret[3:19], secret[20:]
        assert (prefix, token_id, secret[19]) == ("lk_", token.id, "_")
        assert len(rest) == 43  # secrets.token_urlsafe(32): 256 bits
        assert (
            uow.accounts.token_secret_hash(token.id) == hashlib.sha256(secret.encode()).hexdigest()
        )
        assert token.expires_at == T0 + dt.timedelta(days=90)
        assert uow.ledger.entries[-1] == (
            "token-created",
            "admin",
            {
                "id": token.id,
                "account": "performer-P1",
                "expires_at": "2025-08-30T12:00:00+00:00",
            },
        )
        assert all(rest not in repr(entry) for entry in uow.ledger.entries)

    @pytest.mark.parametrize("days", [0, -1, 3651])
    def test_days_must_be_from_1_to_3650(self, uow, days):
        with uow, pytest.raises(InvalidInputError) as caught:
            tokens.create_token(uow, ADMIN, "performer-P1", days=days, now=T0)
        assert str(caught.value) == f"--days {days} (expected 1 to 3650)"

    def test_listing_and_revoking(self, uow):
        first, _ = _token(uow, days=1)
        second, _ = _token(uow, days=3650, now=T0 + seconds(1))
        with uow:
            service.add_account(uow, ADMIN, "union", "union", None, now=T0)
        third, _ = _token(uow, name="union")
        with uow:
            expected = [first, third] if first.id < third.id else [third, first]
            assert tokens.list_tokens(uow, ADMIN) == [*expected, second]
            assert tokens.list_tokens(uow, ADMIN, "union") == [third]
            revoked = tokens.revoke_token(uow, ADMIN, second.id, now=T0 + seconds(5))
        assert revoked.state(T0 + seconds(5)) == "revoked"
        assert uow.ledger.entries[-1] == (
            "token-revoked",
            "admin",
            {"id": second.id, "account": "performer-P1"},
        )
        with uow, pytest.raises(ConflictError, match=r"already revoked at 2025-06-01T12:00:05"):
            tokens.revoke_token(uow, ADMIN, second.id)
        with uow, pytest.raises(NotFoundError, match=r"^account 'nobody' does not exist$"):
            tokens.list_tokens(uow, ADMIN, "nobody")

    def test_disabling_an_account_revokes_its_tokens_and_refuses_new_ones(self, uow):
        token, _secret = _token(uow)
        with uow:
            service.disable_account(uow, ADMIN, "performer-P1", now=T0 + seconds(1))
        assert uow.accounts.get_token(token.id).revoked_at == T0 + seconds(1)
        assert [e[0] for e in uow.ledger.entries[-2:]] == ["account-disabled", "token-revoked"]
        with uow, pytest.raises(ConflictError, match=r"^account 'performer-P1' is disabled"):
            tokens.create_token(uow, ADMIN, "performer-P1", days=None, now=T0)
        with uow, pytest.raises(ConflictError, match=r"is already disabled$"):
            service.disable_account(uow, ADMIN, "performer-P1")


class TestAuthenticate:
    def test_a_good_token_gives_the_accounts_principal(self, uow):
        _token_value, secret = _token(uow)
        with uow:
            assert tokens.authenticate(uow, secret, now=T0 + seconds(1)) == P1

    def test_every_bad_token_gets_the_same_answer(self, uow):
        revoked, revoked_secret = _token(uow)
        with uow:
            tokens.revoke_token(uow, ADMIN, revoked.id, now=T0)
        _expired, expired_secret = _token(uow, days=1)
        with uow:
            service.add_account(uow, ADMIN, "union", "union", None, now=T0)
        _t, disabled_secret = _token(uow, name="union")
        with uow:
            service.disable_account(uow, ADMIN, "union", now=T0)
            # a disabled account's token would fail even were it not revoked
            uow.accounts.tokens[_t.id] = _t
            uow.commit()
        _good, good_secret = _token(uow)
        tampered = good_secret[:-1] + ("A" if good_secret[-1] != "A" else "B")
        unknown = "lk_ffffffffffffffff_" + good_secret[20:]
        bad = {
            "revoked": revoked_secret,
            "expired": expired_secret,
            "disabled": disabled_secret,
            "tampered": tampered,
            "unknown": unknown,
            "empty": "",
            "malformed": "lk_123",
            "no prefix": good_secret[3:],
            "a password": PASSWORD,
        }
        later = T0 + dt.timedelta(days=2)
        for what, token in bad.items():
            with uow, pytest.raises(UnauthorizedError) as caught:
                tokens.authenticate(uow, token, now=later)
            assert str(caught.value) == INVALID, what
        with uow:
            assert tokens.authenticate(uow, good_secret, now=later) == P1

    def test_last_used_is_written_at_most_once_a_minute(self, uow):
        token, secret = _token(uow)
        commits = uow.committed
        stamps = []
        for offset in (0, 30, 59, 60, 61, 119, 121):
            with uow:
                tokens.authenticate(uow, secret, now=T0 + seconds(offset))
            stamps.append(uow.accounts.get_token(token.id).last_used_at)
        assert stamps == [T0 + seconds(s) for s in (0, 0, 0, 60, 60, 60, 121)]
        assert uow.committed - commits == 3  # only the three writes committed


class TestSignIn:
    @pytest.fixture
    def ready(self, uow):
        with uow:
            service.set_password(uow, ADMIN, "performer-P1", PASSWORD, hasher=CHEAP)
        return uow

    def _sign_in(self, uow, name, password, now):
        with uow:
            return service.sign_in(uow, name, password, now=now, hasher=CHEAP)

    def test_the_right_password_gives_the_principal(self, ready):
        assert self._sign_in(ready, "performer-P1", PASSWORD, T0) == P1

    def test_every_failure_gets_the_same_answer_and_is_counted(self, ready):
        with ready:
            service.add_account(ready, ADMIN, "union", "union", None, now=T0)  # no password
            service.add_account(ready, ADMIN, "off", "admin", None, now=T0)
            service.set_password(ready, ADMIN, "off", PASSWORD, hasher=CHEAP)
            service.disable_account(ready, ADMIN, "off", now=T0)
        for name, password in (
            ("performer-P1", "wrong password"),
            ("nobody", PASSWORD),
            ("union", PASSWORD),
            ("off", PASSWORD),
            ("not a name!", PASSWORD),
        ):
            with pytest.raises(UnauthorizedError) as caught:
                self._sign_in(ready, name, password, T0)
            assert str(caught.value) == "wrong account name or password", name
        counted = {n: f.failures for n, f in ready.accounts.failure_counts.items()}
        assert counted == {"performer-P1": 1, "nobody": 1, "union": 1, "off": 1}

    @pytest.mark.parametrize("name", ["performer-P1", "nobody"])
    def test_five_failures_lock_the_name_with_a_doubling_wait(self, ready, name):
        now = T0
        for _ in range(4):
            with pytest.raises(UnauthorizedError):
                self._sign_in(ready, name, "wrong password", now)
        assert ready.accounts.failures(name).locked_until is None
        waits = []
        for expected in (30, 60, 120, 240, 480, 900, 900):
            with pytest.raises(UnauthorizedError):
                self._sign_in(ready, name, "wrong password", now)
            with pytest.raises(TooManyRequestsError) as locked:
                self._sign_in(ready, name, PASSWORD, now + seconds(0.5))  # not even checked
            waits.append(locked.value.retry_after)
            assert str(locked.value) == (
                f"too many failed sign-ins for {name!r}: try again in {expected} seconds"
            )
            with pytest.raises(TooManyRequestsError) as still:
                self._sign_in(ready, name, PASSWORD, now + seconds(expected - 1))
            assert still.value.retry_after == 1
            now += seconds(expected)
        assert waits == [30, 60, 120, 240, 480, 900, 900]
        assert ready.accounts.failures(name).failures == 11

    def test_success_after_the_lock_resets_the_count(self, ready):
        for _ in range(5):
            with pytest.raises(UnauthorizedError):
                self._sign_in(ready, "performer-P1", "wrong password", T0)
        assert self._sign_in(ready, "performer-P1", PASSWORD, T0 + seconds(30)) == P1
        assert ready.accounts.failures("performer-P1") is None
        for _ in range(4):
            with pytest.raises(UnauthorizedError):
                self._sign_in(ready, "performer-P1", "wrong password", T0 + seconds(31))
        assert ready.accounts.failures("performer-P1").locked_until is None
