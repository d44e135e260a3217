"""Consent requests and notices through the /v1 API (SPEC §10, §11), on SQLite and PostgreSQL:
a producer asks, whoever has authority on the day answers (the performer, an estate, the union
for a deceased performer without one), the consent made is then decided on like any other, and
each party is told what concerns it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pytest
from fastapi.testclient import TestClient

from likeness.asgi import create_app
from likeness.bootstrap import Container
from likeness.cli.main import _demo_document
from likeness.domain.principals import OPERATOR
from likeness.services import accounts, tokens
from likeness.services.demo import load_demo
from tests.collaborators import CHEAP_HASHER, DEPS

START = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
TODAY = START.date()
PARTIES = {
    "P1": ("performer", "P1"),
    "P2": ("performer", "P2"),
    "S1": ("producer", "S1"),
    "S2": ("producer", "S2"),
    "E3": ("representative", "E3"),  # Ruth Calder's estate (she died in 2024)
    "A3": ("representative", "A3"),  # her agent: may_consent, but only while she lived
    "union": ("union", None),
    "admin": ("admin", None),
}


@dataclass
class Clock:
    """The installation's clock, moved by the test."""

    now: dt.datetime = START

    def __call__(self) -> dt.datetime:
        return self.now


class Api:
    def __init__(self, container: Container, clock: Clock) -> None:
        self.container = container
        self.clock = clock
        self.tokens: dict[str, str] = {}
        self.client = TestClient(create_app(container), raise_server_exceptions=False)

    def get(self, who: str, path: str):
        return self.client.get(path, headers={"Authorization": f"Bearer {self.tokens[who]}"})

    def post(self, who: str, path: str, body=None, headers=None):
        auth = {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.client.post(
            path, json=body if body is not None else {}, headers=auth | (headers or {})
        )

    def notices(self, who: str) -> list[dict]:
        response = self.get(who, "/v1/notices?limit=1000")
        assert response.status_code == 200, response.text
        return response.json()["items"]

    def ledger_kinds(self) -> list[str]:
        response = self.get("union", "/v1/ledger/entries?start=0&end=1000")
        assert response.status_code == 200, response.text
        return [e["kind"] for e in response.json()["entries"]]


@pytest.fixture
def api(container: Container) -> Api:
    clock = Clock()
    container = replace(container, deps=replace(DEPS, clock=clock))
    result = Api(container, clock)
    with container.uow() as uow:
        document = {k: v for k, v in _demo_document().items() if k != "consent_requests"}
        load_demo(uow, OPERATOR, document, deps=container.deps, hasher=CHEAP_HASHER)
        for name, (role, party) in PARTIES.items():
            accounts.add_account(uow, OPERATOR, f"t-{name}", role, party)
            _, result.tokens[name] = tokens.create_token(
                uow, OPERATOR, f"t-{name}", days=3650, now=START
            )
    return result


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


def ask(replica: str, production: str, use: str, **changes) -> dict:
    return {
        "replica": replica,
        "productions": [production],
        "uses": [use],
        "description": "Crowd duplication in the harbour festival scenes 12 to 15, as a"
        " spectator standing on the pier",
        "valid_from": day(30),
        "valid_until": day(365),
        "compensation": {"amount": "250.00", "per": "day"},
        "respond_by": day(14),
    } | changes


def use_of(replica: str, producer: str, production: str, use: str) -> dict:
    return {
        "id": "QR1",
        "kind": "use",
        "producer": producer,
        "production": production,
        "replica": replica,
        "use": use,
        "date": day(60),
        "days": 2,
    }


def test_a_producer_asks_the_performer_grants_and_a_use_cites_the_new_consent(api):
    kinds_before = api.ledger_kinds()
    created = api.post(
        "S1", "/v1/consent-requests", ask("D1", "F2", "crowd-multiplication", id="R1")
    )
    assert created.status_code == 201, created.text
    assert created.json()["state"] == "pending"
    assert created.json()["about"] == "P1"
    # the performer sees it waiting, with its full terms, and was told
    waiting = api.get("P1", "/v1/consent-requests?state=pending").json()["items"]
    assert [r["id"] for r in waiting] == ["R1"]
    assert waiting[0]["compensation"] == {"amount": "250.00", "per": "day", "currency": "USD"}
    told = [n for n in api.notices("P1") if n["kind"] == "consent-requested"]
    assert [n["data"]["request"] for n in told] == ["R1"]
    assert "250.00" in told[0]["message"] and day(14) in told[0]["message"]

    # before the grant the sequel use is denied; after it, allowed citing the new consent
    denied = api.post("S1", "/v1/decisions", use_of("D1", "S1", "F2", "crowd-multiplication"))
    assert denied.json()["decision"] == "deny"
    granted = api.post("P1", "/v1/consent-requests/R1/grant")
    assert granted.status_code == 200, granted.text
    consent = granted.json()["consent"]
    assert consent["given_by"] == "P1"
    assert consent["signed_on"] == TODAY.isoformat()
    assert consent["separately_signed"] is True
    assert consent["request"] == "R1"
    assert consent["valid"] is True
    assert granted.json()["request"]["state"] == "granted"
    assert granted.json()["request"]["consent"] == consent["id"]

    use = api.post(
        "S1",
        "/v1/uses",
        use_of("D1", "S1", "F2", "crowd-multiplication"),
        headers={"Idempotency-Key": "sequel-crowd"},
    )
    assert use.status_code == 201, use.text
    decision = use.json()["decision"]
    assert decision["decision"] == "allow"
    assert decision["consent"] == consent["id"]
    assert api.get("P1", f"/v1/consents/{consent['id']}").json()["request"] == "R1"

    producer_kinds = [n["kind"] for n in api.notices("S1")]
    assert producer_kinds == ["consent-answered"]
    performer_kinds = [n["kind"] for n in api.notices("P1")]
    # newest first: the pay and the use, then the request (and the demo's own use of D1)
    assert performer_kinds[:3] == ["pay-due", "use-recorded", "consent-requested"]
    pay_due = api.notices("P1")[0]
    assert pay_due["data"]["amount"] == "500.00" and pay_due["data"]["use"] == use.json()["id"]
    added = api.ledger_kinds()[len(kinds_before) :]
    assert added[:3] == ["consent-request-created", "consent-granted", "consent-request-granted"]
    assert added[3:] == ["use-decision", "use-recorded", "pay-line", "pay-line"]


def test_an_estate_answers_for_a_deceased_performer_and_her_agent_may_not(api):
    created = api.post("S2", "/v1/consent-requests", ask("D3", "F4", "promotion", id="R3"))
    assert created.status_code == 201, created.text

    # it went to the estate alone: the agent's authority ended at her death
    def requested(who: str) -> list[str]:
        found = api.notices(who)
        return [n["data"]["request"] for n in found if n["kind"] == "consent-requested"]

    assert requested("E3") == ["R3"]
    assert requested("A3") == []
    # both read what is addressed to Ruth herself (the demo's use of her replica)
    assert {n["kind"] for n in api.notices("A3")} == {"use-recorded", "pay-due"}
    # the agent sees the request (it is about P3) but may not answer it
    assert api.get("A3", "/v1/consent-requests/R3").status_code == 200
    refused = api.post("A3", "/v1/consent-requests/R3/grant")
    assert refused.status_code == 403
    assert "may not consent for P3" in refused.json()["detail"] + str(refused.json())
    granted = api.post("E3", "/v1/consent-requests/R3/grant")
    assert granted.status_code == 200, granted.text
    assert granted.json()["consent"]["given_by"] == "E3"
    use = api.post(
        "S2",
        "/v1/uses",
        use_of("D3", "S2", "F4", "promotion"),
        headers={"Idempotency-Key": "ruth-trailer"},
    )
    assert use.json()["decision"]["decision"] == "allow", use.text
    assert use.json()["decision"]["consent"] == granted.json()["consent"]["id"]


def test_the_union_answers_for_a_deceased_performer_without_an_estate(api):
    created = api.post("S2", "/v1/consent-requests", ask("D4", "F4", "promotion", id="R4"))
    assert created.status_code == 201, created.text
    requested = [n for n in api.notices("union") if n["kind"] == "consent-requested"]
    assert [n["data"]["request"] for n in requested] == ["R4"]
    granted = api.post("union", "/v1/consent-requests/R4/grant")
    assert granted.status_code == 200, granted.text
    assert granted.json()["consent"]["given_by"] == "union"
    use = api.post(
        "S2",
        "/v1/uses",
        use_of("D4", "S2", "F4", "promotion"),
        headers={"Idempotency-Key": "leo-trailer"},
    )
    assert use.json()["decision"]["consent"] == granted.json()["consent"]["id"], use.text


def test_a_blanket_or_perpetual_request_is_refused_with_its_codes_and_nothing_is_stored(api):
    before = (api.ledger_kinds(), api.notices("P1"))
    blanket = ask(
        "D1",
        "F2",
        "crowd-multiplication",
        description="The company may use the scan on any project, in perpetuity",
        valid_until=None,
    )
    response = api.post("S1", "/v1/consent-requests", blanket)
    assert response.status_code == 422
    codes = {e["message"] if isinstance(e, dict) else e for e in response.json()["errors"]}
    assert {"blanket-scope", "perpetual-term"} <= codes
    star = api.post("S1", "/v1/consent-requests", ask("D1", "*", "crowd-multiplication"))
    assert star.status_code == 422 and "blanket-scope" in str(star.json()["errors"])
    assert api.get("S1", "/v1/consent-requests").json()["total"] == 0
    assert (api.ledger_kinds(), api.notices("P1")) == before
    # the preview says the same without storing anything
    preview = api.post("S1", "/v1/consent-requests/preview", blanket)
    assert preview.status_code == 200
    assert preview.json()["valid"] is False
    assert {"blanket-scope", "perpetual-term"} <= set(preview.json()["problems"])
    good = api.post("S1", "/v1/consent-requests/preview", ask("D1", "F2", "crowd-multiplication"))
    assert good.json()["valid"] is True
    assert good.json()["answerers"] == [{"role": "performer", "party": "P1"}]


def test_only_a_pending_request_is_answered_and_the_409_names_its_state(api):
    for rid in ("R5", "R6"):
        response = api.post(
            "S1", "/v1/consent-requests", ask("D1", "F2", "crowd-multiplication", id=rid)
        )
        assert response.status_code == 201
    refused = api.post(
        "P1", "/v1/consent-requests/R5/refuse", {"reason": "Not for the sequel, thank you"}
    )
    assert refused.status_code == 200
    assert (refused.json()["state"], refused.json()["reason"]) == (
        "refused",
        "Not for the sequel, thank you",
    )
    again = api.post("P1", "/v1/consent-requests/R5/grant")
    assert again.status_code == 409
    assert "is refused" in again.json()["detail"]
    # the producer withdraws the other; nobody may answer it then, nor withdraw it twice
    assert api.post("P1", "/v1/consent-requests/R6/withdraw").status_code == 403
    assert api.post("S1", "/v1/consent-requests/R6/withdraw").json()["state"] == "withdrawn"
    late = api.post("P1", "/v1/consent-requests/R6/grant")
    assert late.status_code == 409 and "is withdrawn" in late.json()["detail"]
    assert api.post("S1", "/v1/consent-requests/R6/withdraw").status_code == 409
    answered = [n for n in api.notices("S1") if n["kind"] == "consent-answered"]
    assert [(n["data"]["request"], n["data"]["state"]) for n in answered] == [("R5", "refused")]

    # the ledger entries of each step are read by those the request concerns, and no one else
    def steps(who: str) -> list[tuple[str, str]]:
        entries = api.get(who, "/v1/ledger/entries?start=0&end=1000").json()["entries"]
        return [
            (e["kind"], e["record"]["request"] if "request" in e["record"] else e["record"]["id"])
            for e in entries
            if e["kind"].startswith("consent-request-")
        ]

    expected = [
        ("consent-request-created", "R5"),
        ("consent-request-created", "R6"),
        ("consent-request-refused", "R5"),
        ("consent-request-withdrawn", "R6"),
    ]
    assert steps("P1") == steps("S1") == steps("union") == expected
    assert steps("P2") == steps("S2") == []


def test_a_request_not_answered_by_respond_by_expires_and_the_expiry_is_a_ledger_entry(api):
    api.post("S1", "/v1/consent-requests", ask("D1", "F2", "crowd-multiplication", id="R7"))
    api.clock.now = START + dt.timedelta(days=14)  # respond_by itself: still answerable
    assert api.get("P1", "/v1/consent-requests/R7").json()["state"] == "pending"
    api.clock.now = START + dt.timedelta(days=15)
    assert api.get("P1", "/v1/consent-requests/R7").json()["state"] == "expired"
    late = api.post("P1", "/v1/consent-requests/R7/grant")
    assert late.status_code == 409
    assert "is expired" in late.json()["detail"] and day(14) in late.json()["detail"]
    assert api.ledger_kinds().count("consent-request-expired") == 1
    assert api.post("P1", "/v1/consent-requests/R7/grant").status_code == 409
    assert api.ledger_kinds().count("consent-request-expired") == 1


def test_a_grant_during_a_strike_against_the_producer_is_refused_and_stays_pending(api):
    api.post("S1", "/v1/consent-requests", ask("D1", "F2", "crowd-multiplication", id="R8"))
    strike = api.post("union", "/v1/strikes", {"against": ["S1"], "from": day(-1), "until": day(5)})
    assert strike.status_code == 201, strike.text
    refused = api.post("P1", "/v1/consent-requests/R8/grant")
    assert refused.status_code == 422
    assert "signed-during-strike" in str(refused.json()["errors"])
    assert api.get("P1", "/v1/consent-requests/R8").json()["state"] == "pending"
    api.clock.now = START + dt.timedelta(days=5)  # work resumed: the strike is over
    assert api.post("P1", "/v1/consent-requests/R8/grant").status_code == 200


def test_who_may_ask_see_and_answer(api):
    body = ask("D1", "F2", "crowd-multiplication", id="R9")
    for who in ("P1", "union", "admin", "E3"):
        assert api.post(who, "/v1/consent-requests", body).status_code == 403, who
    # a producer asks only for its own productions, and only about replicas it sees
    assert api.post("S2", "/v1/consent-requests", body).status_code == 404
    assert api.post("S1", "/v1/consent-requests", body | {"producer": "S2"}).status_code == 403
    assert api.post("S1", "/v1/consent-requests", body).status_code == 201
    assert api.get("P2", "/v1/consent-requests/R9").status_code == 404
    assert api.get("S2", "/v1/consent-requests/R9").status_code == 404
    assert api.get("admin", "/v1/consent-requests/R9").status_code == 404
    assert api.post("P2", "/v1/consent-requests/R9/grant").status_code == 404
    assert api.post("S1", "/v1/consent-requests/R9/grant").status_code == 403
    assert api.post("union", "/v1/consent-requests/R9/grant").status_code == 403
    assert api.get("P2", "/v1/consent-requests").json()["total"] == 0
    assert api.get("S2", "/v1/consent-requests").json()["total"] == 0
    assert api.get("union", "/v1/consent-requests").json()["total"] == 1
    assert api.post("S1", "/v1/consent-requests", body).status_code == 409  # the id is taken
