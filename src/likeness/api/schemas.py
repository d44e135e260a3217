"""The API's typed response bodies (``XPublic``, full-stack FastAPI template style), so that the
OpenAPI document describes every body. Dates are ISO strings and money strings with two
decimals, as everywhere in Likeness's JSON; optional fields are left out when absent (the routes
use ``response_model_exclude_unset``), so a producer's view of a performer is its id and name.

Request bodies (``XCreate``) come with the write routes of SPEC §10.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from likeness.domain.replicas import Medium, ReplicaKind
from likeness.interchange.records import Day, Id
from likeness.interchange.schemas import (
    ConsentExpectRecord,
    ConsentRecord,
    DecisionExpectRecord,
    RequestRecord,
)
from likeness.interchange.world import ProductionRecord


class _Public(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RepresentativePublic(_Public):
    id: str
    kind: str
    may_consent: bool | None = None
    name: str | None = None


class PerformerPublic(_Public):
    """A performer; a producer sees ``id`` and ``name`` only (SPEC §10)."""

    id: str
    name: str
    category: str | None = None
    born: str | None = None
    died: str | None = None
    union_member_id: str | None = None
    weekly_salary: str | None = None
    day_rate: str | None = None
    representatives: list[RepresentativePublic] | None = None


class CompensationPublic(_Public):
    amount: str
    per: str
    currency: str


class StandingPublic(_Public):
    """A consent's standing on a date, as a decision that day would judge it (SPEC §4.2)."""

    on: str
    state: str
    codes: list[str]
    text: str


class ConsentPublic(_Public):
    """A consent with its validity as recorded (SPEC §2, §5) and its standing today."""

    id: str
    replica: str | None = None
    performer: str | None = None
    given_by: str
    signed_on: str
    separately_signed: bool
    productions: list[str]
    uses: list[str]
    description: str
    valid_from: str | None
    valid_until: str | None
    compensation: CompensationPublic | None
    lifetime_only: bool
    revoked_on: str | None
    suspended_on: str | None = None
    request: str | None = None
    valid: bool
    problems: list[str]
    standing: StandingPublic | None = None


class PayLinePublic(_Public):
    """One amount owed (SPEC §6, §12): pay or pension-health of a use, a residual or bonus, or
    a correction reversing a line; paid or due."""

    id: int | None
    date: str
    production: str
    producer: str | None
    performer: str | None
    kind: str
    amount: str
    currency: str
    basis: str | None
    rule: str | None
    rate_row: str | None
    replica_or_title: str | None
    use_or_year: str | None
    quantity: int | None
    status: str
    paid_on: str | None
    reference: str | None
    reverses: int | None
    ledger_index: int | None


class TotalPublic(_Public):
    kind: str
    currency: str
    amount: str


class PerformerDetail(PerformerPublic):
    """A performer with their replica ids, consents, pay lines and totals."""

    replicas: list[str] = []
    consents: list[ConsentPublic] = []
    pay_lines: list[PayLinePublic] = []
    totals: list[TotalPublic] = []


class ProducerPublic(_Public):
    id: str
    name: str


class ProducerDetail(ProducerPublic):
    productions: list[str]


class ProductionPublic(_Public):
    id: str
    title: str
    producer: str
    kind: str
    agreement: str | None = None
    principal_photography: str | None = None
    platform: str | None = None


class AssetPublic(_Public):
    location: str
    size: int
    sha256: str


class ReplicaPublic(_Public):
    id: str
    performer: str
    kind: str
    media: list[str]
    made_in: str | None = None
    made_on: str | None = None
    assets: list[AssetPublic] | None = None


# ---- SPEC §10 bodies of the /v1 write routes ------------------------------------------------


class Created(_Public):
    """What a create answers (201): the new record's id."""

    id: str


class ObligationPublic(_Public):
    """An obligation of a decision: pay and pension-health with their amount, rule and rate
    row (and ``basis``: which branch, bargained or floor, set the amount), or a duty."""

    kind: str
    amount: str | None
    currency: str | None
    basis: str | None
    rule: str | None
    rate_row: str | None


class DecisionPublic(_Public):
    """A decision on one request (SPEC §4, the §9 shape plus rule set and rule rows)."""

    request: str
    decision: str
    reasons: list[str]
    consent: str | None
    rule_set: str
    obligations: list[ObligationPublic]


class BatchPublic(_Public):
    """The decisions on a batch of requests, in the order asked."""

    decisions: list[DecisionPublic]


class UsePublic(_Public):
    """The answer to one idempotency key: the decision, and the use when it was allowed."""

    id: int | None
    key: str
    request: dict[str, object]
    decision: DecisionPublic
    recorded_at: str
    pay_lines: list[PayLinePublic]


class StrikePublic(_Public):
    """A strike (SPEC §2): ``against`` ids or ``all``, ``from`` ≤ date < ``until``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: int
    against: list[Id] | Id
    from_: str = Field(alias="from")
    until: str | None


class Page(_Public):
    total: int
    limit: int
    offset: int


class ConsentPage(Page):
    items: list[ConsentPublic]


class UsePage(Page):
    items: list[UsePublic]


class PayLinePage(Page):
    items: list[PayLinePublic]


# ---- request bodies -------------------------------------------------------------------------

#: a production as SPEC §9 writes it
ProductionCreate = ProductionRecord


class ReplicaCreate(_Public):
    """A replica as SPEC §9 writes it; its asset files are uploaded one by one afterwards."""

    id: Id
    performer: Id
    kind: ReplicaKind
    media: list[Medium] = Field(min_length=1)
    made_in: Id | None = None
    made_on: Day | None = None


class DecisionRequest(RequestRecord):
    """A request of SPEC §2 as §9 writes it (no ``expect``: that is for scenario files)."""

    expect: SkipJsonSchema[DecisionExpectRecord | None] = Field(default=None, exclude=True)


class ConsentCreate(ConsentRecord):
    """A consent of SPEC §2 as §9 writes it (no ``expect``)."""

    expect: SkipJsonSchema[ConsentExpectRecord | None] = Field(default=None, exclude=True)


class BatchRequest(_Public):
    """Up to 10,000 requests, decided in order."""

    requests: list[DecisionRequest] = Field(min_length=1, max_length=10_000)


class DayBody(_Public):
    """The day an action takes effect (``on``)."""

    on: Day


class StrikeCreate(_Public):
    """A strike: ``against`` producer ids or ``all``, from ``from`` (``until`` optional)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    against: list[Id] | Id
    from_: Day = Field(alias="from")
    until: Day | None = None


# ---- the ledger ------------------------------------------------------------------------------


class CheckpointPublic(_Public):
    origin: str
    size: int
    root: str
    time: str
    note: str = Field(
        description="the C2SP tlog-checkpoint signed note, with any witness cosignatures"
    )
    vkey: str = Field(description="the log's verifier key as the installation states it")


class InclusionProofPublic(_Public):
    index: int
    tree_size: int
    audit_path: list[str]


class ConsistencyProofPublic(_Public):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: int = Field(alias="from")
    to: int
    proof: list[str]


class EntryPublic(_Public):
    index: int
    kind: str
    actor: str
    time: str
    record: dict[str, object]
    body: str = Field(description="the entry exactly as hashed (RFC 8785 canonical JSON)")
    leaf_hash: str = Field(description="SHA-256(0x00 || body), hex")


class EntryPage(_Public):
    start: int
    end: int
    size: int
    entries: list[EntryPublic]


class HealthPublic(_Public):
    status: str
    schema_: str | None = Field(alias="schema")
