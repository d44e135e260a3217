"""Records as the API shows them: domain objects to the JSON of the response models."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from likeness.compensation.rounding import format_money
from likeness.domain.consents import StoredConsent
from likeness.domain.decisions import Decision
from likeness.domain.payments import PayLine
from likeness.domain.uses import UseRecord
from likeness.interchange.documents import to_jsonable
from likeness.interchange.report import consent_to_document
from likeness.interchange.statements import basis_of, pay_line_json
from likeness.policy.standing import Standing
from likeness.services.pages import Page

T = TypeVar("T")


def decision_view(decision: Decision) -> dict[str, Any]:
    """A decision: the §9 shape, with the rule set and each obligation's rule and rate row."""
    return {
        "request": decision.request,
        "decision": decision.outcome,
        "reasons": list(decision.reasons),
        "consent": decision.consent,
        "rule_set": decision.rule_set,
        "obligations": [
            {
                "kind": str(o.kind),
                "amount": None if o.amount is None else format_money(o.amount),
                "currency": o.currency,
                "basis": basis_of(o),
                "rule": o.rule,
                "rate_row": o.rate_row,
            }
            for o in decision.obligations
        ],
    }


def pay_line_view(line: PayLine) -> dict[str, Any]:
    """A pay line with its amount as a two-decimal string, paid or due."""
    return pay_line_json(line)


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment in UTC (SQLite gives it back without its zone, PostgreSQL with)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _keys_sorted(value: Any) -> Any:
    """``value`` with every mapping's keys in sorted order (as the stored request comes back)."""
    if isinstance(value, dict):
        return {k: _keys_sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_keys_sorted(v) for v in value]
    return value


def use_view(record: UseRecord) -> dict[str, Any]:
    """The answer stored under one idempotency key; the same bytes whether it was just recorded
    or read back (the request's keys in sorted order, as storage gives them)."""
    return {
        "id": record.use_id,
        "key": record.key,
        "request": _keys_sorted(record.document),
        "decision": decision_view(record.decision),
        "recorded_at": _utc(record.recorded_at).isoformat(),
        "pay_lines": [pay_line_view(line) for line in record.pay_lines],
    }


def consent_view(stored: StoredConsent, standing: Standing | None = None) -> dict[str, Any]:
    """A consent with its validity as recorded and, when given, its ``standing`` on a date."""
    view: dict[str, Any] = to_jsonable(consent_to_document(stored.consent, stored.problems))
    if standing is not None:
        view["standing"] = standing.as_document()
    return view


def page_view(page: Page[T], view: Callable[[T], dict[str, Any]]) -> dict[str, Any]:
    """One page of a list route: its items shown by ``view``, and where it is in the whole."""
    return {
        "items": [view(item) for item in page.items],
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
    }
