"""``likeness notices send`` as an operator runs it (SPEC §11): off without LIKENESS_SMTP_URL,
one pass, or ``--watch`` until SIGTERM or Ctrl-C, against a real SMTP server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

from sqlalchemy import select

from likeness.storage.database import make_engine
from likeness.storage.tables import ledger_entries
from tests.e2e.conftest import LIKENESS
from tests.mail_server import mail_server

EMAIL_OFF = (
    "error: email is off: LIKENESS_SMTP_URL is not set (expected e.g."
    " smtp://mail.example.org:25); notices stay in the outbox and are shown in the portal and"
    " API\n"
)


def ok(out):
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_without_an_smtp_url_email_is_off_and_nothing_is_touched(cli):
    out = cli("notices", "send")
    assert (out.returncode, out.stdout, out.stderr) == (2, "", EMAIL_OFF)
    assert not cli.home.exists()  # not even the data directory was made


def test_a_bad_smtp_url_is_refused_naming_the_setting(cli):
    ok(cli("init"))
    out = cli("notices", "send", env={"LIKENESS_SMTP_URL": "mail.example.org:25"})
    assert out.returncode == 2
    assert out.stderr.startswith("error: LIKENESS_SMTP_URL has the scheme 'mail.example.org'")


def _watch(cli, env, stop_with):
    """Run ``notices send --watch`` until its first pass is done, then stop it with a signal;
    its exit status and output."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LIKENESS_")}
    full_env.update(env, LIKENESS_HOME=str(cli.home))
    proc = subprocess.Popen(
        [LIKENESS, "notices", "send", "--watch", "--interval", "0.2"],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # printed once the signal handlers are in place
        assert first.startswith("sending notices through 127.0.0.1:"), first
        time.sleep(1.5)  # a few passes
        proc.send_signal(stop_with)
        rest, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, first + rest, err


def test_notices_are_sent_once_by_a_pass_and_by_a_watching_sender(cli):
    ok(cli("init"))
    ok(cli("demo"))
    with mail_server() as server:
        env = {"LIKENESS_SMTP_URL": server.url, "LIKENESS_MAIL_FROM": "likeness@demo.example"}
        listed = json.loads(ok(cli("notices", "list", "--json", "--limit", "500")))
        total = listed["total"]
        # a watching sender sends everything, then stops cleanly on SIGTERM
        status, out, err = _watch(cli, env, signal.SIGTERM)
        assert (status, err) == (0, "")
        lines = out.splitlines()
        assert lines[-1] == "stopped; unsent notices stay in the outbox"
        assert len(lines) == 3, lines  # the first pass did everything; the next ones nothing
        sent = len(server.inbox)
        assert sent > 0
        assert lines[1].endswith(f" sent {sent}, failed 0, no address {total - sent}")
        assert all(
            r.rcpt_tos and all(a.endswith("@demo.likeness.example") for a in r.rcpt_tos)
            for r in server.inbox.received
        )
        assert set(server.inbox.message_ids().values()) == {1}
        assert all(i.endswith("@demo.example>") for i in server.inbox.message_ids())
        # one more pass finds nothing to do; Ctrl-C stops a watching sender as cleanly
        assert ok(cli("notices", "send", env=env)) == "sent 0, failed 0, no address 0\n"
        status, out, err = _watch(cli, env, signal.SIGINT)
        assert (status, err, out.splitlines()[1:]) == (
            0,
            "",
            ["stopped; unsent notices stay in the outbox"],
        )
        assert len(server.inbox) == sent
    listed = json.loads(ok(cli("notices", "list", "--json", "--limit", "500")))
    emails = [item["email"] for item in listed["items"]]
    assert (emails.count("sent"), emails.count("no-address")) == (sent, total - sent)
    engine = make_engine(f"sqlite:///{cli.home / 'likeness.db'}")
    with engine.connect() as conn:
        kinds = conn.execute(select(ledger_entries.c.kind)).scalars().all()
    engine.dispose()
    assert kinds.count("notice-sent") == sent
