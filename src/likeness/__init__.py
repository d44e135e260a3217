"""Likeness: consent, decisions, a tamper-evident ledger and pay for performers' digital replicas.

The public API is re-exported here; everything else is internal.
"""

from likeness.errors import (
    CompensationError,
    ConflictError,
    DeliveryError,
    Error,
    InvalidInputError,
    LedgerIntegrityError,
    NotFoundError,
    PolicyDeniedError,
    RecordInvalidError,
    StorageError,
)

__version__ = "0.1.0"

__all__ = [
    "CompensationError",
    "ConflictError",
    "DeliveryError",
    "Error",
    "InvalidInputError",
    "LedgerIntegrityError",
    "NotFoundError",
    "PolicyDeniedError",
    "RecordInvalidError",
    "StorageError",
    "__version__",
]
