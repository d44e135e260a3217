"""SPEC §10 who-sees-what and who-may-do-what, walked as a table: every role x every action x
its own record / another party's record, plus the authority to consent on the day."""

from __future__ import annotations

import itertools

import pytest

from likeness.domain.principals import OPERATOR, Principal, Role
from likeness.errors import ForbiddenError, NotFoundError
from likeness.services.access import (
    CONSENT_ACTIONS,
    Action,
    Record,
    RecordKind,
    may,
    require,
)
from tests.unit.policy.builders import D, world

PERFORMER = Principal(Role.PERFORMER, "P1")
AGENT = Principal(Role.REPRESENTATIVE, "A1")  # agent of X1 (may_consent), who dies 2024-05-10
ESTATE = Principal(Role.REPRESENTATIVE, "E1")  # estate of X1
PRODUCER = Principal(Role.PRODUCER, "S1")
UNION = Principal(Role.UNION)
ADMIN = Principal(Role.ADMIN)
ROLES = {
    "performer": PERFORMER,
    "agent": AGENT,
    "producer": PRODUCER,
    "union": UNION,
    "admin": ADMIN,
    "operator": OPERATOR,
}
ACTS_FOR = {"agent": frozenset({"X1"})}

#: a record of each kind belonging to the parties above ("own") and one belonging to others
PARTY_KINDS = [k for k in RecordKind if k not in (RecordKind.ACCOUNT, RecordKind.TOKEN)]


def _own(who: str, kind: RecordKind) -> Record:
    performer = "X1" if who == "agent" else "P1"
    return Record(kind, f"{kind}-own", frozenset({performer}), frozenset({"S1"}))


def _other(kind: RecordKind) -> Record:
    return Record(kind, f"{kind}-other", frozenset({"P2"}), frozenset({"S2"}))


PERSONAL = {
    RecordKind.PERFORMER,
    RecordKind.REPLICA,
    RecordKind.CONSENT,
    RecordKind.CONSENT_REQUEST,
    RecordKind.DECISION,
    RecordKind.USE,
    RecordKind.PAY_LINE,
    RecordKind.RESIDUAL_RUN,
    RecordKind.NOTICE,
    RecordKind.STATEMENT,
    RecordKind.LEDGER_ENTRY,
    RecordKind.FINDING,  # SPEC §13: shown to the performer and the union
}
PRODUCERS = {
    RecordKind.PRODUCER,
    RecordKind.PRODUCTION,
    RecordKind.REPLICA,
    RecordKind.CONSENT,
    RecordKind.CONSENT_REQUEST,
    RecordKind.DECISION,
    RecordKind.USE,
    RecordKind.PAY_LINE,
    RecordKind.RESIDUAL_RUN,
    RecordKind.LEDGER_ENTRY,
}


def expected_visible(who: str, kind: RecordKind, own: bool) -> bool:
    """SPEC §10 'who sees what', restated independently of the module."""
    if kind in (RecordKind.ACCOUNT, RecordKind.TOKEN):
        return who in ("admin", "operator")  # the operator makes the first admin
    if who in ("union", "operator"):
        return True
    if who == "admin":
        return False
    if who == "producer":
        return kind is RecordKind.PERFORMER or (own and kind in PRODUCERS)
    return own and kind in PERSONAL


PRODUCER_WRITES = {
    Action.REGISTER,
    Action.UPLOAD_ASSET,
    Action.REQUEST_CONSENT,
    Action.DECIDE,
    Action.RECORD_USE,
    Action.REPORT_VIEWERSHIP,
    Action.RUN_RESIDUALS,
    Action.MARK_PAID,
    Action.REGISTER_OUTPUT,  # SPEC §13: credential or register its uses' outputs
}


def expected_allowed(who: str, action: Action, kind: RecordKind, own: bool) -> bool:
    """SPEC §10 'who may do what' (consent actions judged on a day the party has authority)."""
    if not expected_visible(who, kind, own):
        return False
    if action is Action.SEE or who == "operator":
        return True
    if who == "producer":
        return action in PRODUCER_WRITES and kind is not RecordKind.PERFORMER
    if who == "union":
        # strikes (SPEC §10), correcting a pay line by a reversing line (SPEC §12), and
        # scanning media for its members' likeness (SPEC §13)
        return action in (
            Action.DECLARE_STRIKE,
            Action.END_STRIKE,
            Action.CORRECT_PAY_LINE,
            Action.DETECT,
        )
    if who == "admin":
        return action is Action.MANAGE_ACCOUNTS
    return action in CONSENT_ACTIONS


CASES = list(itertools.product(ROLES, Action, [*RecordKind], [True, False]))


