"""The portal's forms through FastAPI's TestClient, without JavaScript: CSRF on every form,
refusals shown next to the field with nothing stored, statements as files, and each party
kept to its own pages (the browser journeys are tests/e2e/test_portal_journeys.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from likeness.asgi import create_app
from likeness.cli.main import _demo_document
from likeness.domain.principals import OPERATOR
from likeness.services import accounts
from likeness.services.consents import grant_consents
from likeness.services.demo import load_demo
from tests.collaborators import CHEAP_HASHER, DEPS
from tests.e2e.test_portal_pages import PASSWORD, sign_in

TODAY = DEPS.clock().date()
BLANKET = "Her likeness in all future projects of the studio, in any media, forever"


@pytest.fixture
def portal(container) -> TestClient:
    with container.uow() as uow:
        load_demo(uow, OPERATOR, _demo_document(), deps=DEPS, hasher=CHEAP_HASHER)
        for name, role, party in (
            ("dana", "performer", "P1"),
            ("sam", "performer", "P2"),
            ("rosa", "performer", "P7"),
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


def _state(portal: TestClient, path: str, request_id: str) -> str:
    page = portal.get(path).text
    match = re.search(rf'data-testid="state-{request_id}">(\w+)<', page)
    return match.group(1) if match else "absent"


def _request_form(csrf: str, description: str) -> dict[str, object]:
    return {
        "csrf": csrf,
        "subject": "D1",
        "subject_kind": "replica",
        "productions": ["F2"],
        "uses": ["crowd-multiplication"],
        "description": description,
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + dt.timedelta(days=60)).isoformat(),
        "amount": "250.00",
        "per": "day",
    }


def test_every_form_without_the_session_token_is_refused_and_changes_nothing(portal):
    sign_in(portal, "dana")
    posts = [
        "/consent-requests/CR-DANA-SEQUEL/grant",
        "/consent-requests/CR-DANA-SEQUEL/refuse",
        "/consents/C1/revoke",
        "/consents/C1/suspend",
        "/producer/productions",
        "/producer/replicas",
        "/producer/replicas/D1/assets",
        "/producer/consent-requests",
        "/producer/consent-requests/check",
        "/producer/consent-requests/CR-DANA-SEQUEL/withdraw",
        "/producer/decisions",
        "/producer/uses",
        "/producer/pay-lines/1/paid",
        "/union/strikes",
        "/union/strikes/1/end",
        "/union/ledger/verify",
        "/sign-out",
    ]
    for path in posts:
        for data in ({}, {"csrf": "forged"}):
            response = portal.post(path, data=data, follow_redirects=False)
            assert response.status_code == 403, (path, data, response.status_code)
            assert "this form has expired or did not come from this site" in response.text
    assert _state(portal, "/performers/P1/requests", "CR-DANA-SEQUEL") == "absent"  # pending
    assert 'data-testid="request-CR-DANA-SEQUEL"' in portal.get("/performers/P1/requests").text
    assert "revoked" not in portal.get("/performers/P1/consents").text.split("C1:")[1][:400]


def test_a_blanket_request_sent_without_javascript_shows_its_problem_by_the_field(portal):
    sign_in(portal, "studio-one")
    page = portal.get("/producer/consent-requests").text
    live = portal.post("/producer/consent-requests/check", data=_request_form(_csrf(page), BLANKET))
    assert live.status_code == 200
    assert "Blanket scope: the description reaches works" in live.text
    assert "Perpetual term: the wording says the consent never ends" in live.text
    sent = portal.post("/producer/consent-requests", data=_request_form(_csrf(page), BLANKET))
    assert sent.status_code == 422
    error = sent.text[sent.text.index('id="description-error"') :]
    assert error.index("Blanket scope") < error.index("</ul>")
    assert error.index("Perpetual term") < error.index("</ul>")
    assert f">{BLANKET}</textarea>" in sent.text  # what was typed is kept
    assert sent.text.count('data-testid="request-') == 1  # only the demo's CR-DANA-SEQUEL
    fine = "Crowd duplication on the pier in scene 12 of Harbor Lights II, as a spectator"
    made = portal.post(
        "/producer/consent-requests", data=_request_form(_csrf(page), fine), follow_redirects=True
    )
    assert re.search(r"Request CR-\d{8}-[0-9a-f]{8} was sent; P1 has until", made.text)
    assert made.text.count('data-testid="request-') == 2


def test_a_performer_grants_and_the_consent_is_stored_once(portal):
    sign_in(portal, "dana")
    page = portal.get("/performers/P1/requests").text
    assert "Crowd duplication in the harbour festival scenes 12 to 15" in page
    assert "$250.00 per day" in page and "4 Jan 2027" in page
    granted = portal.post(
        "/consent-requests/CR-DANA-SEQUEL/grant", data={"csrf": _csrf(page)}, follow_redirects=True
    )
    assert "You granted CR-DANA-SEQUEL: consent C-CR-DANA-SEQUEL is now in force." in granted.text
    again = portal.post("/consent-requests/CR-DANA-SEQUEL/grant", data={"csrf": _csrf(page)})
    assert again.status_code == 409
    assert (
        "consent request CR-DANA-SEQUEL is granted; only a pending request can be granted"
    ) in again.text
    assert _state(portal, "/performers/P1/requests", "CR-DANA-SEQUEL") == "granted"


def test_each_party_finds_only_its_own_pages(portal):
    sign_in(portal, "sam")
    for path in ("requests", "consents", "uses", "pay"):
        response = portal.get(f"/performers/P1/{path}")
        assert response.status_code == 404, path
        assert "performer &#39;P1&#39; does not exist" in response.text
    for path in ("statement.pdf", "statement.csv"):
        response = portal.get(f"/performers/P1/{path}")
        assert response.status_code == 404, path
        assert "no statement of performer P1 (expected a registered performer" in response.text
    page = portal.get("/performers/P2/requests").text
    refused = portal.post("/consent-requests/CR-DANA-SEQUEL/refuse", data={"csrf": _csrf(page)})
    assert refused.status_code == 404  # another performer's request: as if it did not exist
    strike = portal.post("/union/strikes", data={"csrf": _csrf(page), "against": "S1"})
    assert strike.status_code == 404
    sign_in(portal, "studio-one")
    assert portal.get("/performers/P1/pay").status_code == 404  # a producer sees a name only
    assert portal.get("/union/ledger").status_code == 404
    sign_in(portal, "auditor")
    strikes = portal.get("/union/strikes").text
    assert 'data-testid="strike-1"' in strikes and 'data-testid="strike-2"' not in strikes


def test_statements_download_as_pdf_and_csv_with_the_same_cents(portal):
    sign_in(portal, "dana")
    pay = portal.get("/performers/P1/pay").text
    assert 'data-testid="total-pay">$432.00<' in pay
    assert (
        'data-testid="earnings-chart"' in pay and "Aug 2024, F1: 432.00 USD" in pay
    )  # pay, not pension-health
    csv = portal.get("/performers/P1/statement.csv?from=2024-01-01&until=2024-12-31")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "432.00" in csv.text and "90.72" in csv.text
    pdf = portal.get("/performers/P1/statement.pdf?from=2024-01-01&until=2024-12-31")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    bad = portal.get("/performers/P1/statement.csv?from=2024-13-01")
    assert bad.status_code == 422 and "from &#39;2024-13-01&#39; (expected a date" in bad.text


def test_a_payment_dated_tomorrow_is_refused_next_to_its_line(portal):
    sign_in(portal, "studio-one")
    page = portal.get("/producer/pay-lines").text
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    refused = portal.post(
        "/producer/pay-lines/1/paid",
        data={"csrf": _csrf(page), "reference": "WIRE-1", "paid_on": tomorrow},
    )
    assert refused.status_code == 422
    error = refused.text[refused.text.index('data-testid="error-line-1"') :]
    assert error.index(f"paid on {tomorrow} is in the future") < error.index("</div>")
    assert 'action="/producer/pay-lines/1/paid"' in refused.text  # still due
    done = portal.post(
        "/producer/pay-lines/1/paid",
        data={"csrf": _csrf(page), "reference": "WIRE-1", "paid_on": TODAY.isoformat()},
        follow_redirects=True,
    )
    assert "Pay line 1 is marked paid." in done.text and "(WIRE-1)" in done.text


def test_the_union_sees_denied_attempts_and_a_strike_needs_a_producer(portal):
    sign_in(portal, "auditor")
    page = portal.get("/union").text
    assert "S1 for F3, new performance of D2:" in page
    assert "consent invalid, not separately signed, blanket scope" in page
    refused = portal.post("/union/strikes", data={"csrf": _csrf(page), "from": "2026-12-01"})
    assert refused.status_code == 422
    assert "against missing (expected at least one producer, or all)" in refused.text
    assert 'data-testid="strike-2"' not in refused.text


SUBSCRIBERS = (
    "platform,territory,as_of,subscribers\n"
    "streamflix,US,2024-01-01,30000000\n"
    "streamflix,CA,2024-01-01,2000000\n"
)
VIEWERSHIP = (
    "platform,title,territory,date,hours\n"
    "streamflix,F3-E1,US,2024-09-10,9000000\n"
    "streamflix,F3-E2,US,2024-09-20,8000000\n"
)


def test_a_producer_runs_residuals_from_uploaded_viewership(portal):
    sign_in(portal, "studio-one")
    page = portal.get("/producer/residuals").text
    files = {
        "subscribers": ("subscribers.csv", SUBSCRIBERS, "text/csv"),
        "viewership": ("viewership.csv", VIEWERSHIP.replace(",hours", ",hrs"), "text/csv"),
    }
    refused = portal.post("/producer/residuals", data={"csrf": _csrf(page)}, files=files)
    assert refused.status_code == 422
    assert "the residual input has problems; nothing was computed or stored" in refused.text
    assert "viewership: missing-column" in refused.text
    files["viewership"] = ("viewership.csv", VIEWERSHIP, "text/csv")
    done = portal.post("/producer/residuals", data={"csrf": _csrf(page)}, files=files)
    assert done.status_code == 200, done.text
    run = done.text[done.text.index('data-testid="residual-run"') :]
    assert re.search(r"Run \d+ stored", run) and "pay line" in run
    assert '<td data-label="Performer">P9</td>' in run
    sign_in(portal, "auditor")
    assert "residual" in portal.get("/performers/P9/pay").text


def test_during_a_strike_a_video_game_consent_can_be_suspended(portal, container):
    with container.uow() as uow:
        grant_consents(
            uow,
            OPERATOR,
            [
                (
                    "C70",
                    {
                        "id": "C70",
                        "replica": "V7",
                        "given_by": "P7",
                        "signed_on": (TODAY - dt.timedelta(days=1)).isoformat(),
                        "separately_signed": True,
                        "productions": ["G1"],
                        "uses": ["new-performance"],
                        "description": "New ferryman lines for the river chapter's second act",
                        "valid_from": TODAY.isoformat(),
                        "valid_until": (TODAY + dt.timedelta(days=300)).isoformat(),
                        "compensation": {"amount": "1500.00", "per": "day"},
                    },
                )
            ],
            deps=DEPS,
        )
    sign_in(portal, "rosa")
    assert "Suspend C70" not in portal.get("/performers/P7/consents").text  # no strike today
    sign_in(portal, "auditor")
    page = portal.get("/union/strikes").text
    declared = portal.post(
        "/union/strikes",
        data={"csrf": _csrf(page), "against": "S4", "from": TODAY.isoformat()},
        follow_redirects=True,
    )
    assert "Strike 2 is declared." in declared.text
    sign_in(portal, "rosa")
    page = portal.get("/performers/P7/consents").text
    assert "Suspend C70" in page and "Suspend C7<" not in page  # C7 is suspended already
    done = portal.post(
        "/consents/C70/suspend",
        data={"csrf": _csrf(page), "on": TODAY.isoformat()},
        follow_redirects=True,
    )
    assert f"Consent C70 is suspended from {TODAY}." in done.text
    assert f"Suspended from {TODAY.day} {TODAY:%b %Y} while the strike lasts." in done.text
