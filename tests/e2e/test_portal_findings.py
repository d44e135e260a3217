"""Findings in the portal (SPEC §12, §13), in real headless Chromium: the union scans a leaked
picture of Dana, then the union and Dana each see the finding and its takedown notice draft;
another performer does not. Pages pass axe-core and are photographed under tests/artifacts/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import run_cli
from tests.e2e.portal_browser_support import chromium, demo_portal, look, sign_in
from tests.face_samples import augment, portraits, save

pytestmark = pytest.mark.browser
SOURCE = "https://clips.example/watch/77"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    home = tmp_path_factory.mktemp("findings") / "home"
    media = tmp_path_factory.mktemp("media")
    with demo_portal(home) as base:
        people = portraits()
        face = save(people["collins"], media / "dana-reference.png")
        assert run_cli(home, "replica", "add-asset", "D1", str(face)).returncode == 0
        leak = save(augment(people["collins"], "jpeg-30"), media / "leaked-ad.jpg")
        scan = run_cli(home, "--as", "union", "detect", str(leak), "--source", SOURCE)
        assert scan.returncode == 1 and "NOT COVERED" in scan.stdout, scan.stdout + scan.stderr
        yield base, leak


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def page_as(browser: Any, server: tuple[str, Path]) -> Iterator[Any]:
    contexts = []

    def open_as(name: str) -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        sign_in(page, server[0], name)
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_the_union_sees_the_finding_and_its_takedown_draft(server, page_as):
    base, leak = server
    union = page_as("union")
    union.goto(base + "/union/findings")
    look(union, "union-findings")
    row = union.get_by_test_id("findings").locator("tbody tr")
    assert row.count() == 1
    text = row.first.inner_text()
    assert "P1 (replica D1)" in text and SOURCE in text
    union.get_by_role("link", name="Takedown draft for finding 1").click()
    union.wait_for_load_state()
    draft = union.get_by_test_id("takedown").inner_text()
    assert "TAKEDOWN NOTICE (draft)" in draft
    assert "Dana Ruiz (performer P1)" in draft
    assert str(leak) in draft and SOURCE in draft
    look(union, "finding-takedown")


def test_dana_sees_her_finding_and_another_performer_does_not(server, page_as):
    base, _ = server
    dana = page_as("performer-P1")
    dana.goto(base + "/performers/P1/findings")
    assert dana.get_by_role("link", name="Found in media").get_attribute("aria-current") == "page"
    assert dana.get_by_test_id("findings").locator("tbody tr").count() == 1
    look(dana, "performer-findings")
    sam = page_as("performer-P2")
    assert sam.goto(base + "/performers/P1/findings").status == 404
    assert sam.goto(base + "/findings/1").status == 404
    sam.goto(base + "/performers/P2/findings")
    assert "Nothing found." in sam.get_by_role("main").inner_text()