@pytest.mark.parametrize(("who", "action", "kind", "own"), CASES)
def test_the_spec_10_table(who, action, kind, own):
    record = _own(who, kind) if own else _other(kind)
    w = world()
    # authority is judged on a day each party has it: the agent before X1's death
    performer = w.performers["X1" if who == "agent" else "P1"]
    day = D(2024, 1, 10)
    if who == "union" and action in CONSENT_ACTIONS:
        performer, day = w.performers["X2"], D(2024, 6, 1)  # deceased, no estate
    permission = may(
        ROLES[who],
        action,
        record,
        acts_for=ACTS_FOR.get(who, frozenset()),
        performer=performer,
        day=day,
    )
    assert permission.visible == expected_visible(who, kind, own)
    union_consents = who == "union" and action in CONSENT_ACTIONS and permission.visible
    assert permission.allowed == (expected_allowed(who, action, kind, own) or union_consents)
    assert permission.reasons  # every answer says why


def test_the_table_covers_every_role_action_and_kind():
    assert len(CASES) == len(ROLES) * len(Action) * len(RecordKind) * 2
    assert {c[0] for c in CASES} == set(ROLES)


def test_a_producer_sees_only_a_performers_id_and_name():
    permission = may(PRODUCER, Action.SEE, _other(RecordKind.PERFORMER))
    assert (permission.visible, permission.limited) == (True, True)
    assert permission.reasons == ("producer: a performer's id and name only",)


class TestAuthorityOnTheDay:
    """A representative's authority changes with the performer's death (X1 died 2024-05-10; as
    everywhere in Likeness, alive on the day of death itself, dead from the next day)."""

    consent = Record(RecordKind.CONSENT, "C1", frozenset({"X1"}), frozenset({"S1"}))

    def _may(self, principal, day):
        return may(
            principal,
            Action.GIVE_CONSENT,
            self.consent,
            acts_for=frozenset({"X1"}),
            performer=world().performers["X1"],
            day=day,
        )

    def test_the_agent_may_consent_on_the_day_of_the_death(self):
        assert self._may(AGENT, D(2024, 5, 10)).allowed

    def test_the_agent_may_not_from_the_day_after(self):
        permission = self._may(AGENT, D(2024, 5, 11))
        assert (permission.visible, permission.allowed) == (True, False)
        assert permission.reasons[0].startswith("A1 may not consent for X1 on 2024-05-11")

    def test_the_estate_takes_over_the_day_after_the_death(self):
        assert not self._may(ESTATE, D(2024, 5, 10)).allowed
        assert self._may(ESTATE, D(2024, 5, 11)).allowed

    def test_the_union_may_not_when_there_is_an_estate(self):
        assert not self._may(UNION, D(2024, 6, 1)).allowed

    def test_a_consent_action_without_the_day_is_a_programming_error(self):
        with pytest.raises(ValueError, match="needs the performer and the day"):
            may(PERFORMER, Action.GIVE_CONSENT, _own("performer", RecordKind.CONSENT))


class TestRequire:
    def test_an_invisible_record_answers_exactly_like_a_missing_one(self):
        missing = "consent 'C9' does not exist (expected a recorded consent)"
        with pytest.raises(NotFoundError) as hidden:
            require(PERFORMER, Action.SEE, _other(RecordKind.CONSENT), missing)
        assert str(hidden.value) == missing and hidden.value.errors == []

    def test_a_visible_record_with_a_forbidden_action_is_forbidden_with_reasons(self):
        with pytest.raises(ForbiddenError, match="performer:P1 may not declare-strike") as info:
            require(PERFORMER, Action.DECLARE_STRIKE, _own("performer", RecordKind.CONSENT), "x")
        assert info.value.errors == ["performer: may not declare-strike (performer: about P1)"]

    def test_an_allowed_action_returns_the_permission(self):
        record = _own("producer", RecordKind.PRODUCTION)
        assert require(PRODUCER, Action.REGISTER, record, "x").allowed


class TestPrincipal:
    @pytest.mark.parametrize(
        ("text", "actor"),
        [
            ("operator", "operator"),
            ("union", "union"),
            ("admin", "admin"),
            ("performer:P1", "performer:P1"),
            ("representative:E3", "representative:E3"),
            ("producer:S1", "producer:S1"),
        ],
    )
    def test_a_principal_is_parsed_and_named_in_the_ledger(self, text, actor):
        assert Principal.parse(text).actor == actor

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("studio:S1", "names no role"),
            ("performer", "needs the party"),
            ("union:U1", "acts as no party"),
        ],
    )
    def test_a_bad_principal_says_what_is_expected(self, text, message):
        with pytest.raises(ValueError, match=message):
            Principal.parse(text)
