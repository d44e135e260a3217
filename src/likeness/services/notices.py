"""Who is told what (SPEC §11), in one place, and the notices a principal reads.

Each ``*_notices`` function below is called by the use case whose change it reports, inside
that use case's transaction: the notices land with the change or not at all (an outbox). A
sender delivers them by email later (:mod:`likeness.services.delivery`).

Messages are plain words for people: what happened, who did it, what it covers, and what to do
next; the ids and amounts are in ``data`` for programs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from likeness.domain.consent_requests import ConsentRequest
from likeness.domain.consents import Consent
from likeness.domain.decisions import ObligationKind
from likeness.domain.findings import Finding, format_time
from likeness.domain.ids import UNION
from likeness.domain.notices import Notice, NoticeKind
from likeness.domain.payments import LineKind
from likeness.domain.performers import Performer
from likeness.domain.principals import Principal, Role
from likeness.domain.uses import UseRecord
from likeness.errors import InvalidInputError
from likeness.interchange.documents import to_jsonable
from likeness.services.access import notice_recipients
from likeness.services.pages import MAX_LIMIT, Page
from likeness.services.records import acts_for
from likeness.services.unit_of_work import UnitOfWork

Recipient = tuple[Role, str]


def party_of(party: str, performer: Performer) -> Recipient:
    """The recipient for ``party`` (the performer, one of their representatives, or the union)."""
    if party == UNION:
        return (Role.UNION, UNION)
    if party == performer.id:
        return (Role.PERFORMER, party)
    return (Role.REPRESENTATIVE, party)


def _add(
    uow: UnitOfWork,
    kind: NoticeKind,
    to: Iterable[Recipient],
    subject: str,
    message: str,
    data: Mapping[str, Any],
    at: dt.datetime,
    performer: str | None,
) -> list[int]:
    if at.utcoffset() is None:  # a naive moment from storage or a test clock is UTC
        at = at.replace(tzinfo=dt.UTC)
    ids = []
    for role, party in dict.fromkeys(to):  # each recipient once, in order
        notice = Notice(kind, party, role, subject, message, at, to_jsonable(dict(data)), performer)
        ids.append(uow.notices.add(notice))
    return ids


def _terms(request: ConsentRequest) -> str:
    comp = request.compensation
    pay = "no pay stated" if comp is None else f"{comp.currency} {comp.amount} per {comp.per}"
    window = f"from {request.valid_from or 'the day it is given'} until {request.valid_until}"
    return (
        f"What: {request.description}\n"
        f"Subject: {request.subject}\n"
        f"Productions: {', '.join(request.productions)}\n"
        f"Uses: {', '.join(request.uses)}\n"
        f"Valid {window}\n"
        f"Pay: {pay}\n" + ("It ends at the performer's death.\n" if request.lifetime_only else "")
    )


def requested_notices(
    uow: UnitOfWork, request: ConsentRequest, answerers: Sequence[Recipient], at: dt.datetime
) -> list[int]:
    """``consent-requested``: to everyone who may answer on the day."""
    subject = f"Consent requested by {request.producer}: {request.id}"
    message = (
        f"{request.producer} asks for consent about performer {request.about}.\n"
        + _terms(request)
        + f"Please grant or refuse it by {request.respond_by}; after that day it expires.\n"
    )
    data = {"request": request.id, "producer": request.producer, "respond_by": request.respond_by}
    return _add(
        uow, NoticeKind.CONSENT_REQUESTED, answerers, subject, message, data, at, request.about
    )


def answered_notices(uow: UnitOfWork, request: ConsentRequest, at: dt.datetime) -> list[int]:
    """``consent-answered``: to the producer that asked, and to the performer when someone
    else answered for them."""
    outcome = str(request.state)
    subject = f"Consent request {request.id} {outcome}"
    lines = [
        f"Consent request {request.id} was {outcome} by {request.answered_by} on"
        f" {request.answered_on}."
    ]
    if request.consent is not None:
        lines.append(f"The consent is {request.consent}; decisions now cite it.")
    if request.reason:
        lines.append(f"Reason given: {request.reason}")
    data = {
        "request": request.id,
        "state": outcome,
        "answered_by": request.answered_by,
        "consent": request.consent,
        "reason": request.reason,
    }
    to: list[Recipient] = [(Role.PRODUCER, request.producer)]
    if request.answered_by != request.about:
        to.append((Role.PERFORMER, request.about))
    message = "\n".join(lines) + "\n"
    return _add(uow, NoticeKind.CONSENT_ANSWERED, to, subject, message, data, at, request.about)


def consent_changed_notices(
    uow: UnitOfWork,
    kind: NoticeKind,
    consent: Consent,
    performer: str | None,
    producers: Iterable[str],
    by: str,
    on: dt.date,
    at: dt.datetime,
) -> list[int]:
    """``consent-revoked`` / ``consent-suspended``: to the producers of its productions, and
    to the performer when someone else did it."""
    what = "revoked" if kind is NoticeKind.CONSENT_REVOKED else "suspended"
    subject = f"Consent {consent.id} {what} from {on}"
    message = (
        f"Consent {consent.id} ({consent.description}) was {what} by {by} from {on}.\n"
        f"It covers no use dated {on} or later"
        + (" while a strike against the producer is in effect" if what == "suspended" else "")
        + "; uses before that day stay valid.\n"
    )
    data = {"consent": consent.id, what + "_on": on, "by": by}
    to: list[Recipient] = [(Role.PRODUCER, p) for p in sorted(producers)]
    if performer is not None and by != performer:
        to.append((Role.PERFORMER, performer))
    return _add(uow, kind, to, subject, message, data, at, performer)


def use_notices(uow: UnitOfWork, record: UseRecord, performer: str | None) -> list[int]:
    """For a recorded (allowed) use: ``scan-scheduled`` (a ``create``) or ``use-recorded`` to
    the performer, ``pay-due`` to the performer for its pay, and ``union-notice`` to the union
    for ``notify-union`` and ``union-bargain`` obligations."""
    request, decision, at = record.request, record.decision, record.recorded_at
    base: dict[str, Any] = {
        "use": record.use_id,
        "request": request.id,
        "production": request.production,
    }
    ids: list[int] = []
    if performer is not None:
        me = [(Role.PERFORMER, performer)]
        if str(request.kind) == "create":
            subject = f"Scan scheduled by {request.producer} for {request.date}"
            message = (
                f"{request.producer} will scan you for production {request.production}"
                f" ({request.description or 'scan session'})"
                + (f", session at {request.session_at}" if request.session_at else "")
                + f". Use {record.use_id} is recorded under consent {decision.consent}.\n"
            )
            kind = NoticeKind.SCAN_SCHEDULED
        else:
            subject = f"Your likeness was used: {request.use} in {request.production}"
            message = (
                f"{request.producer} recorded use {record.use_id}: {request.use} of"
                f" {request.replica or 'your likeness'} in production {request.production} on"
                f" {request.date}, {request.days} day(s), under consent {decision.consent}.\n"
            )
            kind = NoticeKind.USE_RECORDED
        data = {**base, "consent": decision.consent, "date": request.date}
        ids += _add(uow, kind, me, subject, message, data, at, performer)
        pay = [line for line in record.pay_lines if line.kind is LineKind.PAY]
        if pay:
            total = sum((line.amount for line in pay), start=pay[0].amount * 0)
            currency = pay[0].currency
            subject = f"Pay due from {request.producer}: {currency} {total}"
            message = (
                f"{request.producer} owes you {currency} {total} for use {record.use_id}"
                f" ({request.use} in {request.production} on {request.date});"
                " pension and health contributions are paid on top.\n"
            )
            data = {**base, "amount": total, "currency": currency}
            ids += _add(uow, NoticeKind.PAY_DUE, me, subject, message, data, at, performer)
    kinds = {o.kind for o in decision.obligations}
    union_kinds = sorted(
        k.value for k in kinds & {ObligationKind.NOTIFY_UNION, ObligationKind.UNION_BARGAIN}
    )
    if union_kinds:
        subject = f"Union notice from {request.producer}: {', '.join(union_kinds)}"
        message = (
            f"{request.producer} recorded use {record.use_id} ({request.kind}, {request.use}) in"
            f" production {request.production} on {request.date}; the decision obliges:"
            f" {', '.join(union_kinds)}.\n"
        )
        data = {**base, "obligations": union_kinds}
        ids += _add(
            uow,
            NoticeKind.UNION_NOTICE,
            [(Role.UNION, UNION)],
            subject,
            message,
            data,
            at,
            performer,
        )
    return ids


def finding_notices(
    uow: UnitOfWork, finding: Finding, name: str, draft: str, source: str | None
) -> list[int]:
    """``finding`` (SPEC §13) to the performer (their representatives read it too) and the
    union: what was found where, why no consent covers it, and a takedown notice draft."""
    subject = f"Likeness of {name} found without consent: {finding.file}"
    message = (
        f"Likeness found {name}'s {finding.medium.value} in {finding.file} at"
        f" {format_time(finding.time_s)} (replica {finding.replica}, score {finding.score})."
        f" No consent covers it: {finding.reason}. Finding {finding.id}.\n\n{draft}"
    )
    data = {
        "finding": finding.id,
        "file": finding.file,
        "sha256": finding.sha256,
        "medium": finding.medium.value,
        "replica": finding.replica,
        "time_ms": round(finding.time_s * 1000),
        "time": format_time(finding.time_s),
        "score": str(finding.score),
        "source": source,
    }
    to = [(Role.PERFORMER, finding.performer), (Role.UNION, UNION)]
    return _add(
        uow, NoticeKind.FINDING, to, subject, message, data, finding.found_at, finding.performer
    )


def readers(uow: UnitOfWork, notice: Notice) -> list[tuple[Role, str | None]]:
    """Whose accounts a notice is sent to (role and party; the union's accounts have none):
    its recipient's, and for a notice to a performer also their representatives' (who read the
    performer's notices, see :func:`~likeness.services.access.notice_recipients`), so that the
    estate of a deceased performer is told too."""
    if notice.recipient_role is Role.UNION:
        return [(Role.UNION, None)]
    found: list[tuple[Role, str | None]] = [(notice.recipient_role, notice.recipient)]
    if notice.recipient_role is Role.PERFORMER:
        performer = uow.performers.get(notice.recipient)
        if performer is not None:
            found += [(Role.REPRESENTATIVE, rep.id) for rep in performer.representatives]
    return found


def list_notices(
    uow: UnitOfWork, principal: Principal, *, limit: int = 100, offset: int = 0
) -> Page[Notice]:
    """The notices addressed to ``principal`` (a representative also reads those of the
    performers they act for), newest first; every notice for the operator."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError(f"limit {limit} is out of range (expected 1 to {MAX_LIMIT})")
    if offset < 0:
        raise InvalidInputError(f"offset {offset} is negative (expected 0 or more)")
    recipients = notice_recipients(principal, acts_for(uow, principal))
    items, total = uow.notices.list(recipients=recipients, limit=limit, offset=offset)
    return Page(list(items), total, limit, offset)


def residual_pay_notice(
    uow: UnitOfWork,
    performer: str,
    producer: str,
    run_id: int,
    owed: Sequence[tuple[str, int, Decimal]],
    currency: str,
    at: dt.datetime,
) -> list[int]:
    """``pay-due`` to a performer for the residual lines a run made owed by ``producer``:
    ``owed`` holds (production, exhibition year, amount) with corrections netted."""
    total = sum((amount for _, _, amount in owed), Decimal("0.00"))
    subject = f"Residuals due from {producer}: {currency} {total}"
    years = "; ".join(f"{production} year {year}: {currency} {a}" for production, year, a in owed)
    message = (
        f"Residual run {run_id} makes {producer} owe you {currency} {total} ({years}).\n"
        "Your statement shows each line and whether it is paid.\n"
    )
    data = {"run": run_id, "producer": producer, "total": total, "currency": currency}
    return _add(
        uow,
        NoticeKind.PAY_DUE,
        [(Role.PERFORMER, performer)],
        subject,
        message,
        data,
        at,
        performer,
    )
