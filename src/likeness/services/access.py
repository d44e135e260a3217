"""Who may see and do what (SPEC §10): the one place that decides access.

Every service asks :func:`require` (or :func:`may`) before it reads or writes a record; nothing
else decides access. A decision carries its reasons, like datasette's permission checks:

>>> from likeness.domain.principals import OPERATOR, Principal
>>> consent = Record(RecordKind.CONSENT, "C1", performers=frozenset({"P1"}),
...                  producers=frozenset({"S1"}))
>>> may(Principal.parse("producer:S1"), Action.SEE, consent).reasons
('producer: names a production of S1',)
>>> may(Principal.parse("producer:S2"), Action.SEE, consent).visible
False

A record is described by what access depends on (:class:`Record`): its kind, id, the performers
it is about and the producers whose productions it names. The service that loads the record
builds it. A representative's performers (``acts_for``) are looked up by the service too.

**Who sees what** (anything else answers exactly like a missing record: ``NotFoundError``):

- operator: everything; union: everything but accounts and tokens; admin: accounts and tokens
  only;
- performer: records about themselves (their record, replicas, consents, consent requests,
  decisions, uses, pay lines, notices, statements, residual lines, ledger entries);
- representative: the same for the performers they represent;
- producer: its own record; productions, replicas, consents, consent requests, decisions, uses,
  pay lines, residual runs and ledger entries naming its productions; of a performer only the
  id and name (the reason says so, and the service shows no more).

**Who may do what** (a visible record with a forbidden action: ``ForbiddenError``):

- producer: register productions and replicas for its productions, upload assets, ask for
  consent, ask for decisions, record uses, report viewership, run residuals, mark pay lines paid;
- performer, representative: give, revoke and suspend consent and answer consent requests, each
  only with authority (SPEC §4.2) on the day it is done;
- union: declare and end strikes; correct a pay line (a reversing line: the producer who owes
  it does not cancel its own debt); give (and so revoke or suspend) consent for a deceased
  performer without an estate, with the same authority check;
- admin: accounts and tokens; operator: everything, consent actions on behalf of someone with
  authority (the service names who).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from likeness.domain.ids import UNION
from likeness.domain.performers import Performer
from likeness.domain.principals import Principal, Role
from likeness.errors import ForbiddenError, NotFoundError
from likeness.policy.consent_rules import may_consent_for


class RecordKind(StrEnum):
    """The kinds of record access is decided on."""

    PERFORMER = "performer"
    PRODUCER = "producer"
    PRODUCTION = "production"
    REPLICA = "replica"
    CONSENT = "consent"
    CONSENT_REQUEST = "consent-request"
    DECISION = "decision"
    USE = "use"
    PAY_LINE = "pay-line"
    RESIDUAL_RUN = "residual-run"
    STRIKE = "strike"
    NOTICE = "notice"
    STATEMENT = "statement"
    LEDGER_ENTRY = "ledger-entry"
    FINDING = "finding"  # SPEC §13: an uncovered match of a performer's likeness
    REGISTRY = "registry"  # the registry as a whole (import, export, demo)
    ACCOUNT = "account"
    TOKEN = "token"


class Action(StrEnum):
    """What a principal may want to do to a record."""

    SEE = "see"
    REGISTER = "register"
    UPLOAD_ASSET = "upload-asset"
    REQUEST_CONSENT = "request-consent"
    DECIDE = "decide"
    RECORD_USE = "record-use"
    REPORT_VIEWERSHIP = "report-viewership"
    RUN_RESIDUALS = "run-residuals"
    MARK_PAID = "mark-paid"
    CORRECT_PAY_LINE = "correct-pay-line"
    GIVE_CONSENT = "give-consent"
    REVOKE_CONSENT = "revoke-consent"
    SUSPEND_CONSENT = "suspend-consent"
    ANSWER_CONSENT_REQUEST = "answer-consent-request"
    DECLARE_STRIKE = "declare-strike"
    END_STRIKE = "end-strike"
    IMPORT = "import"
    MANAGE_ACCOUNTS = "manage-accounts"
    DETECT = "detect"  # SPEC §13: enrol replicas and scan media for likeness
    REGISTER_OUTPUT = "register-output"  # SPEC §13: credential or register a use's output


@dataclass(frozen=True, slots=True)
class Record:
    """What access to one record depends on: kind, id, whom it is about, whose productions."""

    kind: RecordKind
    id: str
    performers: frozenset[str] = frozenset()
    producers: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Permission:
    """The answer: whether the record is visible, whether the action is allowed, and why."""

    visible: bool
    allowed: bool
    reasons: tuple[str, ...]
    #: the principal sees only the id and name (a producer looking at a performer)
    limited: bool = False


#: what performers and representatives see: records about the performer
_PERSONAL = frozenset(
    {
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
        RecordKind.FINDING,
    }
)
#: what a producer sees when it names the producer's productions
_PRODUCERS = frozenset(
    {
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
)
_ACCOUNTS = frozenset({RecordKind.ACCOUNT, RecordKind.TOKEN})
#: a producer's writes, each on a record naming its productions
_PRODUCER_ACTIONS = frozenset(
    {
        Action.REGISTER,
        Action.UPLOAD_ASSET,
        Action.REQUEST_CONSENT,
        Action.DECIDE,
        Action.RECORD_USE,
        Action.REPORT_VIEWERSHIP,
        Action.RUN_RESIDUALS,
        Action.MARK_PAID,
        Action.REGISTER_OUTPUT,
    }
)
#: the union's writes: strikes, correcting a pay line (a reversing line, never an edit), and
#: scanning media for its members' likeness (SPEC §13)
_UNION_ACTIONS = frozenset(
    {Action.DECLARE_STRIKE, Action.END_STRIKE, Action.CORRECT_PAY_LINE, Action.DETECT}
)
#: actions that need authority to consent for the performer on the day (SPEC §4.2)
CONSENT_ACTIONS = frozenset(
    {
        Action.GIVE_CONSENT,
        Action.REVOKE_CONSENT,
        Action.SUSPEND_CONSENT,
        Action.ANSWER_CONSENT_REQUEST,
    }
)


def _sees(principal: Principal, record: Record, acts_for: frozenset[str]) -> Permission:
    """Whether ``principal`` sees ``record`` at all (the SEE half of SPEC §10)."""
    role = principal.role
    kind = record.kind
    if role is Role.OPERATOR:
        return Permission(True, True, ("operator: sees every record at the installation",))
    if role is Role.UNION:
        if kind in _ACCOUNTS:
            return Permission(False, False, (f"{role}: accounts and tokens are the admin's",))
        return Permission(True, True, (f"{role}: sees every record",))
    if role is Role.ADMIN:
        if kind in _ACCOUNTS:
            return Permission(True, True, ("admin: accounts and tokens",))
        return Permission(False, False, ("admin: sees accounts and tokens only",))
    if role is Role.PRODUCER:
        party = str(principal.party)
        if kind is RecordKind.PERFORMER:
            return Permission(True, True, ("producer: a performer's id and name only",), True)
        if kind in _PRODUCERS and party in record.producers:
            return Permission(True, True, (f"producer: names a production of {party}",))
        return Permission(False, False, (f"producer: {kind} {record.id} is not {party}'s",))
    # performer or representative: records about the performers they are or act for
    whom = acts_for if role is Role.REPRESENTATIVE else frozenset({str(principal.party)})
    about = whom & record.performers
    if kind in _PERSONAL and about:
        return Permission(True, True, (f"{role}: about {', '.join(sorted(about))}",))
    return Permission(False, False, (f"{role}: {kind} {record.id} is not about them",))


def may(
    principal: Principal,
    action: Action,
    record: Record,
    *,
    acts_for: frozenset[str] = frozenset(),
    performer: Performer | None = None,
    day: dt.date | None = None,
) -> Permission:
    """May ``principal`` do ``action`` to ``record``? The answer with its reasons.

    :param acts_for: for a representative, the performers they represent.
    :param performer: for consent actions, the performer the consent is about.
    :param day: for consent actions, the day the action is done (authority on that day).
    """
    seen = _sees(principal, record, acts_for)
    if not seen.visible or action is Action.SEE:
        return seen
    role = principal.role
    if role is Role.OPERATOR:
        return Permission(True, True, ("operator: may do everything at the installation",))
    if action in CONSENT_ACTIONS:
        return _consent_authority(principal, action, record, seen, performer, day)
    if role is Role.PRODUCER and action in _PRODUCER_ACTIONS and not seen.limited:
        return Permission(True, True, (f"producer: {action} for its own productions",))
    if role is Role.UNION and action in _UNION_ACTIONS:
        return Permission(True, True, (f"union: {action}",))
    if role is Role.ADMIN and action is Action.MANAGE_ACCOUNTS:
        return Permission(True, True, ("admin: manages accounts and tokens",))
    return Permission(True, False, (f"{role}: may not {action} ({seen.reasons[0]})",))


def _consent_authority(
    principal: Principal,
    action: Action,
    record: Record,
    seen: Permission,
    performer: Performer | None,
    day: dt.date | None,
) -> Permission:
    """SPEC §10: consent actions only with authority (SPEC §4.2) on the day they are done."""
    party = principal.consents_as
    if party is None:
        return Permission(True, False, (f"{principal.role}: gives no consent",))
    if performer is None or day is None:
        raise ValueError(f"{action} needs the performer and the day to judge authority")
    if may_consent_for(party, performer, day):
        return Permission(True, True, (f"{party}: may consent for {performer.id} on {day}",))
    return Permission(
        True,
        False,
        (
            f"{party} may not consent for {performer.id} on {day} (SPEC §4.2: the performer if"
            " alive and adult, a representative with may_consent, a guardian, the estate, or"
            " the union when there is no estate)",
        ),
    )


def may_register(principal: Principal) -> Permission:
    """Whether ``principal`` registers records at all (the operator; a producer, its own)."""
    if principal.role in (Role.OPERATOR, Role.PRODUCER):
        return Permission(True, True, (f"{principal.role}: registers records",))
    return Permission(
        True, False, (f"{principal.role}: registers nothing (producers and the operator do)",)
    )


def require(
    principal: Principal,
    action: Action,
    record: Record,
    missing: str,
    *,
    acts_for: frozenset[str] = frozenset(),
    performer: Performer | None = None,
    day: dt.date | None = None,
) -> Permission:
    """:func:`may`, raising when the answer is no.

    Raises :class:`NotFoundError` with ``missing`` (the message a missing record gets, so the
    two cannot be told apart) when the record is not visible, and :class:`ForbiddenError` with
    the reasons when the action is not allowed.
    """
    permission = may(principal, action, record, acts_for=acts_for, performer=performer, day=day)
    if not permission.visible:
        raise NotFoundError(missing)
    if not permission.allowed:
        raise ForbiddenError(
            f"{principal.actor} may not {action} {record.kind} {record.id}",
            errors=permission.reasons,
        )
    return permission


def performers_seen(principal: Principal, acts_for: frozenset[str]) -> frozenset[str] | None:
    """Whose records of a kind only the performer's side sees (findings, SPEC §13) a principal
    reads: every performer's (None) for the operator and the union; a performer their own; a
    representative those they act for; anyone else none."""
    if principal.role in (Role.OPERATOR, Role.UNION):
        return None
    if principal.role is Role.PERFORMER:
        return frozenset({str(principal.party)})
    if principal.role is Role.REPRESENTATIVE:
        return acts_for
    return frozenset()


def notice_recipients(
    principal: Principal, acts_for: frozenset[str] = frozenset()
) -> frozenset[tuple[Role, str]] | None:
    """Whose notices ``principal`` reads (SPEC §10, §11): its own party's; a representative
    also those of the performers they act for; the union the union's; an admin none; the
    operator every notice (None)."""
    role = principal.role
    if role is Role.OPERATOR:
        return None
    if role is Role.UNION:
        return frozenset({(Role.UNION, UNION)})
    if role is Role.ADMIN:
        return frozenset()
    own = frozenset({(role, str(principal.party))})
    if role is Role.REPRESENTATIVE:
        return own | {(Role.PERFORMER, performer) for performer in acts_for}
    return own
