"""Reading the portal's forms into the documents the services take, and showing what went
wrong in plain words next to the field it is about (SPEC §5 problems included)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from starlette.datastructures import FormData

from likeness.domain.consents import UseKind
from likeness.domain.requests import Feature, RequestKind
from likeness.errors import Error, RecordInvalidError
from likeness.policy.exemptions import EXEMPT_ALTERATION_PURPOSES

#: SPEC §5 problems as a producer and a performer read them, and the field each is about
PROBLEMS: dict[str, tuple[str, str]] = {
    "blanket-scope": (
        "description",
        "Blanket scope: the description reaches works, media, purposes or parties it does not"
        " name. Name the production, the scenes and the use instead.",
    ),
    "perpetual-term": (
        "description",
        "Perpetual term: the wording says the consent never ends. Give a real end date.",
    ),
    "description-not-specific": (
        "description",
        "Not specific: say what will be made and where (scenes, shots, lines) in a few words.",
    ),
    "no-compensation": (
        "compensation",
        "No compensation: say how much is paid, per day or per use.",
    ),
    "term-exceeds-legal-cap": (
        "valid_until",
        "Too long: the term runs past the longest the law allows. Choose an earlier end date.",
    ),
    "not-separately-signed": ("description", "Not separately signed from other agreements."),
    "signed-during-strike": (
        "description",
        "A strike against this producer covers today: nobody may consent until it ends.",
    ),
}

#: the uses a consent can name (SPEC §3), in the order a form lists them
USE_CODES = tuple(str(u) for u in UseKind)


def problem_words(code: str) -> str:
    """A §5 problem code in plain words (an unknown code as itself)."""
    return PROBLEMS.get(code, ("", code))[1]


def problem_lines(exc: Error) -> dict[str, Any]:
    """What to show next to a form: the message and each of its problems in plain words."""
    return {"message": exc.message, "problems": [problem_words(e) for e in exc.errors]}


def parse_day(text: str, name: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` field (None when empty)."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RecordInvalidError("", name, text, "a date as YYYY-MM-DD") from None


def new_key(prefix: str) -> str:
    """A fresh idempotency key or id for a form, so that sending it twice records it once."""
    return f"{prefix}-{secrets.token_hex(6)}"


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _list(form: FormData, name: str) -> list[str]:
    return [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def consent_request_document(form: FormData) -> dict[str, Any]:
    """The consent request a producer's form describes, in the file format (SPEC §11)."""
    doc: dict[str, Any] = {
        "productions": _list(form, "productions"),
        "uses": _list(form, "uses"),
        "description": _text(form, "description"),
        "lifetime_only": _text(form, "lifetime_only") == "on",
    }
    subject = _text(form, "subject")
    if subject:
        doc["performer" if _text(form, "subject_kind") == "performer" else "replica"] = subject
    for name in ("id", "valid_from", "valid_until", "respond_by"):
        if _text(form, name):
            doc[name] = _text(form, name)
    if _text(form, "amount"):
        doc["compensation"] = {"amount": _text(form, "amount"), "per": _text(form, "per") or "use"}
    return doc


def field_problems(codes: list[str] | tuple[str, ...]) -> dict[str, list[str]]:
    """Each §5 problem in plain words, grouped by the form field it is about."""
    by_field: dict[str, list[str]] = {}
    for code in codes:
        name, text = PROBLEMS.get(code, ("description", code))
        by_field.setdefault(name, []).append(text)
    return by_field


#: the kinds of request a producer's form offers (SPEC §2), in the order it lists them
REQUEST_KINDS = tuple(str(k) for k in RequestKind)

#: alteration purposes that are exempt when the result is substantially as scripted (§4.3),
#: as the policy defines them, in alphabetical order for the form
EXEMPT_PURPOSES = tuple(sorted(EXEMPT_ALTERATION_PURPOSES))

#: features through which a synthetic performer resembles someone (§4.4)
FEATURES = tuple(str(f) for f in Feature)

#: the form's fields of each kind: (form field, request field); a checkbox is a boolean
_KIND_FIELDS: dict[str, tuple[tuple[str, str], ...]] = {
    "use": (("replica", "replica"), ("use", "use")),
    "alteration": (
        ("alteration_replica", "replica"),
        ("alteration_performer", "performer"),
        ("purpose", "purpose"),
    ),
    "create": (
        ("performer", "performer"),
        ("session_at", "session_at"),
        ("notice_at", "notice_at"),
        ("engaged_at", "engaged_at"),
        ("business_reason", "business_reason"),
    ),
    "synthetic": (("resembles", "resembles"), ("justification", "justification")),
}
_KIND_CHECKS: dict[str, tuple[str, ...]] = {
    "use": ("counts_toward_background", "real_time_generation"),
    "alteration": ("substantially_as_scripted",),
    "create": (),
    "synthetic": ("prompted_with_name", "human_role"),
}


def form_values(form: FormData) -> dict[str, Any]:
    """What was typed into a form, to show it again: one text per field, a list for a field
    sent more than once (checkboxes), and never the session token."""
    values: dict[str, Any] = {}
    for name in form:
        if name == "csrf":
            continue
        sent = [v for v in form.getlist(name) if isinstance(v, str)]
        if len(sent) == 1 and name != "recognizable_features":
            values[name] = sent[0]
        elif sent:
            values[name] = sent
    return values


def use_request_document(form: FormData, producer: str) -> dict[str, Any]:
    """The request a producer's form describes (SPEC §2), in the file format: the fields common
    to every kind, and those of the chosen kind only (the form shows every kind's fields when
    no script hides them; the others are ignored)."""
    kind = _text(form, "kind") or "use"
    if kind not in REQUEST_KINDS:
        raise RecordInvalidError("", "kind", kind, f"one of {', '.join(REQUEST_KINDS)}")
    doc: dict[str, Any] = {
        "id": _text(form, "id") or new_key("Q"),
        "kind": kind,
        "producer": producer,
        "production": _text(form, "production"),
        "date": _text(form, "date"),
    }
    days = _text(form, "days")
    if days:
        # a whole number as a file has it; anything else goes on for the file format's message
        doc["days"] = int(days) if days.isdigit() and len(days) < 6 else days
    if _text(form, "description"):
        doc["description"] = _text(form, "description")
    for name, key in _KIND_FIELDS[kind]:
        if _text(form, name):
            doc[key] = _text(form, name)
    for name in _KIND_CHECKS[kind]:
        doc[name] = _text(form, name) == "on"
    if kind == "synthetic":
        doc["recognizable_features"] = _list(form, "recognizable_features")
    return doc
