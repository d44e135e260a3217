"""A decision as JSON, whole: reasons, consent cited, obligations with their rule and rate row,
and the explanation (checks run and failed). Used to store decisions and to write them to the
ledger; :func:`decision_from_json` reads back exactly what :func:`decision_to_json` wrote.

The check names in ``ran`` and ``failed`` are kept as the decision was made: since issue 8 they
are SPEC codes (``scan-notice-late``), and a decision stored before (``scan-notice``) reads
back, and replays, with its old names. Obligations and checks are written with the fields of
their named tuples, so a field added to the domain is stored without a change here.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from likeness.domain.decisions import Check, Decision, Obligation, ObligationKind
from likeness.domain.ids import ConsentId, RequestId
from likeness.interchange.documents import to_jsonable


def decision_to_json(decision: Decision) -> dict[str, Any]:
    """Everything of a decision, JSON-able (amounts as strings)."""
    return {
        "request": decision.request,
        "allowed": decision.allowed,
        "reasons": list(decision.reasons),
        "rule_set": decision.rule_set,
        "consent": decision.consent,
        "obligations": [
            to_jsonable({**o._asdict(), "kind": str(o.kind)}) for o in decision.obligations
        ],
        "ran": list(decision.ran),
        "failed": [{**c._asdict(), "codes": list(c.codes)} for c in decision.failed],
    }


def decision_from_json(data: dict[str, Any]) -> Decision:
    """The decision :func:`decision_to_json` wrote."""
    return Decision(
        request=RequestId(data["request"]),
        allowed=data["allowed"],
        reasons=tuple(data["reasons"]),
        rule_set=data["rule_set"],
        consent=ConsentId(data["consent"]) if data["consent"] else None,
        obligations=tuple(
            Obligation(
                **{
                    **o,
                    "kind": ObligationKind(o["kind"]),
                    "amount": Decimal(o["amount"]) if o["amount"] is not None else None,
                }
            )
            for o in data["obligations"]
        ),
        ran=tuple(data["ran"]),
        failed=tuple(
            Check(c["name"], tuple(c["codes"]), ConsentId(c["consent"]) if c["consent"] else None)
            for c in data["failed"]
        ),
    )
