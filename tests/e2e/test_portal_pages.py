"""The portal's pages through FastAPI's TestClient: sign-in with lockout, CSRF, sessions, and
what each party sees (the browser itself is tests/e2e/test_portal_browser.py)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from likeness.asgi import create_app
from likeness.cli.main import _demo_document
from likeness.domain.principals import OPERATOR
from likeness.services import accounts
from likeness.services.demo import load_demo
from tests.collaborators import CHEAP_HASHER, DEPS

PASSWORD = "correct horse battery staple"


@pytest.fixture
def portal(container) -> TestClient:
    with container.uow() as uow:
        load_demo(uow, OPERATOR, _demo_document(), deps=DEPS, hasher=CHEAP_HASHER)
        for name, role, party in (
            ("dana", "performer", "P1"),
            ("studio-one", "producer", "S1"),
            ("auditor", "union", None),
        ):
            accounts.add_account(uow, OPERATOR, name, role, party)
            accounts.set_password(uow, OPERATOR, name, PASSWORD, hasher=CHEAP_HASHER)
    return TestClient(create_app(container), base_url="https://testserver")


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD, next: str = "/"):
    form = client.get("/sign-in").text
    return client.post(
        "/sign-in",
        data={"name": name, "password": password, "csrf": _csrf(form), "next": next},
        follow_redirects=False,
    )


def test_a_visitor_is_sent_to_sign_in_and_back(portal):
    response = portal.get("/performers/P1", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/performers/P1"
    signed = sign_in(portal, "dana", next="/performers/P1")
    assert signed.status_code == 303 and signed.headers["location"] == "/performers/P1"
    cookie = signed.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "secure" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    page = portal.get("/performers/P1")
    assert page.status_code == 200 and "Dana Ruiz" in page.text
    assert 'data-testid="signed-in-as">dana<' in page.text


def test_a_sign_in_never_sends_the_visitor_to_another_site(portal):
    assert sign_in(portal, "dana", next="//evil.example/").headers["location"] == "/"


def test_a_performer_sees_herself_only(portal):
    sign_in(portal, "dana")
    home = portal.get("/")
    assert 'data-testid="count-performers">1<' in home.text
    assert portal.get("/performers/P2").status_code == 404
    page = portal.get("/performers/P1").text
    assert "432.00" in page  # the pay her likeness earned


def test_the_union_sees_the_whole_registry(portal):
    sign_in(portal, "auditor")
    home = portal.get("/").text
    assert 'data-testid="count-performers">7<' in home
    page = portal.get("/performers/P3")
    assert "Ruth Calder" in page.text and 'href="/replicas/D3"' in page.text
    assert 'href="/producers/S1"' in portal.get("/productions/F1").text
    unknown = portal.get("/performers/P404")
    assert unknown.status_code == 404 and "text/html" in unknown.headers["content-type"]
    sam = portal.get("/performers/P2").text
    assert (
        '<span class="error">invalid: not-separately-signed, blanket-scope, perpetual-term,'
        " no-compensation</span>"
    ) in sam


def test_a_wrong_password_is_refused_and_repeated_failures_lock_with_back_off(portal):
    for _ in range(5):
        wrong = sign_in(portal, "dana", "not the password at all")
        assert wrong.status_code == 401
        assert "wrong account name or password" in wrong.text
    locked = sign_in(portal, "dana")  # even the right password, while locked
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) == 30
    # an unknown name locks the same way: existence is never revealed
    for _ in range(5):
        assert sign_in(portal, "nobody", "whatever it is").status_code == 401
    assert sign_in(portal, "nobody", "whatever it is").status_code == 429


def test_a_form_without_the_session_s_csrf_token_is_refused(portal):
    portal.get("/sign-in")
    response = portal.post(
        "/sign-in", data={"name": "dana", "password": PASSWORD, "csrf": "forged"}
    )
    assert response.status_code == 403
    signed = sign_in(portal, "dana")
    assert signed.status_code == 303
    assert portal.post("/sign-out", data={"csrf": "forged"}).status_code == 403
    assert portal.get("/", follow_redirects=False).status_code == 200


def test_signing_out_and_disabling_the_account_end_the_session(portal, container):
    sign_in(portal, "dana")
    page = portal.get("/").text
    out = portal.post("/sign-out", data={"csrf": _csrf(page)}, follow_redirects=False)
    assert out.status_code == 303
    assert portal.get("/", follow_redirects=False).status_code == 303
    sign_in(portal, "dana")
    assert portal.get("/", follow_redirects=False).status_code == 200
    with container.uow() as uow:
        accounts.disable_account(uow, OPERATOR, "dana")
    assert portal.get("/", follow_redirects=False).status_code == 303
