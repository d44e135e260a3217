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


def _decisions(container, request_id: str) -> list:
    with container.uow() as uow:
        return [r for r in uow.uses.decisions("S1") if r.request.id == request_id]


def _kind_form(csrf: str, kind: str, **fields: object) -> dict[str, object]:
    """The decisions form as a browser without JavaScript sends it: every kind's fields are
    there (the other kinds' filled in too, to show they are ignored)."""
    form: dict[str, object] = {
        "csrf": csrf,
        "key": f"key-{fields.get('id', kind)}",
        "kind": kind,
        "production": "F2",
        "date": "2025-03-01",
        "days": "1",
        "description": "",
        "replica": "D1",
        "use": "crowd-multiplication",
        "alteration_replica": "D2",
        "purpose": "cosmetic",
        "performer": "P2",
        "session_at": "",
        "notice_at": "",
        "engaged_at": "",
        "resembles": "",
        "justification": "",
    }
    form.update(fields)
    return form


def _outcome(page: str) -> str:
    return page[page.index('data-testid="outcome"') : page.index("</section>")]


def test_a_synthetic_performer_resembling_someone_needs_their_consent(portal, container):
    sign_in(portal, "studio-one")
    page = portal.get("/producer/uses").text
    assert (
        "<legend>Kind of request</legend>" in page
        and "<legend>Synthetic performer</legend>" in page
    )
    form = _kind_form(
        _csrf(page),
        "synthetic",
        id="Q-SYN-P8",
        resembles="P8",
        recognizable_features=["eyes", "voice"],
        human_role="on",
        justification="the stunt double of the lead",
    )
    asked = portal.post("/producer/decisions", data=form)
    assert asked.status_code == 200
    outcome = _outcome(asked.text)
    assert "Denied (nothing recorded)" in outcome
    assert 'data-testid="outcome-reasons">needs performer consent, no consent<' in outcome
    assert "F2: synthetic performer, resembles P8 (eyes, voice), new performance" in outcome
    assert 'value="eyes" checked' in asked.text and 'value="nose" >' in asked.text  # kept
    assert _decisions(container, "Q-SYN-P8") == []
    recorded = portal.post("/producer/uses", data=form)
    assert recorded.status_code == 200
    assert "Denied and recorded" in _outcome(recorded.text)
    row = recorded.text[recorded.text.index('data-testid="use-Q-SYN-P8"') :]
    row = row[: row.index("</tr>")]
    assert "synthetic performer, resembles P8 (eyes, voice)" in row
    assert "denied</span>: needs performer consent, no consent" in row
    (stored,) = _decisions(container, "Q-SYN-P8")
    assert not stored.decision.allowed
    assert stored.decision.reasons == ("needs-performer-consent", "no-consent")
    assert stored.request.kind == "synthetic" and stored.request.replica is None
    assert stored.request.recognizable_features == ("eyes", "voice")


def test_a_synthetic_performer_like_nobody_is_allowed_and_the_union_is_told(portal, container):
    sign_in(portal, "studio-one")
    page = portal.get("/producer/uses").text
    form = _kind_form(_csrf(page), "synthetic", id="Q-SYN-NONE", human_role="on")
    asked = portal.post("/producer/decisions", data=form)
    outcome = _outcome(asked.text)
    assert "Allowed (nothing recorded)" in outcome
    assert 'data-testid="outcome-reasons">synthetic no resemblance<' in outcome
    assert "<li>notify union</li>" in outcome
    recorded = portal.post("/producer/uses", data=form)
    assert "Allowed and recorded" in _outcome(recorded.text)
    assert "<li>notify union</li>" in _outcome(recorded.text)
    (stored,) = _decisions(container, "Q-SYN-NONE")
    assert stored.decision.allowed and stored.decision.reasons == ("synthetic-no-resemblance",)
    assert "notify-union" in [str(o.kind) for o in stored.decision.obligations]
    assert stored.request.resembles is None and stored.request.replica is None  # D1 ignored
    row = recorded.text[recorded.text.index('data-testid="use-Q-SYN-NONE"') :]
    assert "synthetic performer, no resemblance" in row[: row.index("</tr>")]


