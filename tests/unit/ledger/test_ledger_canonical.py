"""Canonical JSON (RFC 8785) for ledger bodies, and the entry that owns a body."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from likeness.errors import InvalidInputError, LedgerIntegrityError
from likeness.ledger.canonical import canonicalize
from likeness.ledger.entry import LedgerEntry, format_time, parse_time
from tests.strategies import ledger_json_values as json_values
from tests.strategies import ledger_records as records

MOMENT = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)


@given(records)
def test_canonical_json_round_trips_through_a_json_parser(record):
    body = canonicalize(record)
    assert json.loads(body) == record
    assert canonicalize(json.loads(body)) == body


def test_keys_are_sorted_and_whitespace_is_dropped():
    assert canonicalize({"b": [1, "é"], "a": None}) == '{"a":null,"b":[1,"é"]}'.encode()


def test_a_float_is_refused_naming_its_field():
    with pytest.raises(InvalidInputError, match=r"record\.fee: float 12\.5 is not allowed"):
        canonicalize({"record": {"fee": 12.5}})


def test_a_decimal_is_refused_with_advice_to_use_a_string():
    with pytest.raises(InvalidInputError, match=r"lines\[1\]: Decimal .*serialise Decimals"):
        canonicalize({"lines": ["1.00", Decimal("2.00")]})


def test_an_integer_beyond_the_exact_double_range_is_refused():
    with pytest.raises(InvalidInputError, match=r"n: integer 9007199254740992 is outside"):
        canonicalize({"n": 2**53})


def test_a_non_string_key_is_refused():
    with pytest.raises(InvalidInputError, match="key 1 is a int"):
        canonicalize({"a": {1: "x"}})  # type: ignore[dict-item]


class TestLedgerEntry:
    def test_body_holds_kind_time_actor_and_record_canonically(self):
        entry = LedgerEntry(7, "use.recorded", MOMENT, "cli:ana", {"use": "u-1", "fee": "12.50"})
        assert entry.body() == (
            b'{"actor":"cli:ana","kind":"use.recorded","record":{"fee":"12.50","use":"u-1"},'
            b'"time":"2025-03-01T12:30:00.000000Z"}'
        )

    def test_time_is_written_in_utc_whatever_the_zone_given(self):
        east = MOMENT.astimezone(timezone(timedelta(hours=5)))
        assert format_time(east) == "2025-03-01T12:30:00.000000Z"
        assert parse_time(format_time(east)) == MOMENT

    def test_a_naive_time_is_refused(self):
        with pytest.raises(InvalidInputError, match="has no timezone"):
            LedgerEntry(0, "use.recorded", datetime(2025, 3, 1), "cli", {})

    @pytest.mark.parametrize("kind", ["", "Use", "use..recorded", "use recorded", ".use"])
    def test_a_malformed_kind_is_refused(self, kind):
        with pytest.raises(InvalidInputError, match=f"kind {kind!r} is invalid"):
            LedgerEntry(0, kind, MOMENT, "cli", {})

    def test_an_empty_actor_is_refused(self):
        with pytest.raises(InvalidInputError, match="actor ' ' is invalid"):
            LedgerEntry(0, "use.recorded", MOMENT, " ", {})

    @given(records)
    def test_an_entry_is_rebuilt_from_its_body(self, record):
        entry = LedgerEntry(3, "consent.granted", MOMENT, "api", record)
        rebuilt = LedgerEntry.from_body(3, entry.body())
        assert rebuilt.body() == entry.body()
        assert rebuilt.leaf_hash() == entry.leaf_hash()

    def test_a_body_that_is_not_canonical_is_rejected(self):
        body = (
            b'{"kind":"use.recorded","actor":"a","record":{},"time":"2025-03-01T12:30:00.000000Z"}'
        )
        with pytest.raises(LedgerIntegrityError, match="entry 4: body is not in canonical form"):
            LedgerEntry.from_body(4, body)

    def test_a_body_with_a_float_is_rejected(self):
        body = b'{"actor":"a","kind":"k","record":{"x":1.5},"time":"2025-03-01T12:30:00.000000Z"}'
        with pytest.raises(LedgerIntegrityError, match="entry 2: body is not a ledger entry"):
            LedgerEntry.from_body(2, body)


@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_canonical_bytes_equal_the_rfc8785_package_for_any_float_free_value(record):
    import rfc8785

    assert canonicalize(record) == rfc8785.dumps(record)


def test_keys_are_ordered_by_utf16_code_units_as_rfc_8785_requires():
    # U+1F600 is a surrogate pair (D83D DE00) in UTF-16, so it sorts before U+E000.
    record = {"\ue000": 1, "\U0001f600": 2, "a": 3}
    assert canonicalize(record) == '{"a":3,"\U0001f600":2,"\ue000":1}'.encode()


def test_a_lone_surrogate_is_refused():
    with pytest.raises(InvalidInputError, match="cannot be canonicalized"):
        canonicalize({"a": "\ud800"})


def test_a_nested_decimal_is_named_by_its_path():
    with pytest.raises(InvalidInputError, match=r"^record\.lines\[0\]\.fee: Decimal"):
        canonicalize({"record": {"lines": [{"fee": Decimal("1.00")}]}})
