"""Suspending a consent during a video-game strike (SPEC §7, 2025 Interactive Media Agreement):
whoever may give the consent that day may suspend it; the ledger says who did."""

from __future__ import annotations

import pytest

from likeness.domain.principals import OPERATOR
from likeness.domain.strikes import Strike
from likeness.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from likeness.services import consents as service
from likeness.services.decisions import decide_request
from tests.collaborators import DEPS
from tests.unit.fakes import FakeUnitOfWork
from tests.unit.policy.builders import INTERACTIVE, D, consent, request, world


@pytest.fixture
def uow() -> FakeUnitOfWork:
    u = FakeUnitOfWork()
    w = world(INTERACTIVE)
    for section in ("performers", "producers", "productions", "replicas"):
        getattr(u, section).items.update(getattr(w, section))
    return u


def _grant(uow, **overrides):
    fields = {"valid_until": D(2028, 1, 1)}
    fields.update(overrides)
    service.grant_consent(uow, OPERATOR, consent(**fields), deps=DEPS)


def test_the_performer_suspends_their_consent_and_the_ledger_says_who(uow):
    _grant(uow)
    stored = service.suspend_consent(uow, OPERATOR, "C1", D(2027, 3, 10), "P1", deps=DEPS)
    assert stored.consent.suspended_on == D(2027, 3, 10)
    assert uow.consents.get("C1").consent.suspended_on == D(2027, 3, 10)
    kind, actor, record = uow.ledger.entries[-1]
    assert (kind, actor) == ("consent-suspended", "operator")
    assert record == {"consent": "C1", "suspended_on": "2027-03-10", "by": "P1"}


def test_a_suspended_consent_stops_decisions_only_while_the_strike_lasts(uow):
    _grant(uow)
    service.suspend_consent(uow, OPERATOR, "C1", D(2027, 3, 10), "P1", deps=DEPS)
    uow.strikes.add(Strike(("S1",), D(2027, 3, 1), D(2027, 6, 15)))  # type: ignore[arg-type]
    assert decide_request(uow, OPERATOR, request(date=D(2027, 4, 1)), deps=DEPS).reasons == (
        "consent-suspended",
    )
    assert decide_request(uow, OPERATOR, request(date=D(2027, 6, 15)), deps=DEPS).allowed


def test_an_agent_without_may_consent_may_not_suspend(uow):
    _grant(uow, replica="D2", given_by="P2", signed_on=D(2024, 2, 28))
    with pytest.raises(ForbiddenError, match="A2 may not suspend consent C1 on 2027-03-10"):
        service.suspend_consent(uow, OPERATOR, "C1", D(2027, 3, 10), "A2", deps=DEPS)
    assert uow.consents.get("C1").consent.suspended_on is None
    assert uow.ledger.entries[-1][0] == "consent-granted"


def test_a_stranger_may_not_suspend(uow):
    _grant(uow)
    with pytest.raises(ForbiddenError, match="only whoever may consent for performer P1"):
        service.suspend_consent(uow, OPERATOR, "C1", D(2027, 3, 10), "S1", deps=DEPS)


def test_after_death_the_estate_may_suspend_and_the_agent_no_longer(uow):
    _grant(uow, replica="DX", given_by="A1", signed_on=D(2024, 2, 28))
    with pytest.raises(ForbiddenError):
        service.suspend_consent(uow, OPERATOR, "C1", D(2027, 3, 10), "A1", deps=DEPS)
    assert service.suspend_consent(
        uow, OPERATOR, "C1", D(2027, 3, 10), "E1", deps=DEPS
    ).consent.suspended_on


def test_the_union_suspends_for_a_deceased_performer_without_estate(uow):
    _grant(uow, replica="DY", given_by="union", signed_on=D(2024, 2, 28))
    assert service.suspend_consent(
        uow, OPERATOR, "C1", D(2027, 3, 10), "union", deps=DEPS
    ).consent.suspended_on


def test_a_guardian_suspends_for_a_minor(uow):
    _grant(uow, replica="DM", given_by="G1", signed_on=D(2024, 2, 28))
    with pytest.raises(ForbiddenError):
        service.suspend_consent(
            uow, OPERATOR, "C1", D(2027, 3, 10), "M1", deps=DEPS
        )  # 14 years old
    assert service.suspend_consent(
        uow, OPERATOR, "C1", D(2027, 3, 10), "G1", deps=DEPS
    ).consent.suspended_on


def test_a_consent_cannot_be_suspended_twice_or_after_revocation(uow):
    _grant(uow)
    service.suspend_consent(uow, OPERATOR, "C1", D(2027, 3, 10), "P1", deps=DEPS)
    with pytest.raises(ConflictError, match="already suspended on 2027-03-10"):
        service.suspend_consent(uow, OPERATOR, "C1", D(2027, 4, 1), "P1", deps=DEPS)
    service.grant_consent(uow, OPERATOR, consent("C2", valid_until=D(2028, 1, 1)), deps=DEPS)
    service.revoke_consent(uow, OPERATOR, "C2", D(2027, 1, 1), deps=DEPS)
    with pytest.raises(ConflictError, match="was revoked on 2027-01-01"):
        service.suspend_consent(uow, OPERATOR, "C2", D(2027, 3, 10), "P1", deps=DEPS)


def test_a_consent_outside_video_games_cannot_be_suspended(uow):
    uow.productions.items.update(world().productions)  # back to the 2023 TV/Theatrical rules
    _grant(uow)
    with pytest.raises(InvalidInputError, match="knows no suspension"):
        service.suspend_consent(uow, OPERATOR, "C1", D(2027, 3, 10), "P1", deps=DEPS)


def test_a_suspension_before_the_signature_is_refused(uow):
    _grant(uow)
    with pytest.raises(InvalidInputError, match="before it was signed on 2024-02-28"):
        service.suspend_consent(uow, OPERATOR, "C1", D(2024, 1, 1), "P1", deps=DEPS)


def test_an_unknown_consent_is_not_found(uow):
    with pytest.raises(NotFoundError, match="consent 'C404' does not exist"):
        service.suspend_consent(uow, OPERATOR, "C404", D(2027, 3, 10), "P1", deps=DEPS)


def test_a_grant_on_a_picket_line_is_refused_with_its_code(uow):
    uow.strikes.add(Strike(("S1",), D(2027, 3, 1), None))  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError) as info:
        _grant(uow, signed_on=D(2027, 3, 2), valid_from=D(2027, 3, 2))
    assert info.value.errors == ["signed-during-strike"]
