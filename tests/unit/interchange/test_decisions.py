"""Decisions as JSON: what was stored reads back exactly, whatever its checks were named."""

from __future__ import annotations

import json

from likeness.interchange.decisions import decision_from_json, decision_to_json

# a deny as stored before issue 8, when checks had their own ids ("scan-notice", ...)
STORED_BEFORE_ISSUE_8 = {
    "request": "Q9",
    "allowed": False,
    "reasons": ["use-not-covered"],
    "rule_set": "sag-aftra-tv-theatrical-2023",
    "consent": None,
    "obligations": [],
    "ran": ["producer-authorized", "ids-known", "background-count", "scan-notice", "consent"],
    "failed": [{"name": "consent", "codes": ["use-not-covered"], "consent": "C1"}],
}


def test_a_decision_stored_with_the_old_check_names_still_loads_as_it_was():
    decision = decision_from_json(STORED_BEFORE_ISSUE_8)
    assert decision.reasons == ("use-not-covered",)
    assert decision.explain() == [
        "producer-authorized: ok",
        "ids-known: ok",
        "background-count: ok",
        "scan-notice: ok",
        "consent (consent C1): failed use-not-covered",
    ]
    # written back unchanged, so ledger entries made from it still verify
    again = json.dumps(decision_to_json(decision), sort_keys=True)
    assert again == json.dumps(STORED_BEFORE_ISSUE_8, sort_keys=True)
