"""The portal's journeys in real headless Chromium (issue #13): a producer asks, a performer
grants, uses are recorded and paid, a revocation blocks the next use, blanket terms are
refused with their reason, performers stay out of each other's pages, an estate answers for a
deceased performer, and the union audits. Every page visited passes axe-core and is
photographed at 1280 and 375 px under tests/artifacts/."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.portal_browser_support import chromium, demo_portal, look, sign_in

pytestmark = pytest.mark.browser

TODAY = dt.datetime.now(dt.UTC).date()  # the server runs on the real clock, as people do
BLANKET = "Dana in any production of the studio, in all media now known or hereafter devised"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with demo_portal(tmp_path_factory.mktemp("journeys") / "home") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def as_party(browser: Any, server: str) -> Iterator[Any]:
    """``as_party("performer-P1")``: a page of a fresh browser context, signed in."""
    contexts = []

    def open_as(name: str) -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        sign_in(page, server, name)
        return page

    yield open_as
    for context in contexts:
        context.close()


def _record_use(page: Any, server: str, production: str, replica: str, use: str, day: dt.date):
    page.goto(server + "/producer/uses")
    page.get_by_label("Production").select_option(production)
    page.get_by_label("Replica", exact=True).fill(replica)
    page.get_by_label("Use", exact=True).select_option(use)
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_role("button", name="Record the use").click()
    page.wait_for_load_state()
    return page.get_by_test_id("outcome")


def test_a_consent_is_asked_granted_used_paid_then_revoked(server, as_party):
    producer = as_party("producer-S1")
    producer.goto(server + "/producer/consent-requests")
    look(producer, "producer-consent-requests")
    producer.get_by_label("Replica (or performer, to make a new replica)").fill("D1")
    producer.get_by_label("Harbor Lights II (F2)").check()
    producer.get_by_label("new performance").check()
    producer.get_by_label("What will be made, and where").fill(
        "Dana as a fruit seller on the pier in scene 31 of Harbor Lights II, two close shots"
    )
    producer.get_by_label("Valid from").fill(TODAY.isoformat())
    producer.get_by_label("Valid until").fill((TODAY + dt.timedelta(days=180)).isoformat())
    producer.get_by_label("Pay (USD)").fill("400.00")
    producer.get_by_label("Per", exact=True).select_option("day")
    producer.get_by_role("button", name="Send the request").click()
    flash = producer.get_by_test_id("flash").inner_text()
    request_id = re.search(r"Request (CR-\S+) was sent", flash).group(1)  # type: ignore[union-attr]
    assert producer.get_by_test_id(f"state-{request_id}").inner_text() == "pending"

    performer = as_party("performer-P1")
    performer.goto(server + "/performers/P1/requests")
    card = performer.get_by_test_id(f"request-{request_id}")
    terms = card.inner_text()
    assert "fruit seller on the pier in scene 31" in terms
    assert "$400.00 per day" in terms and "new performance" in terms
    look(performer, "performer-requests")
    card.get_by_role("button", name=f"Grant {request_id}").click()
    performer.wait_for_url(server + "/performers/P1/consents")
    consent = f"C-{request_id}"
    assert performer.get_by_test_id("flash").inner_text() == (
        f"You granted {request_id}: consent {consent} is now in force."
    )
    assert performer.get_by_test_id(f"standing-{consent}").get_attribute("data-state") == "valid"
    look(performer, "performer-consents")

    outcome = _record_use(producer, server, "F2", "D1", "new-performance", TODAY)
    assert outcome.get_by_role("heading").inner_text() == "Allowed and recorded"
    look(producer, "producer-uses")

    performer.goto(server + "/performers/P1/uses")
    use = performer.get_by_test_id("uses-timeline").locator("li.allowed").first
    assert f"Allowed under consent {consent}" in use.inner_text()
    look(performer, "performer-uses")
    performer.goto(server + "/performers/P1/pay")
    lines = performer.get_by_test_id("pay-table").inner_text()
    assert "Harbor Lights II" not in lines and "F2" in lines and "$400.00" in lines
    assert performer.get_by_test_id("earnings-chart").count() == 1
    look(performer, "performer-pay")

    # revoking from the day of the recorded use would undo it: refused, next to the consent
    performer.goto(server + "/performers/P1/consents")
    revoke = performer.get_by_test_id(f"consent-{consent}")
    revoke.get_by_role("button", name=f"Revoke {consent}").click()
    error = performer.get_by_test_id(f"error-{consent}").inner_text()
    assert f"consent {consent}: revoked_on {TODAY} would undo use" in error
    tomorrow = TODAY + dt.timedelta(days=1)
    performer.get_by_test_id(f"consent-{consent}").get_by_label("Revoke from").fill(
        tomorrow.isoformat()
    )
    performer.get_by_role("button", name=f"Revoke {consent}").click()
    assert performer.get_by_test_id("flash").inner_text() == (
        f"Consent {consent} is revoked from {tomorrow}."
    )
    revoked = performer.get_by_test_id(f"revoked-{consent}").inner_text()
    assert revoked == f"Revoked from {tomorrow.day} {tomorrow:%b %Y}: no use from that day on."
    assert performer.get_by_role("button", name=f"Revoke {consent}").count() == 0

    outcome = _record_use(producer, server, "F2", "D1", "new-performance", TODAY + dt.timedelta(3))
    assert outcome.get_by_role("heading").inner_text() == "Denied and recorded"
    assert "consent revoked" in outcome.get_by_test_id("outcome-reasons").inner_text()

    producer.goto(server + "/producer/pay-lines")
    look(producer, "producer-pay-lines")
    row = producer.get_by_test_id("pay-lines-table").locator("tr", has_text="F2").first
    row.get_by_label("Reference").fill("WIRE-2026-118")
    row.get_by_role("button", name=re.compile(r"Mark line \d+ paid")).click()
    assert "is marked paid" in producer.get_by_test_id("flash").inner_text()
    performer.goto(server + "/performers/P1/pay")
    paid = performer.get_by_test_id("pay-table").locator("tr", has_text="F2").first.inner_text()
    assert f"paid {TODAY.day} {TODAY:%b %Y}" in paid


def test_blanket_terms_are_flagged_as_typed_and_refused_with_their_reason(server, as_party):
    producer = as_party("producer-S1")
    producer.goto(server + "/producer/consent-requests")
    producer.get_by_label("Replica (or performer, to make a new replica)").fill("D1")
    producer.get_by_label("Harbor Lights II (F2)").check()
    producer.get_by_label("crowd multiplication").check()
    producer.get_by_label("Valid until").fill((TODAY + dt.timedelta(days=90)).isoformat())
    producer.get_by_label("Pay (USD)").fill("250")
    producer.get_by_label("What will be made, and where").fill(BLANKET)
    live = producer.get_by_test_id("live-problems")
    live.wait_for()
    assert live.inner_text().startswith("Blanket scope: the description reaches works")
    before = producer.get_by_test_id("requests-table").locator("tbody tr").count()
    producer.get_by_role("button", name="Send the request").click()
    assert "would make an invalid consent" in producer.get_by_test_id("error-form").inner_text()
    assert producer.get_by_test_id("description-error").inner_text().startswith("Blanket scope")
    assert producer.get_by_label("What will be made, and where").input_value() == BLANKET
    assert producer.get_by_test_id("requests-table").locator("tbody tr").count() == before

    # the performer refuses the sequel request, and the producer reads why
    performer = as_party("performer-P1")
    performer.goto(server + "/performers/P1/requests")
    card = performer.get_by_test_id("request-CR-DANA-SEQUEL")
    card.get_by_label("Reason (optional, the producer is told)").fill(
        "I only agreed to the first film."
    )
    card.get_by_role("button", name="Refuse CR-DANA-SEQUEL").click()
    assert performer.get_by_test_id("flash").inner_text() == "You refused CR-DANA-SEQUEL."
    assert performer.get_by_test_id("state-CR-DANA-SEQUEL").inner_text() == "refused"
    producer.goto(server + "/producer/consent-requests")
    assert producer.get_by_test_id("state-CR-DANA-SEQUEL").inner_text() == "refused"
    reason = producer.get_by_test_id("reason-CR-DANA-SEQUEL").inner_text()
    assert reason == "I only agreed to the first film."
    producer.goto(server + "/notices")
    look(producer, "producer-notices")


def test_a_performer_cannot_open_another_performers_pages(server, as_party):
    performer = as_party("performer-P1")
    for path in ("requests", "consents", "uses", "pay"):
        response = performer.goto(f"{server}/performers/P2/{path}")
        assert response.status == 404
        message = performer.get_by_test_id("error-message").inner_text()
        assert message == "performer 'P2' does not exist"
    assert performer.goto(f"{server}/performers/P2/statement.pdf").status == 404
    assert performer.goto(f"{server}/union").status == 404
    look(performer, "error-404")


def test_an_estate_answers_for_a_deceased_performer(server, as_party):
    estate = as_party("estate-E3")
    estate.goto(server + "/my-performers")
    look(estate, "representative-performers")
    estate.get_by_role("link", name=re.compile("Ruth Calder")).click()
    estate.wait_for_url(server + "/performers/P3/requests")
    assert "died 10 May 2024" in estate.locator("p.crumb").inner_text()
    card = estate.get_by_test_id("request-CR-RUTH-TRAILER")
    assert "theatrical trailer" in card.inner_text()
    # by keyboard: the first Tab reaches the skip link, and focus is visible
    estate.keyboard.press("Tab")
    focused = "document.activeElement"
    assert estate.evaluate(f"{focused}.textContent") == "Skip to the content"
    assert estate.evaluate(f"getComputedStyle({focused}).outlineStyle") == "solid"
    card.get_by_role("button", name="Grant CR-RUTH-TRAILER").focus()
    assert estate.evaluate(f"getComputedStyle({focused}).outlineStyle") == "solid"
    estate.keyboard.press("Enter")
    estate.wait_for_url(server + "/performers/P3/consents")
    granted = estate.get_by_test_id("consent-C-CR-RUTH-TRAILER").inner_text()
    assert f"Given by E3 on {TODAY.day} {TODAY:%b %Y}" in granted
    assert "$2,500.00 per use" in granted and "Today: not yet valid: from 2027-01-04" in granted
    # the estate cannot answer for a performer it does not represent
    assert estate.goto(server + "/performers/P1/requests").status == 404


def test_the_union_audits_declares_and_ends_a_strike_and_verifies_the_ledger(server, as_party):
    union = as_party("union")
    union.goto(server + "/union")
    per_production = union.get_by_test_id("uses-per-production").inner_text()
    assert "Hollow Crown (G1)\t1\t1" in per_production  # after the strike, and during it
    denied = union.get_by_test_id("denied").inner_text()
    assert "1 Apr 2026: S4 for G1, new performance of V7: consent suspended" in denied
    assert "C4" in union.get_by_test_id("union-consents").inner_text()
    look(union, "union-compliance")
    union.goto(server + "/union/strikes")
    union.get_by_label("Meridian Pictures (S2)").check()
    union.get_by_role("button", name="Declare the strike").click()
    flash = union.get_by_test_id("flash").inner_text()
    strike = re.search(r"Strike (\d+) is declared", flash).group(1)  # type: ignore[union-attr]
    look(union, "union-strikes")
    union.get_by_test_id(f"strike-{strike}").get_by_label("Work resumed on").fill(
        (TODAY + dt.timedelta(days=7)).isoformat()
    )
    union.get_by_role("button", name=f"End strike {strike}").click()
    assert union.get_by_test_id("flash").inner_text() == (
        f"Strike {strike} ended; work resumed {TODAY + dt.timedelta(days=7)}."
    )
    union.goto(server + "/union/ledger")
    assert "Entries covered" in union.get_by_test_id("checkpoint").inner_text()
    union.get_by_role("button", name="Verify the ledger").click()
    result = union.get_by_test_id("verify-result").inner_text()
    assert result.startswith("Verified") and "1 checkpoint checked" in result
    assert "newer entries are not covered by a checkpoint yet, so not verified" in result
    look(union, "union-ledger")
    union.goto(server + "/notices")
    look(union, "union-notices")


def test_the_producer_registers_a_replica_and_uploads_an_asset(server, as_party, tmp_path):
    producer = as_party("producer-S1")
    producer.goto(server + "/producer")
    producer.get_by_text("Register a replica").click()
    producer.get_by_label("Id", exact=True).last.fill("D21")
    producer.get_by_label("Performer").select_option("P2")
    producer.get_by_role("checkbox", name="face").check()
    producer.get_by_label("Made in").select_option("F2")
    producer.get_by_label("Made on").fill(TODAY.isoformat())
    producer.get_by_role("button", name="Register replica").click()
    assert producer.get_by_test_id("flash").inner_text() == "Registered replica D21."
    scan = tmp_path / "face-front.png"
    scan.write_bytes(b"\x89PNG not really an image, but bytes with a digest")
    producer.get_by_label("Asset file for D21").set_input_files(str(scan))
    producer.get_by_role("button", name="Upload to D21").click()
    assert "face-front.png of replica D21 stored" in producer.get_by_test_id("flash").inner_text()
    import hashlib

    digest = hashlib.sha256(scan.read_bytes()).hexdigest()
    assert digest in producer.get_by_test_id("replica-D21").inner_text()
    look(producer, "producer-home")


def test_every_other_page_passes_axe_and_is_photographed(server, browser, as_party):
    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(server + "/sign-in")
    look(visitor, "sign-in")
    visitor.context.close()
    performer = as_party("performer-P1")
    for path, name in (
        ("/", "performer-home"),
        ("/performers/P1", "performer-record"),
        ("/notices", "performer-notices"),
    ):
        performer.goto(server + path)
        look(performer, name)
    union = as_party("union")
    for path, name in (
        ("/performers", "registry-performers"),
        ("/performers/P3", "registry-performer-P3"),
        ("/productions", "registry-productions"),
        ("/producers/S1", "registry-producer"),
        ("/replicas/D1", "registry-replica"),
    ):
        union.goto(server + path)
        look(union, name)
    producer = as_party("producer-S2")
    producer.goto(server + "/producer/uses")
    producer.get_by_label("Replica", exact=True).fill("D3")
    producer.get_by_label("Use", exact=True).select_option("new-performance")
    producer.get_by_label("Date").fill("2025-06-01")
    producer.get_by_role("button", name="Ask a decision").click()
    outcome = producer.get_by_test_id("outcome")
    assert outcome.get_by_role("heading").inner_text() == "Allowed (nothing recorded)"
    assert "Under consent C3." in outcome.inner_text()
    look(producer, "producer-decision")
    producer.goto(server + "/producer/residuals")
    look(producer, "producer-residuals")
    assert producer.goto(server + "/union").status == 404
