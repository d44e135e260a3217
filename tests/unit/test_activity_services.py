"""What the producer's and the union's portal pages list (services.activity), over fakes."""

from __future__ import annotations

import datetime as dt

import pytest

from likeness.domain.principals import OPERATOR, Principal
from likeness.domain.strikes import Strike
from likeness.services import activity
from likeness.services.consents import grant_consent
from likeness.services.uses import record_use
from tests.collaborators import DEPS
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.policy.builders import consent, world

UNION = Principal.parse("union")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork()
    w = world()
    for section in ("performers", "producers", "productions", "replicas"):
        getattr(fake, section).items.update(getattr(w, section))
    with fake:
        grant_consent(fake, OPERATOR, consent(), deps=DEPS)
    for key, use in (("k-allowed", "crowd-multiplication"), ("k-denied", "dubbing")):
        document = {
            "id": key,
            "kind": "use",
            "producer": "S1",
            "production": "F1",
            "replica": "D1",
            "use": use,
            "date": "2024-08-01",
        }
        with fake:
            record_use(fake, OPERATOR, document, key, deps=DEPS)
    return fake


def test_the_union_sees_allowed_uses_and_denied_attempts_alike(uow):
    found = activity.visible_uses(uow, UNION)
    assert [(r.key, r.decision.allowed) for r in found] == [
        ("k-allowed", True),
        ("k-denied", False),
    ]


def test_a_producer_sees_its_own_decisions_and_no_other_producers(uow):
    assert len(activity.visible_uses(uow, Principal.parse("producer:S1"))) == 2
    assert activity.visible_uses(uow, Principal.parse("producer:S9")) == []


def test_pay_lines_are_those_of_the_allowed_use(uow):
    lines = activity.visible_pay_lines(uow, UNION)
    assert lines and {line.production for line in lines} == {"F1"}
    assert activity.visible_pay_lines(uow, Principal.parse("producer:S9")) == []


def test_only_a_video_game_consent_a_strike_covers_may_be_suspended(uow):
    assert activity.suspendable(uow, ["C1"], dt.date(2024, 8, 1)) == set()
    uow.strikes.add(Strike(None, dt.date(2024, 7, 1)))
    assert activity.suspendable(uow, ["C1"], dt.date(2024, 8, 1)) == set()  # F1 is a film