def test_a_scan_is_decided_on_the_notice_the_form_gives(portal, container):
    sign_in(portal, "studio-one")
    page = portal.get("/producer/uses").text
    scan = {
        "production": "F9",
        "performer": "P8",
        "date": "2024-04-10",
        "session_at": "2024-04-10T09:00",
        "engaged_at": "2024-04-01T09:00",
    }
    late = _kind_form(_csrf(page), "create", id="Q-SCAN-LATE", notice_at="2024-04-08T10:00", **scan)
    outcome = _outcome(portal.post("/producer/decisions", data=late).text)
    assert 'data-testid="outcome-reasons">scan notice late<' in outcome  # 47 hours
    assert "F9: new replica of P8, create, 10 Apr 2024." in outcome
    timely = _kind_form(_csrf(page), "create", id="Q-SCAN-OK", notice_at="2024-04-08T09:00", **scan)
    recorded = portal.post("/producer/uses", data=timely)
    outcome = _outcome(recorded.text)
    assert "Denied and recorded" in outcome  # 48 hours: in time, but P8 gave no consent
    assert 'data-testid="outcome-reasons">no consent<' in outcome
    (stored,) = _decisions(container, "Q-SCAN-OK")
    assert stored.request.performer == "P8" and stored.request.use == "create"
    assert stored.request.session_at == dt.datetime(2024, 4, 10, 9, 0)
    assert stored.decision.reasons == ("no-consent",)
    row = recorded.text[recorded.text.index('data-testid="use-Q-SCAN-OK"') :]
    assert "new replica of P8" in row[: row.index("</tr>")]


def test_a_malformed_field_is_shown_by_the_form_and_nothing_is_stored(portal, container):
    sign_in(portal, "studio-one")
    page = portal.get("/producer/uses").text
    before = len(_decisions(container, "Q-BAD"))
    bad = _kind_form(
        _csrf(page),
        "create",
        id="Q-BAD",
        production="F9",
        performer="P8",
        session_at="2024-04-10T29:00",
        notice_at="2024-04-01T09:00",
    )
    for path in ("/producer/decisions", "/producer/uses"):
        refused = portal.post(path, data=bad)
        assert refused.status_code == 422, path
        error = refused.text[refused.text.index('data-testid="error-use"') :]
        assert error.index(
            "request: session_at &#39;2024-04-10T29:00&#39; (expected a date and time as"
            " YYYY-MM-DDTHH:MM:SS)"
        ) < error.index("</div>")
        assert 'value="2024-04-10T29:00"' in refused.text  # what was typed is kept
        assert 'data-testid="outcome"' not in refused.text
    unknown = portal.post("/producer/uses", data={**bad, "kind": "scan"})
    assert unknown.status_code == 422
    assert "kind &#39;scan&#39; (expected one of create, use, alteration, synthetic)" in (
        unknown.text
    )
    assert len(_decisions(container, "Q-BAD")) == before == 0


def test_an_alteration_substantially_as_scripted_needs_no_consent(portal):
    sign_in(portal, "studio-one")
    page = portal.get("/producer/uses").text
    form = _kind_form(
        _csrf(page),
        "alteration",
        id="Q-ALT",
        production="F1",
        alteration_replica="D1",
        purpose="noise-reduction",
        substantially_as_scripted="on",
    )
    outcome = _outcome(portal.post("/producer/decisions", data=form).text)
    assert "Allowed (nothing recorded)" in outcome
    assert 'data-testid="outcome-reasons">alteration exempt<' in outcome
    assert "F1: alteration of D1 (noise reduction), alteration, 1 Mar 2025." in outcome
    del form["substantially_as_scripted"]
    outcome = _outcome(portal.post("/producer/decisions", data=form).text)
    assert "Denied (nothing recorded)" in outcome  # C1 covers crowd multiplication only
    assert 'data-testid="outcome-reasons">use not covered<' in outcome
