"""The /v1 API (SPEC §10) through FastAPI's TestClient, on SQLite and PostgreSQL: tokens,
problem details, guards, idempotent uses, batches, uploads, strikes and the public ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import replace
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient

import likeness.storage
from likeness.asgi import create_app
from likeness.bootstrap import Container
from likeness.cli.main import _demo_document
from likeness.domain.principals import OPERATOR
from likeness.ledger.entry import LedgerEntry, parse_time
from likeness.ledger.heads import SignedTreeHead, ensure_signing_key, verify_head_signature
from likeness.ledger.note import parse_vkey
from likeness.ledger.proofs import verify_inclusion
from likeness.ledger.tree import hash_leaf
from likeness.services import accounts, tokens
from likeness.services.demo import load_demo
from tests.collaborators import CHEAP_HASHER, DEPS

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
ROLES = {  # test accounts, beside the demo's own
    "performer": ("performer", "P1"),
    "producer": ("producer", "S1"),
    "other-producer": ("producer", "S2"),
    "union": ("union", None),
}


class Api:
    def __init__(self, client: TestClient, tokens: dict[str, str], container: Container):
        self.client = client
        self.tokens = tokens
        self.container = container

    def as_(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def get(self, role: str, path: str, **kw):
        return self.client.get(path, headers=self.as_(role), **kw)

    def post(self, role: str, path: str, body=None, headers=None, **kw):
        return self.client.post(path, json=body, headers=self.as_(role) | (headers or {}), **kw)


def make_api(container: Container) -> Api:
    secrets_by_role: dict[str, str] = {}
    with container.uow() as uow:
        load_demo(uow, OPERATOR, _demo_document(), deps=DEPS, hasher=CHEAP_HASHER)
        for role, (kind, party) in ROLES.items():
            accounts.add_account(uow, OPERATOR, f"test-{role}", kind, party)
            _, secrets_by_role[role] = tokens.create_token(
                uow, OPERATOR, f"test-{role}", days=30, now=NOW
            )
        ensure_signing_key(container.home)
        uow.ledger.sign_head(container.checkpoint_signer())
        uow.commit()
    return Api(
        TestClient(create_app(container), raise_server_exceptions=False), secrets_by_role, container
    )


@pytest.fixture
def api(container) -> Api:
    return make_api(container)


def _head() -> str:
    scripts = ScriptDirectory(str(Path(likeness.storage.__file__).parent / "migrations"))
    (head,) = scripts.get_heads()
    return head


def use_request(key_id: str = "Q10", **changes) -> dict:
    return {
        "id": key_id,
        "kind": "use",
        "producer": "S1",
        "production": "F1",
        "replica": "D1",
        "use": "crowd-multiplication",
        "date": "2024-08-01",
        "days": 1,
    } | changes


# ---- health, authentication, the error shape ----------------------------------------------


def test_health_is_public_and_says_only_status_and_schema(api):
    for path in ("/v1/health", "/health"):
        response = api.client.get(path)
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "schema": _head()}
    head = api.client.head("/v1/health")
    assert head.status_code == 200
    assert head.content == b""


def test_without_a_valid_token_every_private_route_answers_401_alike(api):
    with api.container.uow() as uow:
        (token,) = tokens.list_tokens(uow, OPERATOR, "test-performer")
        tokens.revoke_token(uow, OPERATOR, token.id, now=NOW)
    answers = []
    for headers in (
        {},
        {"Authorization": "Bearer lk_0000000000000000_" + "x" * 43},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        api.as_("performer"),  # revoked
    ):
        response = api.client.get("/v1/performers/P1", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Bearer realm="likeness"'
        answers.append(response.json())
    assert all(a == answers[0] for a in answers)
    assert answers[0]["type"].endswith("/unauthorized")


def test_an_invisible_record_answers_exactly_like_a_missing_one(api):
    invisible = api.get("performer", "/v1/replicas/D2")
    missing = api.get("performer", "/v1/replicas/D404")
    assert invisible.status_code == missing.status_code == 404
    assert invisible.headers["content-type"] == "application/problem+json"
    assert invisible.json()["detail"].replace("D2", "X") == missing.json()["detail"].replace(
        "D404", "X"
    )
    assert set(invisible.headers) == set(missing.headers)


def test_a_producer_sees_a_performer_s_id_and_name_only(api):
    assert api.get("producer", "/v1/performers/P3").json() == {"id": "P3", "name": "Ruth Calder"}
    assert api.get("union", "/v1/performers/P3").json()["died"] == "2024-05-10"


def test_a_wrong_method_answers_405_with_allow(api):
    response = api.client.delete("/v1/consents/C1", headers=api.as_("union"))
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.json()["status"] == 405
    # a path served by two routes allows both; a fixed path beside a templated one only its own
    both = api.client.delete("/v1/consent-requests", headers=api.as_("union"))
    assert (both.status_code, both.headers["allow"]) == (405, "GET, POST")
    preview = api.client.get("/v1/consent-requests/preview", headers=api.as_("union"))
    assert preview.status_code == 404  # read as the request named "preview", which is none
    put = api.client.put("/v1/consent-requests/preview", headers=api.as_("union"), json={})
    assert (put.status_code, put.headers["allow"]) == (405, "POST")


def test_a_query_parameter_the_route_does_not_take_is_refused(api):
    response = api.get("performer", "/v1/performers/P1/consents?limt=5")
    assert response.status_code == 422
    assert response.json()["detail"] == ("unknown query parameter 'limt' (expected limit, offset)")
    assert api.get("performer", "/v1/performers/P1/consents?limit=5").status_code == 200


def test_a_body_that_is_not_json_answers_415(api):
    response = api.client.post(
        "/v1/decisions",
        content=b"id=Q1",
        headers=api.as_("producer") | {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_bad_input_answers_422_naming_each_field(api):
    body = use_request()
    del body["date"]
    body["days"] = 0
    response = api.post("producer", "/v1/decisions", body)
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"date", "days"}


def test_every_answer_carries_the_security_headers(api):
    for response in (api.client.get("/v1/health"), api.get("union", "/v1/consents/C1")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"
        assert "access-control-allow-origin" not in response.headers


def test_a_crash_answers_500_without_internals(api, monkeypatch, caplog):
    from likeness.services import consents

    def explode(*args, **kwargs):
        raise RuntimeError("secret internal state /srv/db password=hunter2")

    monkeypatch.setattr(consents, "get_consent", explode)
    with caplog.at_level(logging.ERROR, logger="likeness.api"):
        response = api.get("union", "/v1/consents/C1")
    assert response.status_code == 500
    assert "hunter2" not in response.text and "secret" not in response.text
    assert response.json()["detail"].startswith("an unexpected error happened")
    assert "hunter2" in caplog.text  # the operator's log has it


def test_an_unreachable_database_answers_503_without_its_url(tmp_path):
    from likeness.config import Settings
    from likeness.storage.database import make_engine

    url = f"sqlite:///{tmp_path / 'missing-dir' / 'secret-name.db'}"
    container = Container(Settings(home=tmp_path, database_url=url), make_engine(url))
    client = TestClient(create_app(container), raise_server_exceptions=False)
    for response in (
        client.get("/v1/health"),
        client.get(
            "/v1/performers/P1", headers={"Authorization": "Bearer lk_0123456789abcdef_" + "a" * 43}
        ),
    ):
        assert response.status_code == 503, response.text
        assert "secret-name" not in response.text and "missing-dir" not in response.text


def test_a_body_over_the_limit_answers_413_before_it_is_read(container):
    small = Container(
        replace(container.settings, max_body_bytes=2_000)
        if hasattr(container.settings, "__dataclass_fields__")
        else container.settings.model_copy(update={"max_body_bytes": 2_000}),
        container.engine,
    )
    api = make_api(small)
    response = api.post("producer", "/v1/decisions/batch", {"requests": [use_request()] * 20})
    assert response.status_code == 413
    assert "2000 bytes" in response.json()["detail"]


# ---- decisions and uses ------------------------------------------------------------------------


def test_a_batch_answers_in_the_order_asked(api):
    requests = [
        use_request("QA"),
        use_request("QB", production="F2", use="new-performance"),
        use_request("QC", date="2026-06-01"),
    ]
    response = api.post("producer", "/v1/decisions/batch", {"requests": requests})
    assert response.status_code == 200, response.text
    decisions = response.json()["decisions"]
    assert [(d["request"], d["decision"]) for d in decisions] == [
        ("QA", "allow"),
        ("QB", "deny"),
        ("QC", "deny"),
    ]
    (pay,) = [o for o in decisions[0]["obligations"] if o["kind"] == "pay"]
    assert pay["rule"] and pay["rate_row"] == "background-day-rate@2024-07-01"
    too_many = api.post("producer", "/v1/decisions/batch", {"requests": [use_request()] * 10_001})
    assert too_many.status_code in (413, 422)


def test_a_producer_is_refused_before_the_engine_for_another_s_production(api):
    theirs = use_request(producer="S2", production="F4")
    response = api.post("producer", "/v1/decisions", theirs)
    assert response.status_code == 404
    in_their_name = api.post("producer", "/v1/decisions", use_request(producer="S2"))
    assert in_their_name.status_code == 404
    assert api.post("other-producer", "/v1/decisions", use_request()).status_code == 404


def test_a_use_is_recorded_once_per_key(api):
    first = api.post("producer", "/v1/uses", use_request(), {"Idempotency-Key": "scene-40"})
    assert first.status_code == 201, first.text
    use = first.json()
    assert use["id"] is not None and use["decision"]["decision"] == "allow"
    assert [line["amount"] for line in use["pay_lines"]] == ["216.00", "45.36"]
    again = api.post("producer", "/v1/uses", use_request(), {"Idempotency-Key": "scene-40"})
    assert again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == use
    other = api.post("producer", "/v1/uses", use_request(days=3), {"Idempotency-Key": "scene-40"})
    assert other.status_code == 409
    # another producer's key of the same name is its own
    mine = api.post(
        "other-producer",
        "/v1/uses",
        use_request(
            producer="S2", production="F4", replica="D3", use="new-performance", date="2024-10-02"
        ),
        {"Idempotency-Key": "scene-40"},
    )
    assert mine.status_code in (200, 201), mine.text
    assert api.get("producer", f"/v1/uses/{use['id']}").json() == use
    assert api.get("performer", f"/v1/uses/{use['id']}").json() == use


def test_a_denied_use_stores_its_decision_and_answers_200(api):
    denied = api.post(
        "producer", "/v1/uses", use_request(use="new-performance"), {"Idempotency-Key": "k2"}
    )
    assert denied.status_code == 200
    assert denied.json()["id"] is None
    assert denied.json()["decision"]["decision"] == "deny"


def test_a_performer_lists_her_uses_and_pay_lines_in_pages(api):
    lines = api.get("performer", "/v1/performers/P1/pay-lines", params={"limit": 1}).json()
    assert lines["total"] == 2 and lines["limit"] == 1 and lines["offset"] == 0
    assert [(i["kind"], i["amount"]) for i in lines["items"]] == [("pay", "432.00")]
    second = api.get("performer", "/v1/performers/P1/pay-lines", params={"offset": 1}).json()
    assert [(i["kind"], i["amount"]) for i in second["items"]] == [("pension-health", "90.72")]
    uses = api.get("performer", "/v1/performers/P1/uses").json()
    assert uses["total"] == 1 and uses["items"][0]["request"]["id"] == "Q1"
    consents = api.get("performer", "/v1/performers/P1/consents").json()
    assert [(c["id"], c["valid"]) for c in consents["items"]] == [("C1", True)]
    # a producer sees only what names its own productions
    assert api.get("other-producer", "/v1/performers/P1/pay-lines").json()["total"] == 0
    assert api.get("producer", "/v1/performers/P1/pay-lines").json()["total"] == 2


# ---- consents and strikes ----------------------------------------------------------------------


def test_a_performer_gives_and_revokes_her_own_consent(api):
    consent = {
        "id": "C20",
        "replica": "D1",
        "given_by": "P1",
        "signed_on": "2026-11-01",
        "separately_signed": True,
        "productions": ["F2"],
        "uses": ["crowd-multiplication"],
        "description": "Crowd duplication in the harbour festival scene, scenes 12 to 14",
        "valid_from": "2026-12-01",
        "valid_until": "2027-06-30",
        "compensation": {"amount": "216.00", "per": "day"},
    }
    given = api.post("performer", "/v1/consents", consent)
    assert given.status_code == 201, given.text
    assert given.json()["id"] == "C20" and given.json()["valid"] is True
    blanket = consent | {"id": "C21", "uses": [], "description": "any use forever"}
    refused = api.post("performer", "/v1/consents", blanket)
    assert refused.status_code == 422
    assert {"blanket-scope"} <= {e["message"] for e in refused.json()["errors"]}
    revoked = api.post("performer", "/v1/consents/C20/revoke", {"on": "2027-01-15"})
    assert revoked.status_code == 200 and revoked.json()["revoked_on"] == "2027-01-15"
    assert api.post("performer", "/v1/consents/C20/revoke", {"on": "2027-01-16"}).status_code == 409
    assert api.post("producer", "/v1/consents/C1/revoke", {"on": "2027-01-16"}).status_code == 403


def test_the_union_declares_and_ends_a_strike(api):
    declared = api.post("union", "/v1/strikes", {"against": ["S1"], "from": "2027-01-01"})
    assert declared.status_code == 201, declared.text
    strike = declared.json()
    assert strike["against"] == ["S1"] and strike["until"] is None
    during = api.post("producer", "/v1/decisions", use_request(date="2027-02-01"))
    assert during.json()["decision"] == "deny"
    ended = api.post("union", f"/v1/strikes/{strike['id']}/end", {"on": "2027-03-01"})
    assert ended.status_code == 200 and ended.json()["until"] == "2027-03-01"
    again = api.post("union", f"/v1/strikes/{strike['id']}/end", {"on": "2027-03-02"})
    assert again.status_code == 409
    assert (
        api.post("producer", "/v1/strikes", {"against": "all", "from": "2027-01-01"}).status_code
        == 403
    )


# ---- assets ------------------------------------------------------------------------------------


def test_an_asset_is_streamed_with_its_digest_and_a_size_limit(api):
    content = b"face scan " * 10_000
    path = "/v1/replicas/D1/assets/face-2024.bin"
    stored = api.client.put(path, content=content, headers=api.as_("producer"))
    assert stored.status_code == 201, stored.text
    asset = stored.json()
    assert asset["sha256"] == hashlib.sha256(content).hexdigest()
    assert asset["size"] == len(content)
    assert Path(asset["location"]).read_bytes() == content
    assert api.client.put(path, content=content, headers=api.as_("producer")).status_code == 200
    changed = api.client.put(path, content=b"other", headers=api.as_("producer"))
    assert changed.status_code == 409
    assert Path(asset["location"]).read_bytes() == content
    replica = api.get("producer", "/v1/replicas/D1").json()
    assert replica["assets"] == [asset]


def test_an_oversize_asset_is_refused_with_413_and_leaves_nothing(container):
    small = Container(
        container.settings.model_copy(update={"max_asset_bytes": 1_000}), container.engine
    )
    api = make_api(small)
    path = "/v1/replicas/D1/assets/big.bin"
    response = api.client.put(path, content=b"x" * 1_001, headers=api.as_("producer"))
    assert response.status_code == 413

    def chunks():
        for _ in range(20):
            yield b"y" * 100

    streamed = api.client.put(path, content=chunks(), headers=api.as_("producer"))
    assert streamed.status_code == 413
    folder = small.settings.assets_dir / "D1"
    assert not folder.exists() or list(folder.iterdir()) == []


# ---- the ledger ----------------------------------------------------------------------------------


def test_a_public_proof_verifies_against_the_public_checkpoint(api):
    checkpoint = api.client.get("/v1/ledger/checkpoint").json()
    size = checkpoint["size"]
    entries = api.get("union", "/v1/ledger/entries", params={"start": 5, "end": 6}).json()
    (entry,) = entries["entries"]
    proof = api.client.get("/v1/ledger/proofs/inclusion", params={"index": 5, "size": size}).json()
    body = LedgerEntry(
        entry["index"], entry["kind"], parse_time(entry["time"]), entry["actor"], entry["record"]
    ).body()
    assert entry["body"] == body.decode() and entry["leaf_hash"] == hash_leaf(body).hex()
    verify_inclusion(
        hash_leaf(body),
        5,
        size,
        [bytes.fromhex(h) for h in proof["audit_path"]],
        bytes.fromhex(checkpoint["root"]),
    )
    # the note is a signed checkpoint of that root, checked with the published verifier key
    head = SignedTreeHead.from_note(checkpoint["note"], parse_time(checkpoint["time"]))
    verify_head_signature(head, parse_vkey(checkpoint["vkey"]))  # type: ignore[arg-type]
    assert head.root == bytes.fromhex(checkpoint["root"]) and head.size == size
    text = api.client.get("/v1/ledger/checkpoint", headers={"Accept": "text/plain"})
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text == checkpoint["note"]


def test_a_party_reads_only_the_entries_about_itself(api):
    mine = api.get("performer", "/v1/ledger/entries", params={"start": 0, "end": 1000}).json()
    everything = api.get("union", "/v1/ledger/entries", params={"start": 0, "end": 1000}).json()
    assert 0 < len(mine["entries"]) < len(everything["entries"])
    for entry in mine["entries"]:
        text = str(entry["record"])
        assert "P1" in text or "D1" in text or "C1" in text, entry


def test_a_performer_proves_each_entry_about_them_against_the_public_checkpoint(api):
    checkpoint = api.client.get("/v1/ledger/checkpoint").json()
    head = SignedTreeHead.from_note(checkpoint["note"], parse_time(checkpoint["time"]))
    verify_head_signature(head, parse_vkey(checkpoint["vkey"]))  # type: ignore[arg-type]
    mine = api.get("performer", "/v1/ledger/entries", params={"start": 0, "end": head.size})
    entries = mine.json()["entries"]
    assert len(entries) >= 5
    for entry in entries:
        leaf = hash_leaf(entry["body"].encode())
        assert leaf.hex() == entry["leaf_hash"]
        proof = api.client.get(
            "/v1/ledger/proofs/inclusion", params={"index": entry["index"], "size": head.size}
        ).json()
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        verify_inclusion(leaf, entry["index"], head.size, path, head.root)
    # the public routes give hashes only; another party's entries stay out of this list
    theirs = api.get("other-producer", "/v1/ledger/entries", params={"start": 0, "end": head.size})
    assert {e["index"] for e in entries}.isdisjoint(
        {e["index"] for e in theirs.json()["entries"] if "P1" not in e["body"]}
    )
    huge = api.client.get("/v1/ledger/proofs/inclusion", params={"index": "9" * 5000, "size": 1})
    assert huge.status_code == 422, huge.text


# ---- OpenAPI --------------------------------------------------------------------------------


def test_the_openapi_document_describes_each_route_and_its_problems(api):
    paths = api.client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/api/")]
    for path, methods in paths.items():
        for method, spec in methods.items():
            responses = spec["responses"]
            if (
                path.startswith("/v1/ledger/") and path != "/v1/ledger/entries"
            ) or path == "/v1/health":
                continue
            assert "401" in responses and "404" in responses, (method, path)
            assert "application/problem+json" in responses["401"]["content"], (method, path)
