"""Turning one mapping of a file into a validated record, with errors a person can act on.

pydantic checks the types; this module turns its errors into one line naming the record, the
field, the value and what was expected, e.g.
``performer P1: born '1990-13-02' (expected a date as YYYY-MM-DD)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

from likeness.domain.bounds import AMOUNT_RULE, DAYS_RULE, MAX_DAYS, amount_problem
from likeness.domain.ids import ID_GRAMMAR, KEY_GRAMMAR, is_valid_id, is_valid_key
from likeness.errors import InvalidInputError, RecordInvalidError
from likeness.interchange._loader import quoted

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

# what a person should write, by pydantic error type
_EXPECTED = {
    "date_from_datetime_parsing": "a date as YYYY-MM-DD",
    "date_parsing": "a date as YYYY-MM-DD",
    "date_type": "a date as YYYY-MM-DD",
    "date_from_datetime_inexact": "a date as YYYY-MM-DD",
    "datetime_parsing": "a date and time as YYYY-MM-DDTHH:MM:SS",
    "datetime_from_date_parsing": "a date and time as YYYY-MM-DDTHH:MM:SS",
    "datetime_type": "a date and time as YYYY-MM-DDTHH:MM:SS",
    "decimal_parsing": 'an amount such as "216.00"',
    "decimal_type": 'an amount such as "216.00"',
    "decimal_max_places": "an amount with at most two decimals",
    "missing": "a value; it is required",
    "extra_forbidden": "no such key; check its spelling against SPEC §2",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "a string",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "greater_than_equal": "a number that is not negative",
    "greater_than": "a positive number",
    "id_grammar": ID_GRAMMAR,
    "key_grammar": KEY_GRAMMAR,
    "amount_bounds": AMOUNT_RULE,
    "days_bounds": DAYS_RULE,
}


def _written_date(value: Any) -> Any:
    """A date is written, never a number (pydantic would read ``0`` as 1970-01-01)."""
    if isinstance(value, int | float):
        raise PydanticCustomError("date_type", "Input should be a valid date")
    return value


def _written_moment(value: Any) -> Any:
    """A moment is written, never a number (pydantic would read one as a Unix time)."""
    if isinstance(value, int | float):
        raise PydanticCustomError("datetime_type", "Input should be a valid datetime")
    return value


def _id(value: str) -> str:
    if not is_valid_id(value):
        raise PydanticCustomError("id_grammar", f"expected {ID_GRAMMAR}")
    return value


def _key(value: str) -> str:
    if not is_valid_key(value):
        raise PydanticCustomError("key_grammar", f"expected {KEY_GRAMMAR}")
    return value


def checked_id(field: str, value: str) -> str:
    """``value`` when it is an id of the one grammar (:data:`~likeness.domain.ids.ID_PATTERN`);
    else :class:`RecordInvalidError` naming ``field``, the value shown escaped, and the grammar.
    Every door that takes an id outside a record (a command-line argument) checks it here."""
    if not is_valid_id(value):
        raise RecordInvalidError("", field, value, ID_GRAMMAR)
    return value


def checked_key(field: str, value: str) -> str:
    """``value`` when it is an idempotency key (:data:`~likeness.domain.ids.KEY_PATTERN`);
    else :class:`RecordInvalidError` naming ``field``."""
    if not is_valid_key(value):
        raise RecordInvalidError("", field, value, KEY_GRAMMAR)
    return value


def _id_or_wildcard(value: str) -> str:
    return value if value == "*" else _id(value)


def _amount(value: Decimal) -> Decimal:
    if amount_problem(value) is not None:
        raise PydanticCustomError("amount_bounds", f"expected {AMOUNT_RULE}")
    return value


def _days(value: Any) -> Any:
    """Whole days in range, checked before pydantic turns ``1e30`` or a huge int into one."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        return value
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return value
    if (
        not number.is_finite()
        or number != number.to_integral_value()
        or not 1 <= number <= MAX_DAYS
    ):
        raise PydanticCustomError("days_bounds", f"expected {DAYS_RULE}")
    return int(number)


