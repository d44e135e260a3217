"""The one exception hierarchy of Likeness.

Every error a user can cause or meet derives from :class:`Error`, so each entrypoint (CLI, API,
portal) turns errors into output in exactly one place::

    Error
    ├── InvalidInputError      bad user data: a malformed date, a missing field, a bad file
    │   └── RecordInvalidError   one record of an import or request is wrong
    │   └── TooLargeError       an upload or body over its size limit
    │   └── MediaError          a media file that cannot be read (corrupt, empty, unsupported)
    ├── UnauthorizedError      no valid credentials (a missing, wrong, revoked or expired token)
    ├── TooManyRequestsError   too many failed sign-ins: try again after ``retry_after`` seconds
    ├── NotFoundError          a performer, production, replica, consent ... does not exist
    │                          (or the caller may not see it: the two answer alike)
    ├── ForbiddenError         the caller may see the record but not do this to it
    ├── ConflictError          a duplicate id, a second use of an idempotency key with other data
    ├── PolicyDeniedError      a decision said deny where the caller needed allow (carries it)
    ├── LedgerIntegrityError   the ledger does not verify (carries the first bad index)
    ├── WitnessRefusedError    a witness would not cosign a checkpoint (carries its status)
    ├── CompensationError      pay or residuals cannot be computed from the data given
    ├── DeliveryError          the mail server could not be reached or refused an email
    └── StorageError           the database failed underneath us (wraps the driver's error)

Messages name the thing, the value and what was expected, e.g.
``"replica D1: performer 'P9' does not exist (expected the id of a registered performer)"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: the most characters of one message line (a longer one is cut and ends with …)
MAX_MESSAGE_CHARS = 500
#: the most characters of a value a message quotes
MAX_QUOTED_CHARS = 80


def _bounded(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown_value(value: Any) -> str:
    r"""``value`` as a message quotes it: ``repr`` (so a NUL, a right-to-left override or a
    zero-width character shows escaped and cannot reorder or hide part of the line), cut to
    :data:`MAX_QUOTED_CHARS`; ``missing`` for None.

    >>> shown_value("P1\u202e\u200b"), shown_value(None), len(shown_value("x" * 10**6))
    ("'P1\\u202e\\u200b'", 'missing', 80)
    """
    if value is None:
        return "missing"
    if isinstance(value, str) and len(value) > MAX_QUOTED_CHARS:
        value = value[:MAX_QUOTED_CHARS]  # never repr a 50 MB value to show 80 characters
    return _bounded(repr(value), MAX_QUOTED_CHARS)


class Error(Exception):
    """Base of every Likeness error; ``str(error)`` is a one-line message for a person."""

    #: the HTTP status an API maps this error to
    status: int = 500

    def __init__(self, message: str, *, errors: Sequence[str] = ()) -> None:
        message = _bounded(message)
        super().__init__(message)
        self.message = message
        self.errors: list[str] = [_bounded(line) for line in errors[:100]]

    def diagnostics(self) -> str:
        """The message followed by each detail line, for a person to read."""
        if not self.errors:
            return self.message
        return "\n".join([self.message, *(f"  - {line}" for line in self.errors)])


class InvalidInputError(Error):
    """The input given is malformed or incomplete."""

    status = 400


class RecordInvalidError(InvalidInputError):
    """One record of an import or a request has a bad field; nothing was written. Without a
    ``record`` the message names the field alone (a command-line argument, a URL parameter)."""

    def __init__(
        self, record: str, field: str, value: Any, expected: str, *, errors: Sequence[str] = ()
    ) -> None:
        where = f"{record}: " if record else ""
        super().__init__(
            f"{where}{field} {shown_value(value)} (expected {expected})", errors=errors
        )
        self.record = record
        self.field = field
        self.value = value
        self.expected = expected


class NotAcceptableError(InvalidInputError):
    """None of the media types the caller accepts can be given (HTTP 406)."""

    status = 406


class MediaError(InvalidInputError):
    """A media file cannot be read: corrupt, empty, or of a kind the scanner does not read."""


class UnauthorizedError(Error):
    """The request carries no valid credentials; the message never says which part was wrong."""

    status = 401


class TooLargeError(InvalidInputError):
    """The input is larger than the limit set for it."""

    status = 413


class TooManyRequestsError(Error):
    """Too many failed attempts; ``retry_after`` is how many seconds to wait."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotFoundError(Error):
    """The thing asked for does not exist."""

    status = 404


class ForbiddenError(Error):
    """The caller may see the record but has no authority for this action on it."""

    status = 403


class ConflictError(Error):
    """The write would break uniqueness or contradict what is stored."""

    status = 409


class WitnessRefusedError(Error):
    """A witness refused to cosign a checkpoint (c2sp.org/tlog-witness): ``status`` is the
    protocol's answer (400, 403, 404, 409, 422); on 409 ``known_size`` is the size it cosigned."""

    def __init__(self, message: str, status: int, known_size: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.known_size = known_size


class PolicyDeniedError(Error):
    """A decision denied what the caller needed allowed; ``decision`` holds the reasons."""

    status = 403

    def __init__(self, message: str, decision: Any) -> None:
        super().__init__(message)
        self.decision = decision


class LedgerIntegrityError(Error):
    """The ledger does not verify; ``index`` is the first bad entry (or None for a bad head)."""

    status = 500

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


class CompensationError(Error):
    """Pay or residuals cannot be computed from the data given."""

    status = 422


class DeliveryError(Error):
    """An email could not be handed to the mail server (unreachable, refused, timed out); the
    original exception is chained as ``__cause__``. A notice whose email failed stays in the
    outbox and is tried again later."""

    status = 502


class StorageError(Error):
    """The database failed; the original driver exception is chained as ``__cause__``."""

    status = 503
