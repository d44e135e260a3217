"""Response and body models of the payment, statement and report routes (SPEC §12)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from likeness.api.schemas import PayLinePublic
from likeness.interchange.records import Amount, Day


class _Public(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MarkPaidBody(_Public):
    """The producer's record of a payment: the transfer's reference and the day paid."""

    reference: str = Field(min_length=1, max_length=200, examples=["ACH 2026-11-30 0042"])
    paid_on: Day


class CorrectBody(_Public):
    """The union's correction: why, and the right amount (omit it to cancel the line)."""

    reason: str = Field(min_length=1, max_length=500)
    amount: Amount | None = Field(default=None, examples=["624.00"])


class PayLineDetail(PayLinePublic):
    """A pay line and the line that reversed it, if any."""

    reversed_by: int | None


class CorrectionPublic(_Public):
    reversal: PayLinePublic
    replacement: PayLinePublic | None


class TotalsPublic(_Public):
    lines: int
    pay: str
    pension_health: str
    owed: str
    paid: str
    due: str


class StatementLinePublic(_Public):
    line: int | None
    date: str
    production: str
    producer: str | None
    kind: str
    replica_or_title: str | None
    use_or_year: str | None
    description: str
    basis: str | None
    rule: str | None
    rate_row: str | None
    quantity: int | None
    amount: str
    currency: str
    status: str
    paid_on: str | None
    reference: str | None
    reverses: int | None
    reversed_by: int | None
    ledger_index: int | None


class ProductionTotalsPublic(TotalsPublic):
    production: str
    producer: str | None


class StatementPublic(_Public):
    """A performer's statement (SPEC §12); the same cents as its CSV and PDF."""

    performer: str
    name: str
    from_: str = Field(alias="from")
    until: str
    currency: str
    lines: list[StatementLinePublic]
    productions: list[ProductionTotalsPublic]
    totals: TotalsPublic


class ProducerDuesPublic(_Public):
    producer: str
    lines: int
    owed: str
    paid: str
    due: str
    pension_health_due: str
    lines_due: int
    oldest_due: str | None


class DuesReport(_Public):
    producers: list[ProducerDuesPublic]


class UnpaidReportPublic(_Public):
    as_of: str
    days: int
    lines: list[PayLinePublic]


class FundSharePublic(_Public):
    production: str
    year: int
    qualified: bool
    fund: str
    run: int


class FundReport(_Public):
    funds: list[FundSharePublic]
