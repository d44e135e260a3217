"""Parsing scenario files: consents, strikes, requests and expects, with key-path errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from likeness.errors import InvalidInputError, RecordInvalidError
from likeness.interchange.parsing import parse_scenario

BASE = {
    "name": "s",
    "agreement": "sag-aftra-tv-theatrical-2023",
    "performers": [
        {"id": "P1", "name": "Dana", "category": "background", "born": dt.date(1990, 1, 1)}
    ],
    "producers": [{"id": "S1", "name": "Studio"}],
    "productions": [{"id": "F1", "title": "T", "producer": "S1", "kind": "theatrical"}],
    "replicas": [
        {"id": "D1", "performer": "P1", "kind": "independently-created", "media": ["face"]}
    ],
}
CONSENT = {
    "id": "C1",
    "replica": "D1",
    "given_by": "P1",
    "signed_on": dt.date(2024, 1, 1),
    "separately_signed": True,
    "productions": ["F1"],
    "uses": ["dubbing"],
    "description": "dubbing into French",
    "valid_until": dt.date(2025, 1, 1),
    "compensation": {"amount": "216.00", "per": "day"},
    "expect": {"valid": True},
}
REQUEST = {
    "id": "Q1",
    "kind": "use",
    "producer": "S1",
    "production": "F1",
    "replica": "D1",
    "use": "dubbing",
    "date": dt.date(2024, 6, 1),
    "expect": {"decision": "allow", "obligations": [{"kind": "pay", "amount": "216.00"}]},
}


def _doc(**sections):
    return {**BASE, **sections}


def test_a_scenario_parses_into_a_world_with_consents_strikes_and_requests():
    s = parse_scenario(
        _doc(
            consents=[CONSENT],
            strikes=[{"against": "all", "from": dt.date(2027, 1, 1), "until": None}],
            requests=[REQUEST],
        )
    )
    assert s.world.consents["C1"].compensation.amount == Decimal("216.00")
    assert s.world.strikes[0].is_against_all
    assert s.requests[0].days == 1
    assert s.request_expects["Q1"].obligations[0].amount == Decimal("216.00")
    assert s.consent_expects["C1"].valid is True


def test_a_bad_request_date_names_the_request_by_position_and_id():
    bad = {**REQUEST, "date": "x"}
    with pytest.raises(RecordInvalidError) as info:
        parse_scenario(_doc(requests=[REQUEST, {**REQUEST, "id": "Q2"}, {**bad, "id": "Q3"}]))
    assert str(info.value) == "requests[2] (Q3): date 'x' (expected a date as YYYY-MM-DD)"


def test_a_nested_bad_amount_names_the_full_key_path():
    bad = {**CONSENT, "compensation": {"amount": "lots", "per": "day"}}
    with pytest.raises(
        RecordInvalidError, match=r"consents\[0\] \(C1\): compensation.amount 'lots'"
    ):
        parse_scenario(_doc(consents=[bad]))


def test_an_unknown_use_lists_what_is_allowed():
    with pytest.raises(RecordInvalidError, match=r"uses\[0\] 'everything' \(expected one of"):
        parse_scenario(_doc(consents=[{**CONSENT, "uses": ["everything"]}]))


def test_a_consent_naming_an_unknown_replica_is_refused():
    with pytest.raises(RecordInvalidError, match=r"replica 'D9' .expected the id of a replica"):
        parse_scenario(_doc(consents=[{**CONSENT, "replica": "D9"}]))


def test_a_consent_naming_both_subjects_is_refused():
    with pytest.raises(InvalidInputError, match="exactly one subject"):
        parse_scenario(_doc(consents=[{**CONSENT, "performer": "P1"}]))


def test_a_misspelt_key_is_refused():
    with pytest.raises(RecordInvalidError, match=r"requests\[0\] \(Q1\): dayz"):
        parse_scenario(_doc(requests=[{**REQUEST, "dayz": 2}]))


def test_an_unknown_top_level_key_is_refused():
    with pytest.raises(InvalidInputError, match="key 'requestz'"):
        parse_scenario(_doc(requestz=[]))


def test_a_use_request_without_use_is_refused():
    raw = {k: v for k, v in REQUEST.items() if k != "use"}
    with pytest.raises(InvalidInputError, match=r"requests\[0\] \(Q1\): use missing"):
        parse_scenario(_doc(requests=[raw]))


def test_times_with_a_zone_are_compared_in_utc():
    req = {
        "id": "Q1",
        "kind": "create",
        "producer": "S1",
        "production": "F1",
        "performer": "P1",
        "date": dt.date(2024, 4, 10),
        "session_at": "2024-04-10T09:00:00+02:00",
    }
    s = parse_scenario(_doc(requests=[req]))
    assert s.requests[0].session_at == dt.datetime(2024, 4, 10, 7, 0)
    assert s.requests[0].use == "create"


def test_unknown_ids_in_requests_are_left_to_the_decision():
    s = parse_scenario(_doc(requests=[{**REQUEST, "replica": "D404"}]))
    assert s.requests[0].replica == "D404"


def test_the_use_codes_of_the_file_format_are_those_of_the_domain_in_order():
    from typing import get_args

    from likeness.domain.consents import UseKind
    from likeness.interchange.schemas import UseCode

    assert get_args(UseCode) == (*(u.value for u in UseKind), "*")


def test_an_unknown_use_lists_every_use_code_and_the_wildcard():
    with pytest.raises(RecordInvalidError) as info:
        parse_scenario(_doc(consents=[{**CONSENT, "uses": ["everything"]}]))
    assert str(info.value).endswith("""'nudity', 'sexual-content' or '*')""")


def test_null_and_single_values_are_read_as_lists():
    req = {
        **REQUEST,
        "kind": "synthetic",
        "replica": None,
        "use": "new-performance",
        "recognizable_features": None,
        "expect": None,
    }
    s = parse_scenario(_doc(consents=[{**CONSENT, "uses": "dubbing"}], requests=[req]))
    assert s.world.consents["C1"].uses == ("dubbing",)
    assert s.requests[0].recognizable_features == ()


def test_an_empty_replica_id_names_no_replica():
    with pytest.raises(InvalidInputError, match="a use names no replica"):
        parse_scenario(_doc(requests=[{**REQUEST, "replica": ""}]))
