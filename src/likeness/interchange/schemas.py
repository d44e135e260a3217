"""The records of a scenario file's consents, strikes and requests (SPEC §2, §9), with expects.

Each record is a :class:`~likeness.interchange.records.Record`: pydantic checks every key and
value, and :func:`~likeness.interchange.records.parse_record` turns its errors into one line
naming the field, the value and what was expected. Allowed values come from the domain enums
(``kind: RequestKind``, ``use: UseKind``), so the file format cannot drift from the domain.

:func:`request_from_record` and :func:`consent_from_record` build the domain values;
:func:`request_from_document` reads back a request document that was checked before (a stored
one), without the labels and key paths of a user's file.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator

from likeness.domain.consents import WILDCARD, Compensation, Consent, PayPer, UseKind
from likeness.domain.decisions import ObligationKind
from likeness.domain.ids import ConsentId, PerformerId, ReplicaId
from likeness.domain.requests import DEFAULT_USE, Request, RequestKind
from likeness.interchange.records import Amount, Day, Days, Id, IdOrWildcard, Moment, Record

if TYPE_CHECKING:
    # mypy cannot build a Literal from an enum's values; to it a use code is a string
    UseCode = str
else:
    #: a use code of SPEC §3, or ``*`` (a blanket grant, recorded and found invalid): the
    #: values of :class:`UseKind` in their order, so that a bad code lists them as before
    UseCode = Literal[(*(u.value for u in UseKind), WILDCARD)]


def _utc_naive(value: Any) -> Any:
    """Datetimes compare as UTC without a zone; a bare date means its midnight."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    return value


def _stated(value: Any) -> Any:
    """``business_reason: true`` states a reason without words; ``false`` states none."""
    if value is True:
        return "stated"
    if value is False:
        return None
    return value


