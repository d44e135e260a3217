"""Accounts and tokens check their invariants when built (SPEC §10)."""

from __future__ import annotations

import datetime as dt

import pytest

from likeness.domain.accounts import Account, SignInFailures, Token, lock_seconds
from likeness.domain.principals import Principal, Role

T0 = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
ID = "0123456789abcdef"


class TestAccount:
    @pytest.mark.parametrize(
        ("role", "party", "actor"),
        [
            (Role.PERFORMER, "P1", "performer:P1"),
            (Role.REPRESENTATIVE, "E3", "representative:E3"),
            (Role.PRODUCER, "S1", "producer:S1"),
            (Role.UNION, None, "union"),
            (Role.ADMIN, None, "admin"),
        ],
    )
    def test_an_account_acts_as_its_role_and_party(self, role, party, actor):
        account = Account("someone", role, party, False, T0)
        assert account.principal == Principal(role, party)
        assert account.principal.actor == actor
        assert account.has_password is False

    @pytest.mark.parametrize("name", ["a", "x" * 64, "dana.ruiz@example.org", "agent_R-1"])
    def test_well_formed_names_are_accepted(self, name):
        assert Account(name, Role.ADMIN, None, False, T0).name == name

    @pytest.mark.parametrize("name", ["", "x" * 65, "dana ruiz", "dana/ruiz", "ärger", "a:b"])
    def test_malformed_names_are_refused(self, name):
        with pytest.raises(ValueError) as caught:
            Account(name, Role.ADMIN, None, False, T0)
        assert str(caught.value) == (
            f"account name {name!r} (expected 1 to 64 characters of letters, digits and . _ @ -)"
        )

    def test_the_operator_is_never_an_account(self):
        with pytest.raises(ValueError) as caught:
            Account("root", Role.OPERATOR, None, False, T0)
        assert str(caught.value) == (
            "account root: role 'operator' (expected one of performer, representative,"
            " producer, union, admin; the operator is never an account)"
        )

    @pytest.mark.parametrize("role", [Role.PERFORMER, Role.REPRESENTATIVE, Role.PRODUCER])
    def test_a_party_role_needs_a_party(self, role):
        with pytest.raises(ValueError) as caught:
            Account("x", role, None, False, T0)
        assert str(caught.value) == (
            f"account x: a {role} account needs the party it acts as"
            f" (expected --party with a {role} id)"
        )

    @pytest.mark.parametrize("role", [Role.UNION, Role.ADMIN])
    def test_the_union_and_an_admin_have_no_party(self, role):
        with pytest.raises(ValueError) as caught:
            Account("x", role, "P1", False, T0)
        assert str(caught.value) == (
            f"account x: a {role} account acts as no party (got party 'P1', expected none)"
        )

    def test_a_naive_time_is_refused(self):
        with pytest.raises(ValueError, match=r"created_at 2025-06-01T12:00:00 has no time zone"):
            Account("x", Role.ADMIN, None, False, T0.replace(tzinfo=None))

    @pytest.mark.parametrize(
        "email", ["dana@example.org", "a@b", "o'brien+notices@mail.example.co.uk", "x@" + "y" * 318]
    )
    def test_an_address_with_one_at_sign_and_no_spaces_is_accepted(self, email):
        assert Account("x", Role.ADMIN, None, False, T0, email=email).email == email

    @pytest.mark.parametrize(
        "email",
        [
            "",
            "dana",
            "@example.org",
            "dana@",
            "a@b@c",
            "dana @example.org",
            "dana@x.org\nBcc: y@z",
            "x@" + "y" * 319,
            "a,evil@x.org",  # would be two recipients in a To: header
            "dana<x@y.org>",
            "a..b@x.org",
            "dana@bücher.de",
        ],
    )
    def test_anything_else_is_refused_as_an_address(self, email):
        with pytest.raises(ValueError) as caught:
            Account("x", Role.ADMIN, None, False, T0, email=email)
        assert str(caught.value) == (
            f"account x: email {email!r} (expected an address with one @, no spaces, at most"
            " 320 ASCII characters)"
        )

    def test_an_account_has_no_address_unless_given_one(self):
        assert Account("x", Role.ADMIN, None, False, T0).email is None


class TestToken:
    def test_a_token_is_active_until_it_expires(self):
        token = Token(ID, "union", T0, T0 + dt.timedelta(days=90))
        assert token.state(T0) == "active"
        assert token.state(T0 + dt.timedelta(days=90, seconds=-1)) == "active"
        assert token.state(T0 + dt.timedelta(days=90)) == "expired"

    def test_a_token_without_expiry_never_expires(self):
        assert Token(ID, "union", T0).state(T0 + dt.timedelta(days=100_000)) == "active"

    def test_a_revoked_token_is_revoked_whether_or_not_it_expired(self):
        token = Token(ID, "union", T0, T0 + dt.timedelta(days=1), revoked_at=T0)
        assert token.state(T0) == "revoked"
        assert token.state(T0 + dt.timedelta(days=2)) == "revoked"

    @pytest.mark.parametrize("bad", ["", "0123456789ABCDEF", "0123456789abcde", "g" * 16])
    def test_a_malformed_id_is_refused(self, bad):
        with pytest.raises(ValueError) as caught:
            Token(bad, "union", T0)
        assert str(caught.value) == f"token id {bad!r} (expected 16 lower-case hex digits)"

    def test_it_cannot_expire_before_it_was_made(self):
        with pytest.raises(ValueError) as caught:
            Token(ID, "union", T0, T0)
        assert str(caught.value) == (
            f"token {ID}: expires_at 2025-06-01T12:00:00+00:00 (expected after created_at"
            " 2025-06-01T12:00:00+00:00)"
        )

    def test_a_malformed_account_name_is_refused(self):
        with pytest.raises(ValueError, match=r"^token 0123456789abcdef: account 'a b' \(expected"):
            Token(ID, "a b", T0)


class TestLockout:
    def test_a_name_is_locked_from_the_fifth_failure_doubling_up_to_fifteen_minutes(self):
        assert [lock_seconds(n) for n in range(1, 12)] == [
            0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900,
        ]  # fmt: skip
        assert lock_seconds(10**9) == 900

    def test_failures_are_never_negative(self):
        with pytest.raises(ValueError, match=r"sign-in failures for 'x': -1 \(expected >= 0\)"):
            SignInFailures("x", -1, None, T0)
