"""The API's typed response bodies (``XPublic``, full-stack FastAPI template style), so that the
OpenAPI document describes every body. Dates are ISO strings and money strings with two
decimals, as everywhere in Likeness's JSON; optional fields are left out when absent (the routes
use ``response_model_exclude_unset``), so a producer's view of a performer is its id and name.

Request bodies (``XCreate``) come with the write routes of SPEC §10.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


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


class ConsentPublic(_Public):
    """A consent with its validity as recorded (SPEC §2, §5)."""

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
    valid: bool
    problems: list[str]


class PayLinePublic(_Public):
    """One pay or pension-health line of a recorded use (SPEC §6)."""

    date: str
    production: str
    kind: str
    amount: str
    currency: str
    basis: str | None
    rule: str | None
    rate_row: str | None


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