def _as_list(value: Any) -> Any:
    """A single string is a list of one; ``null`` is an empty list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


class CompensationRecord(Record):
    amount: Amount
    per: PayPer
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")


class ConsentExpectRecord(Record):
    valid: bool | None = None
    problems: list[str] = Field(default_factory=list)


class ConsentRecord(Record):
    id: Id
    replica: Id | None = None
    performer: Id | None = None
    given_by: Id
    signed_on: Day
    separately_signed: bool = False
    productions: list[IdOrWildcard] = Field(default_factory=list)
    uses: list[UseCode] = Field(default_factory=list)
    description: str = ""
    valid_from: Day | None = None
    valid_until: Day | None = None
    compensation: CompensationRecord | None = None
    lifetime_only: bool = False
    revoked_on: Day | None = None
    suspended_on: Day | None = None
    request: Id | None = None
    expect: ConsentExpectRecord | None = None

    @field_validator("productions", "uses", mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        """``uses: dubbing`` is a list of one; ``uses: null`` names none (a blanket grant)."""
        return _as_list(value)


class ConsentRequestRecord(Record):
    """A consent request as a producer sends it (SPEC §11): the terms of the consent it would
    make, and the day it must be answered by."""

    id: str | None = Field(default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    producer: Id | None = None
    replica: Id | None = None
    performer: Id | None = None
    productions: list[IdOrWildcard] = Field(default_factory=list)
    uses: list[UseCode] = Field(default_factory=list)
    description: str = ""
    valid_from: Day | None = None
    valid_until: Day | None = None
    compensation: CompensationRecord | None = None
    lifetime_only: bool = False
    respond_by: Day | None = None

    @field_validator("productions", "uses", mode="before")
    @classmethod
    def _as_list(cls, value: Any) -> Any:
        """``uses: dubbing`` is a list of one; ``uses: null`` names none (a blanket request)."""
        return _as_list(value)


class StrikeRecord(Record):
    against: Literal["all"] | list[Id]
    start: Day = Field(alias="from")
    until: Day | None = None


class ObligationExpectRecord(Record):
    kind: ObligationKind
    amount: Decimal | None = None
    currency: str | None = None


class DecisionExpectRecord(Record):
    # no enum for these: a decision is ``allowed`` or not, and says so as allow/deny
    decision: Literal["allow", "deny"] | None = None
    reasons: list[str] = Field(default_factory=list)
    consent: str | None = None
    obligations: list[ObligationExpectRecord] = Field(default_factory=list)


class RequestRecord(Record):
    """A request as a file states it: the fields of :class:`Request`, each with its check,
    and ``expect``. ``use`` may be left out where the kind implies it (``DEFAULT_USE``)."""

    id: Id
    kind: RequestKind
    producer: Id
    production: Id
    replica: Id | None = None
    performer: Id | None = None
    use: UseKind | None = None
    description: str | None = None
    date: Day
    days: Days = 1
    purpose: str | None = None
    substantially_as_scripted: bool = False
    session_at: Moment | None = None
    notice_at: Moment | None = None
    engaged_at: Moment | None = None
    business_reason: str | None = None
    counts_toward_background: bool = False
    resembles: Id | None = None
    recognizable_features: list[str] = Field(default_factory=list)
    prompted_with_name: bool = False
    human_role: bool = False
    justification: str | None = None
    real_time_generation: bool = False
    expect: DecisionExpectRecord | None = None

    @field_validator("replica", "performer", "resembles", mode="before")
    @classmethod
    def _empty_id_names_nothing(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("session_at", "notice_at", "engaged_at", mode="before")
    @classmethod
    def _dates_as_midnight(cls, value: Any) -> Any:
        return _utc_naive(value)

    @field_validator("session_at", "notice_at", "engaged_at", mode="after")
    @classmethod
    def _times_in_utc(cls, value: Any) -> Any:
        return _utc_naive(value)

    @field_validator("recognizable_features", mode="before")
    @classmethod
    def _features(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("business_reason", "justification", mode="before")
    @classmethod
    def _statement(cls, value: Any) -> Any:
        return _stated(value)


#: the keys of a request that are not fields of :class:`Request`
REQUEST_FILE_ONLY = frozenset({"expect"})


def request_from_record(rec: RequestRecord) -> Request:
    """The domain request of a parsed record (raises ValueError on a structural problem).

    Every field of the record but ``expect`` is a field of :class:`Request` of the same name
    (``tests/unit/interchange`` checks that the two agree), so nothing is copied by hand.
    """
    values = rec.model_dump(exclude=set(REQUEST_FILE_ONLY))
    values["use"] = rec.use or DEFAULT_USE.get(rec.kind)
    if values["use"] is None:
        raise ValueError("use missing (expected a use of SPEC §3 for a use request)")
    values["recognizable_features"] = tuple(rec.recognizable_features)
    return Request(**values)


def request_from_document(document: Any) -> Request:
    """The request of a document that was checked when it came in (a stored request).

    Raises ``ValueError`` (pydantic's ``ValidationError`` is one) when it no longer reads.
    """
    return request_from_record(RequestRecord.model_validate(document))


def consent_from_record(rec: ConsentRecord) -> Consent:
    """The domain consent of a parsed record (raises ValueError on a structural problem)."""
    comp = rec.compensation
    return Consent(
        id=ConsentId(rec.id),
        given_by=rec.given_by,
        signed_on=rec.signed_on,
        separately_signed=rec.separately_signed,
        productions=tuple(rec.productions),
        uses=tuple(str(u) for u in rec.uses),
        description=rec.description,
        replica=ReplicaId(rec.replica) if rec.replica else None,
        performer=PerformerId(rec.performer) if rec.performer else None,
        valid_from=rec.valid_from,
        valid_until=rec.valid_until,
        compensation=None if comp is None else Compensation(comp.amount, comp.per, comp.currency),
        lifetime_only=rec.lifetime_only,
        revoked_on=rec.revoked_on,
        suspended_on=rec.suspended_on,
        request=rec.request,
    )
