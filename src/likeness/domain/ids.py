"""Identifier types, one per entity, so that mypy catches an id passed in the wrong place, and
the one grammar every id follows (:data:`ID_PATTERN`)."""

from __future__ import annotations

import re
from typing import NewType

PerformerId = NewType("PerformerId", str)
RepresentativeId = NewType("RepresentativeId", str)
ProducerId = NewType("ProducerId", str)
ProductionId = NewType("ProductionId", str)
ReplicaId = NewType("ReplicaId", str)
ConsentId = NewType("ConsentId", str)
RequestId = NewType("RequestId", str)

#: ``given_by`` value meaning the union consented (SPEC §1: for a deceased performer with no estate)
UNION = "union"

#: the one grammar of every id (performers, producers, productions, replicas, consents,
#: requests, representatives): a letter or digit, then up to 63 letters, digits, ``.``, ``_``,
#: ``:`` or ``-``. No spaces, control, zero-width or right-to-left characters; at most 64 long
#: (the width of every id column).
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
#: the grammar in words, for messages
ID_GRAMMAR = (
    "an id of 1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"
)


#: the grammar of an idempotency key (``POST /v1/uses``, ``likeness use record --key``): the
#: characters of an id, 1 to 128 long. It is stored as ``PRODUCER/KEY`` (at most 64 + 1 + 128
#: characters, within its column of 200), so a key holds no ``/``.
KEY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
#: the key grammar in words, for messages
KEY_GRAMMAR = (
    "a key of 1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit"
)


def is_valid_key(text: object) -> bool:
    """Whether ``text`` is an idempotency key of :data:`KEY_PATTERN`.

    >>> is_valid_key("scene-40"), is_valid_key("a/b"), is_valid_key("k" * 129)
    (True, False, False)
    """
    return isinstance(text, str) and KEY_PATTERN.fullmatch(text) is not None


def is_valid_id(text: object) -> bool:
    """Whether ``text`` is an id of :data:`ID_PATTERN`.

    >>> is_valid_id("P1"), is_valid_id("P1\\u202e"), is_valid_id("x" * 65)
    (True, False, False)
    """
    return isinstance(text, str) and ID_PATTERN.fullmatch(text) is not None
