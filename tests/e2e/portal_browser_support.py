"""What the portal's browser tests share: `likeness serve` over the demo data on a free port,
headless Chromium, signing in, and looking at a page (axe-core, screenshots at 1280 and 375 px
under tests/artifacts/)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import LIKENESS, run_cli
from tests.live_server import free_port

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
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
#: the widths every main page is photographed at: a laptop and a small phone
WIDTHS = (1280, 375)
#: axe-core impacts that fail a page
BLOCKING = ("serious", "critical")


@contextmanager
def demo_portal(home: Path) -> Iterator[str]:
    """`likeness serve` over a fresh demo (with a signed ledger head); yields its base URL."""
    for args in (("init",), ("demo",), ("ledger", "head")):
        result = run_cli(home, *args)
        assert result.returncode == 0, result.stderr
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIKENESS_")}
    env["LIKENESS_HOME"] = str(home)
    log = (home / "serve.log").open("wb")
    proc = subprocess.Popen(
        [LIKENESS, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("likeness serve did not answer /health within 30 s")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@contextmanager
def chromium() -> Iterator[Any]:
    """One headless Chromium for a module."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Any, server: str, name: str) -> None:
    """Sign in as the demo account ``name`` (its demo password) from the sign-in page."""
    page.goto(server + "/sign-in")
    page.get_by_label("Account").fill(name)
    page.get_by_label("Password").fill(f"demo-password-{name}")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("signed-in-as").inner_text() == name


def look(page: Any, name: str) -> None:
    """Check the page with axe-core (no serious or critical violation) and photograph it at
    each of :data:`WIDTHS` as tests/artifacts/portal-NAME-WIDTH.png."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING
    ]
    assert blocking == [], f"{name}: {blocking}"
    ARTIFACTS.mkdir(exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        # readable at that width: nothing makes the whole page scroll sideways (wide tables
        # and the chart scroll inside their own boxes)
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide} px wide at {width} px"
        page.screenshot(path=str(ARTIFACTS / f"portal-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
