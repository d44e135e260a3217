"""The portal shows each consent's true standing (issue #17): a revoked consent, one given by
someone without authority and a ``lifetime_only`` one after death are not "valid"."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from fastapi.testclient import TestClient

from likeness.asgi import create_app
from likeness.cli.main import _demo_document
from likeness.domain.principals import OPERATOR
from likeness.services import accounts
from likeness.services.consents import grant_consents, revoke_consent
from likeness.services.demo import load_demo
from tests.collaborators import CHEAP_HASHER, DEPS
from tests.e2e.test_portal_pages import PASSWORD, sign_in

TODAY = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
FIXED = dataclasses.replace(DEPS, clock=lambda: TODAY)


def _consent(consent_id: str, given_by: str, signed_on: str, **more: object) -> dict[str, object]:
    return {
        "id": consent_id,
        "replica": "D3",
        "given_by": given_by,
        "signed_on": signed_on,
        "separately_signed": True,
        "productions": ["F4"],
        "uses": ["new-performance"],
        "description": "Flashback scenes of the lighthouse keeper, reels 2 and 5, in the film",
        "valid_from": "2024-09-01",
        "valid_until": "2026-12-31",
        "compensation": {"amount": "1000.00", "per": "day"},
        **more,
    }


@pytest.fixture
def portal(container) -> TestClient:
    container = dataclasses.replace(container, deps=FIXED)
    with container.uow() as uow:
        load_demo(uow, OPERATOR, _demo_document(), deps=FIXED, hasher=CHEAP_HASHER)
        for name, role, party in (("dana", "performer", "P1"), ("auditor", "union", None)):
            accounts.add_account(uow, OPERATOR, name, role, party)
            accounts.set_password(uow, OPERATOR, name, PASSWORD, hasher=CHEAP_HASHER)
    with container.uow() as uow:
        # the operator records what was signed: an agent after the death, and a lifetime-only
        # consent of the performer herself
        grant_consents(
            uow,
            OPERATOR,
            [
                ("C30", _consent("C30", "A3", "2024-07-15")),
                ("C31", _consent("C31", "P3", "2024-01-05", lifetime_only=True)),
            ],
            deps=FIXED,
        )
    with container.uow() as uow:
        revoke_consent(uow, OPERATOR, "C1", dt.date(2024, 8, 2), deps=FIXED)
    return TestClient(create_app(container), base_url="https://testserver")


def _cell(page: str, consent: str) -> str:
    start = page.index(f'data-testid="standing-{consent}"')
    return page[start : page.index("</td>", start)]


def test_a_revoked_consent_shows_since_when(portal):
    sign_in(portal, "dana")
    cell = _cell(portal.get("/performers/P1").text, "C1")
    assert 'data-state="revoked"' in cell
    assert '<span class="error">revoked since 2024-08-02</span>' in cell
    assert "(on 2025-06-01)" in cell


def test_a_consent_without_authority_and_one_ended_at_death_are_not_valid(portal):
    sign_in(portal, "auditor")
    page = portal.get("/performers/P3").text
    assert 'data-state="valid"' in _cell(page, "C3")  # the estate's, after the death
    assert '<span class="error">not authorized: A3 had no authority on 2024-07-15</span>' in _cell(
        page, "C30"
    )
    assert '<span class="error">ended at death on 2024-05-10</span>' in _cell(page, "C31")
