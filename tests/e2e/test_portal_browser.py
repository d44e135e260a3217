"""The portal in real headless Chromium, against `likeness serve` on a free local port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import LIKENESS, run_cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`likeness serve` with the demo data, on a free port; yields its base URL."""
    home = tmp_path_factory.mktemp("portal") / "home"
    assert run_cli(home, "init").returncode == 0
    assert run_cli(home, "demo").returncode == 0
    port = _free_port()
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("LIKENESS_")}
    env["LIKENESS_HOME"] = str(home)
    proc = subprocess.Popen(
        [LIKENESS, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("likeness serve did not answer /health within 30 s")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path):  # type: ignore[no-untyped-def]
    context = browser.new_context()
    pg = context.new_page()
    yield pg
    context.close()


def sign_in(page, server: str, name: str, then: str = "/") -> None:  # type: ignore[no-untyped-def]
    """Go to ``then``, get sent to the sign-in form, sign in with the demo password."""
    page.goto(server + then)
    page.wait_for_url(server + "/sign-in?next=" + then)
    page.get_by_label("Account").fill(name)
    page.get_by_label("Password").fill(f"demo-password-{name}")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server + then)
    assert page.get_by_test_id("signed-in-as").inner_text() == name


def test_the_union_finds_a_deceased_performer_and_her_replica(server, page, tmp_path):
    sign_in(page, server, "union")
    assert page.get_by_test_id("count-performers").inner_text() == "7"
    page.get_by_role("link", name="Performers").first.click()
    page.wait_for_url(server + "/performers")
    rows = page.get_by_test_id("performers-table").locator("tbody tr")
    assert rows.count() == 7
    page.get_by_role("link", name="P3", exact=True).click()
    page.wait_for_url(server + "/performers/P3")
    assert page.get_by_role("heading", level=1).inner_text() == "Ruth Calder"
    record = page.get_by_test_id("record").inner_text()
    assert "2024-05-10" in record and "estate" in record
    # her estate's consent is cited for the flashback: bargained 5,000 plus 21% pension-health
    assert "E3" in page.get_by_test_id("consents-table").inner_text()
    assert page.get_by_test_id("total-pay").inner_text() == "$5,000.00"
    assert page.get_by_test_id("total-pension-health").inner_text() == "$1,050.00"
    page.get_by_test_id("related-replicas").get_by_role("link", name="D3").click()
    page.wait_for_url(server + "/replicas/D3")
    assert "independently-created" in page.get_by_test_id("record").inner_text()
    page.screenshot(path=str(tmp_path / "replica.png"))


def test_a_performer_sees_only_herself_and_signs_out(server, page, tmp_path):
    sign_in(page, server, "performer-P1", "/performers/P1")
    assert page.get_by_role("heading", level=1).inner_text() == "Dana Ruiz"
    assert page.get_by_test_id("total-pay").inner_text() == "$432.00"
    page.screenshot(path=str(tmp_path / "performer.png"))
    page.goto(server + "/")
    assert page.get_by_test_id("count-performers").inner_text() == "1"
    assert page.goto(server + "/performers/P2").status == 404  # type: ignore[union-attr]
    page.goto(server + "/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(server + "/sign-in")
    page.goto(server + "/performers/P1")
    page.wait_for_url(server + "/sign-in?next=/performers/P1")


def test_a_wrong_password_says_so_and_keeps_the_visitor_out(server, page):
    page.goto(server + "/sign-in")
    page.get_by_label("Account").fill("performer-P2")
    page.get_by_label("Password").fill("not her password at all")
    page.get_by_role("button", name="Sign in").click()
    assert "wrong account name or password" in page.get_by_test_id("sign-in-error").inner_text()


def test_an_unknown_page_shows_the_error_page(server, page):
    sign_in(page, server, "union")
    response = page.goto(server + "/replicas/D404")
    assert response is not None and response.status == 404
    assert "replica 'D404' does not exist" in page.get_by_test_id("error-message").inner_text()


def test_the_api_docs_show_the_routes_without_internet(server, page):
    """Swagger UI starts under the content security policy with every other host cut off."""
    offsite: list[str] = []

    def only_this_server(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith(server):
            route.continue_()
        else:
            offsite.append(route.request.url)
            route.abort()

    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.route("**/*", only_this_server)
    page.goto(f"{server}/docs")
    page.wait_for_selector(".opblock", timeout=20_000)
    assert page.locator(".opblock-summary-path", has_text="/v1/health").count() >= 1
    assert offsite == []
    assert [e for e in errors if "Content Security Policy" in e] == []
