"""Response and body models of the consent-request and notice routes (SPEC §10, §11)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from likeness.api.schemas import CompensationPublic, ConsentPublic, Page
from likeness.interchange.schemas import ConsentRequestRecord


class _Public(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConsentRequestCreate(ConsentRequestRecord):
    """A consent request as a producer sends it: the consent's terms and ``respond_by``."""


class ConsentRequestPublic(_Public):
    """A consent request and its state as it stands today."""

    id: str
    producer: str
    replica: str | None = None
    performer: str | None = None
    about: str
    productions: list[str]
    uses: list[str]
    description: str
    valid_from: str | None
    valid_until: str | None
    compensation: CompensationPublic | None
    lifetime_only: bool
    respond_by: str
    created_on: str
    state: str
    answered_by: str | None
    answered_on: str | None
    reason: str | None
    consent: str | None


class Answerer(_Public):
    """A party who may answer a request today."""

    role: str
    party: str


class ConsentRequestPreview(_Public):
    """What a request would be, with the SPEC §5 problems of the consent it would make."""

    valid: bool
    problems: list[str]
    answerers: list[Answerer]
    request: ConsentRequestPublic


class GrantPublic(_Public):
    """A granted request and the consent it made."""

    request: ConsentRequestPublic
    consent: ConsentPublic


class ConsentRequestPage(Page):
    items: list[ConsentRequestPublic]


class RefuseBody(_Public):
    """Why the request is refused (optional; the producer reads it)."""

    reason: str | None = Field(default=None, max_length=2000)


class EmptyBody(_Public):
    """No fields."""


class NoticePublic(_Public):
    """One notice to the caller (SPEC §11), and where its email stands."""

    id: int
    kind: str
    recipient: str
    recipient_role: str
    performer: str | None
    subject: str
    message: str
    data: dict[str, object]
    created_at: str
    delivery: str
    sent_at: str | None


class NoticePage(Page):
    items: list[NoticePublic]