#: an id of the one grammar (:data:`likeness.domain.ids.ID_PATTERN`)
Id = Annotated[str, AfterValidator(_id)]
#: an idempotency key (:data:`likeness.domain.ids.KEY_PATTERN`)
Key = Annotated[str, AfterValidator(_key)]
#: an id, or ``*`` (a blanket grant: recorded, and found invalid)
IdOrWildcard = Annotated[str, AfterValidator(_id_or_wildcard)]
#: money: finite, 0 to MAX_AMOUNT, at most two decimals
Amount = Annotated[Decimal, AfterValidator(_amount)]
#: days of replica performance: a whole number from 1 to MAX_DAYS
Days = Annotated[int, BeforeValidator(_days)]

#: a date as YYYY-MM-DD (or a date YAML has read already); never a number
Day = Annotated[dt.date, BeforeValidator(_written_date)]
#: a date and time (or a date YAML has read already); never a number
Moment = Annotated[dt.datetime, BeforeValidator(_written_moment)]


class Record(BaseModel):
    """Base of every file record: unknown keys are errors, never silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(record)"


#: what a person should write in a field whose name says more than its type (``days: 0``)
_EXPECTED_OF_FIELD = {
    "days": ("a whole number of days, at least 1", {"greater_than_equal", "greater_than"}),
    "platform": (
        "a platform name of 1 to 64 characters, not only spaces",
        {"string_pattern_mismatch", "string_too_short", "string_too_long"},
    ),
    "runtime_minutes": ("a whole number of minutes, at least 1", {"greater_than"}),
}


def _expected(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    loc = error.get("loc") or ("",)
    special = _EXPECTED_OF_FIELD.get(str(loc[-1]))
    if special is not None and kind in special[1]:
        return special[0]
    if kind == "greater_than_equal" and error.get("ctx", {}).get("ge") not in (0, None):
        return f"a number of at least {error['ctx']['ge']}"
    if kind in ("enum", "literal_error"):
        allowed = error.get("ctx", {}).get("expected", "")
        return f"one of {allowed}"
    return _EXPECTED.get(kind, str(error.get("msg", "a valid value")).lower())


def parse_record(model: type[M], data: Any, label: str) -> M:
    """Validate ``data`` as ``model``; raise :class:`RecordInvalidError` naming ``label``.

    The first problem is the message; every problem is listed in ``errors``.
    """
    if not isinstance(data, Mapping):
        raise RecordInvalidError(label, "record", data, "a mapping of keys and values")
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        problems = exc.errors()
        lines = [
            f"{label}: {_field_path(p['loc'])} "
            f"{'missing' if p['type'] == 'missing' else quoted(p.get('input'))} "
            f"(expected {_expected(p)})"
            for p in problems
        ]
        first = problems[0]
        value = None if first["type"] == "missing" else first.get("input")
        raise RecordInvalidError(
            label, _field_path(first["loc"]), value, _expected(first), errors=lines[1:]
        ) from None


def label_of(kind: str, data: Any, position: int) -> str:
    """``performer P1`` when the record has an id, else ``performers[3]``."""
    if isinstance(data, Mapping) and isinstance(data.get("id"), str | int) and data.get("id") != "":
        return f"{kind} {data['id']}"
    return f"{kind}s[{position}]"


def section_of(doc: Mapping[str, Any], key: str) -> list[Any]:
    """The list of records under ``key`` (empty when absent); anything but a list is an error."""
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordInvalidError(key, "section", type(value).__name__, "a list of records")
    return value


def located(label: str, message: str) -> str:
    """``message`` prefixed with ``label``, unless it already starts with it: domain messages
    name their record (``consent C4: valid_until ...``) and a label must not say it twice.

    >>> located("consent C4", "consent C4: valid_until 2025-01-01 is before valid_from")
    'consent C4: valid_until 2025-01-01 is before valid_from'
    >>> located("consent request", "consent request R1: uses ['x'] (expected codes)")
    "consent request R1: uses ['x'] (expected codes)"
    >>> located("consents[2]", "consent C4: given_by is empty")
    'consents[2]: consent C4: given_by is empty'
    """
    if message.startswith((f"{label}:", f"{label} ")):
        return message
    return f"{label}: {message}"


def build_checked(label: str, build: Callable[[], T]) -> T:
    """Run a domain constructor; its ``ValueError`` (a broken invariant) becomes an
    :class:`InvalidInputError` naming ``label`` once."""
    try:
        return build()
    except ValueError as exc:
        raise InvalidInputError(located(label, str(exc))) from None
