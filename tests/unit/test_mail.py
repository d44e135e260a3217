"""SMTP URLs (``LIKENESS_SMTP_URL``): each scheme, its security and default port, and bad URLs
refused naming the setting and the form expected, never showing the password."""

from __future__ import annotations

import pytest

from likeness.errors import InvalidInputError
from likeness.mail import SmtpServer, parse_smtp_url


class TestSmtpUrl:
    @pytest.mark.parametrize(
        ("url", "server"),
        [
            ("smtp://mail.example.org", SmtpServer("plain", "mail.example.org", 25)),
            ("smtp://127.0.0.1:2525/", SmtpServer("plain", "127.0.0.1", 2525)),
            (
                "smtp+starttls://likeness:s%40cret%2F1@mail.example.org",
                SmtpServer("starttls", "mail.example.org", 587, "likeness", "s@cret/1"),
            ),
            (
                "smtps://u:p@mail.example.org:2465",
                SmtpServer("tls", "mail.example.org", 2465, "u", "p"),
            ),
        ],
    )
    def test_each_scheme_has_its_security_and_default_port(self, url, server):
        assert parse_smtp_url(url) == server

    def test_the_password_never_shows(self):
        server = parse_smtp_url("smtps://u:hunter2@mail.example.org")
        assert "hunter2" not in repr(server)

    @pytest.mark.parametrize(
        ("url", "problem"),
        [
            ("http://mail.example.org", "has the scheme 'http'"),
            ("mail.example.org:25", "has the scheme 'mail.example.org'"),
            ("smtp://", "names no host"),
            ("smtp://u:hunter2@mail.example.org:port", "cannot be parsed: Port could not be cast"),
            ("smtp://u:hunter2@mail.example.org:99999", "cannot be parsed: Port out of range"),
            ("smtp://u:hunter2@mail.example.org/inbox", "smtp://mail.example.org: a path, query"),
        ],
    )
    def test_a_bad_url_is_refused_naming_the_setting_and_the_form(self, url, problem):
        with pytest.raises(InvalidInputError) as caught:
            parse_smtp_url(url)
        message = str(caught.value)
        assert message.startswith("LIKENESS_SMTP_URL ")
        assert problem in message
        assert message.endswith(
            "(expected smtp://[USER:PASSWORD@]HOST[:PORT] (port 25), smtp+starttls://... (587)"
            " or smtps://... (465))"
        )
        assert "hunter2" not in message
