"""Canonical JSON for ledger bodies (RFC 8785, the JSON Canonicalization Scheme).

Every ledger body is serialised here and nowhere else, so two processes, two databases or an
offline verifier always agree on the bytes that get hashed. RFC 8785 sorts object keys by
their UTF-16 code units, writes UTF-8 with the minimal escapes and has one spelling for every
number; the `rfc8785` package implements it.

We allow a stricter subset than RFC 8785: no floating-point numbers at all. A float in a
ledger body would be money or a measurement whose binary rounding a reader cannot see, so
callers turn :class:`decimal.Decimal` values into strings (``"1200.00"``) before they get here.

Speed. Without floats, RFC 8785 output is exactly what the standard library's C encoder writes
with sorted keys, no whitespace and no ASCII escaping (both escape only ``"``, ``\\`` and
U+0000..U+001F, the same way), except for key order: RFC 8785 sorts by UTF-16 code units and
Python by code points, which differ only when a key holds a character at or above U+E000.
Such bodies go through `rfc8785` itself; all others through :func:`json.dumps`, about four
times faster (the ledger appends tens of thousands of entries a second). A property test
checks the two agree on arbitrary data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import rfc8785

from likeness.errors import InvalidInputError

__all__ = ["canonicalize"]


def canonicalize(value: Mapping[str, Any]) -> bytes:
    """Return the RFC 8785 canonical JSON bytes of a ledger body.

    Allowed values are ``None``, ``bool``, ``int`` (within ±(2**53 - 1), RFC 8785's exact
    integer range), ``str``, lists/tuples of allowed values and mappings with ``str`` keys.

    :raises InvalidInputError: for a float, a ``Decimal`` or any other type, naming the
        field's path, e.g. ``record.fee: float 12.5 is not allowed in a ledger body
        (expected a string such as "12.50": serialise Decimals as strings)``.

    >>> canonicalize({"b": 1, "a": ["x", None]})
    b'{"a":["x",null],"b":1}'
    """
    try:
        needs_utf16_order = _scan(value)
    except _Refused:
        _check(value, "")  # walk again, naming the path of what was refused
        raise InvalidInputError("ledger body holds a value that is not JSON") from None
    try:
        if needs_utf16_order:
            return rfc8785.dumps(value)
        return _dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    except (rfc8785.CanonicalizationError, UnicodeEncodeError) as exc:
        # a lone surrogate in a string: not Unicode text, so not JSON (RFC 8785 §3.2.2.2)
        raise InvalidInputError(f"ledger body cannot be canonicalized: {exc}") from exc


_dumps = json.dumps


class _Refused(Exception):
    """A value outside the allowed subset (the slow walk then names where)."""


def _scan(value: Any) -> bool:
    """The fast walk: raise :class:`_Refused` or say whether a key needs UTF-16 order."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return False
    if kind is int:
        if -_SAFE_INTEGER <= value <= _SAFE_INTEGER:
            return False
        raise _Refused
    if kind is dict:
        needs = False
        for key, item in value.items():
            if type(key) is not str:
                raise _Refused
            if key and max(key) >= _UTF16_DIVERGENCE:
                needs = True
            if _scan(item):
                needs = True
        return needs
    if kind is list or kind is tuple:
        needs = False
        for item in value:
            if _scan(item):
                needs = True
        return needs
    # subclasses (str enums, OrderedDict, ...) and anything else: the careful walk decides
    try:
        return _check(value, "")
    except InvalidInputError:
        raise _Refused from None


_SAFE_INTEGER = 2**53 - 1
#: keys with a character from here up sort differently by UTF-16 units than by code points
_UTF16_DIVERGENCE = "\ue000"


def _check(value: Any, path: str) -> bool:
    """Refuse anything outside the allowed JSON subset; say whether a key needs UTF-16 order."""
    # bool before int: bool is a subclass of int and is allowed as itself
    if value is None or isinstance(value, bool | str):
        return False
    if isinstance(value, int):
        if not -_SAFE_INTEGER <= value <= _SAFE_INTEGER:
            raise InvalidInputError(
                f"{_name(path)}: integer {value} is outside ±(2**53 - 1) "
                "(expected a string for larger numbers)"
            )
        return False
    if isinstance(value, float):
        raise InvalidInputError(
            f"{_name(path)}: float {value!r} is not allowed in a ledger body "
            '(expected a string such as "12.50": serialise Decimals as strings)'
        )
    if isinstance(value, Mapping):
        needs = False
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInputError(
                    f"{_name(path)}: key {key!r} is a {type(key).__name__} (expected a string)"
                )
            needs = _check(item, f"{path}.{key}" if path else key) or needs
            needs = needs or (bool(key) and max(key) >= _UTF16_DIVERGENCE)
        return needs
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        needs = False
        for position, item in enumerate(value):
            needs = _check(item, f"{path}[{position}]") or needs
        return needs
    raise InvalidInputError(
        f"{_name(path)}: {type(value).__name__} {value!r} is not allowed in a ledger body "
        "(expected null, a boolean, an integer, a string, a list or an object; "
        "serialise Decimals, dates and ids as strings)"
    )


def _name(path: str) -> str:
    return path or "ledger body"
