"""``likeness account`` and ``likeness token`` as a user runs them (SPEC §10): accounts,
passwords from standard input, tokens shown once and never again, errors on one line."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

TOKEN = re.compile(r"lk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}")


@pytest.fixture
def ready(cli, tmp_path):
    assert cli("init").returncode == 0
    world = tmp_path / "world.yaml"
    world.write_text(
        "producers: [{id: S1, name: Studio One}]\n"
        "performers:\n"
        "  - {id: P1, name: Dana Ruiz, category: background, born: 1990-04-02}\n"
    )
    assert cli("import", str(world)).returncode == 0
    return cli


def ok(out):
    assert out.returncode == 0, out.stderr
    return out.stdout


def with_stdin(cli, text, *args):
    return cli(*args, input=text)


def test_accounts_are_added_listed_and_disabled(ready):
    assert ok(ready("account", "add", "dana", "--role", "performer", "--party", "P1")) == (
        "added account dana (performer:P1)\n"
    )
    assert ok(ready("account", "add", "union", "--role", "union")) == (
        "added account union (union)\n"
    )
    listed = json.loads(ok(ready("account", "list", "--json")))
    assert [(a["name"], a["role"], a["party"], a["disabled"], a["password"]) for a in listed] == [
        ("dana", "performer", "P1", False, False),
        ("union", "union", None, False, False),
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", listed[0]["created"])
    assert "union" in ok(ready("account", "list"))
    assert ok(ready("account", "disable", "union")) == (
        "disabled account union; its tokens are revoked\n"
    )
    listed = json.loads(ok(ready("account", "list", "--json")))
    assert [a["disabled"] for a in listed] == [False, True]


def test_an_email_address_is_added_set_cleared_and_listed(ready):
    assert ok(
        ready(
            "account", "add", "dana", "--role", "performer", "--party", "P1", "--email", "d@x.org"
        )
    ) == ("added account dana (performer:P1)\n")
    assert json.loads(ok(ready("account", "list", "--json")))[0]["email"] == "d@x.org"
    assert ok(ready("account", "email", "dana", "dana@example.org")) == (
        "email of account dana set to dana@example.org\n"
    )
    assert "dana@example.org" in ok(ready("account", "list", env={"COLUMNS": "200"}))
    assert ok(ready("account", "email", "dana", "--clear")) == (
        "email cleared for account dana; its notices are only shown\n"
    )
    assert json.loads(ok(ready("account", "list", "--json")))[0]["email"] is None
    cases = {
        ("account", "email", "dana"): (
            "error: account dana: give either an email address or --clear (got neither)\n"
        ),
        ("account", "email", "dana", "d@x.org", "--clear"): (
            "error: account dana: give either an email address or --clear (got both)\n"
        ),
        ("account", "email", "dana", "dana"): (
            "error: account dana: email 'dana' (expected an address with one @, no spaces, at"
            " most 320 ASCII characters)\n"
        ),
        ("account", "email", "nobody", "n@x.org"): "error: account 'nobody' does not exist\n",
        ("--as", "union", "account", "email", "dana", "n@x.org"): (
            "error: account 'dana' does not exist\n"
        ),
    }
    for args, message in cases.items():
        out = ready(*args)
        assert (out.returncode, out.stderr) == (2, message), args


def test_bad_accounts_exit_2_with_one_line(ready):
    cases = {
        ("account", "add", "x", "--role", "performer", "--party", "P9"): (
            "error: account x: party 'P9' (expected the id of a registered performer)\n"
        ),
        ("account", "add", "x", "--role", "operator"): (
            "error: account x: role 'operator' (expected one of performer, representative,"
            " producer, union, admin; the operator is never an account)\n"
        ),
        ("account", "disable", "nobody"): "error: account 'nobody' does not exist\n",
        ("--as", "union", "account", "list"): "error: no accounts exist\n",
        ("--as", "producer:S1", "token", "create", "nobody"): (
            "error: account 'nobody' does not exist\n"
        ),
    }
    for args, message in cases.items():
        out = ready(*args)
        assert (out.returncode, out.stderr) == (2, message), args


def test_a_password_is_read_from_standard_input(ready):
    ok(ready("account", "add", "dana", "--role", "performer", "--party", "P1"))
    out = with_stdin(ready, "a long enough password\n", "account", "password", "dana")
    assert (out.returncode, out.stdout, out.stderr) == (0, "password set for account dana\n", "")
    assert json.loads(ok(ready("account", "list", "--json")))[0]["password"] is True
    empty = with_stdin(ready, "\n", "account", "password", "dana")
    assert (empty.returncode, empty.stderr) == (
        2,
        "error: account dana: no password on standard input (expected one line)\n",
    )
    short = with_stdin(ready, "too short\n", "account", "password", "dana")
    assert (short.returncode, short.stderr) == (
        2,
        "error: account dana: the password has 9 characters (expected at least 12)\n",
    )


def test_a_token_is_shown_once_listed_without_secrets_and_revoked(ready, tmp_path):
    ok(ready("account", "add", "dana", "--role", "performer", "--party", "P1"))
    out = ready("token", "create", "dana", "--days", "7")
    lines = ok(out).splitlines()
    match = TOKEN.fullmatch(lines[0])
    assert match, lines[0]
    token_id = match.group(1)
    assert lines[1:3] == [f"id: {token_id}", "account: dana"]
    assert re.fullmatch(r"expires: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", lines[3])
    assert out.stderr == (
        "warning: this token is not shown again; store it now (only its hash is kept)\n"
    )
    secret = lines[0]
    listed = json.loads(ok(ready("token", "list", "--json")))
    assert [(t["id"], t["account"], t["state"], t["last_used"]) for t in listed] == [
        (token_id, "dana", "active", None)
    ]
    table = ok(ready("token", "list", "--account", "dana"))
    assert token_id in table
    assert ok(ready("token", "revoke", token_id)) == f"revoked token {token_id} of account dana\n"
    listed = json.loads(ok(ready("token", "list", "--json")))
    assert [t["state"] for t in listed] == ["revoked"]
    again = ready("token", "revoke", token_id)
    assert again.returncode == 2
    assert again.stderr.startswith(f"error: token {token_id} was already revoked at ")
    bad_days = ready("token", "create", "dana", "--days", "0")
    assert (bad_days.returncode, bad_days.stderr) == (2, "error: --days 0 (expected 1 to 3650)\n")

    # the secret and its hash appear nowhere: not in listings, not in the ledger export
    digest = hashlib.sha256(secret.encode()).hexdigest()
    export = tmp_path / "export"
    ok(ready("ledger", "export", str(export)))
    exported = "".join(p.read_text(errors="replace") for p in export.iterdir() if p.is_file())
    listings = ok(ready("token", "list", "--json")) + ok(ready("token", "list"))
    for text in (exported, listings):
        assert secret not in text
        assert secret.split("_", 2)[2] not in text
        assert digest not in text
    assert '"token-created"' in exported or "token-created" in exported
