"""Who is asking: the principal every service call carries (SPEC §1, §10).

A principal is a role of SPEC §1 and the party it acts as: a performer id, a representative id,
a producer id, or none for the union and an admin. The ledger's ``actor`` of every entry comes
from the principal (:attr:`Principal.actor`), never from a default string.

:data:`OPERATOR` is the installation operator at the terminal (``likeness`` without ``--as``):
it may see and do everything, as whoever has shell access to the database could anyway. It is
named as such so that no code path takes it by accident (compare sigstore's ``UnsafeNoOp``).

>>> Principal.parse("performer:P1").actor
'performer:P1'
>>> Principal.parse("union").actor
'union'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The parties of SPEC §1, and the installation operator."""

    PERFORMER = "performer"
    REPRESENTATIVE = "representative"
    PRODUCER = "producer"
    UNION = "union"
    ADMIN = "admin"
    #: the all-powerful operator of the installation (CLI only, never an account)
    OPERATOR = "operator"


#: roles that act as one party and name it
PARTY_ROLES = frozenset({Role.PERFORMER, Role.REPRESENTATIVE, Role.PRODUCER})


@dataclass(frozen=True, slots=True)
class Principal:
    """A role and, for performers, representatives and producers, the party id."""

    role: Role
    party: str | None = None

    def __post_init__(self) -> None:
        if self.role in PARTY_ROLES and not self.party:
            raise ValueError(
                f"a {self.role} principal needs the party it acts as (e.g. {self.role}:ID)"
            )
        if self.role not in PARTY_ROLES and self.party is not None:
            raise ValueError(f"a {self.role} principal acts as no party (got {self.party!r})")

    @property
    def actor(self) -> str:
        """How the ledger names this principal: ``performer:P1``, ``union``, ``operator``."""
        return f"{self.role}:{self.party}" if self.party is not None else str(self.role)

    @property
    def consents_as(self) -> str | None:
        """The ``given_by`` value this principal consents as (SPEC §2), or None."""
        if self.role in (Role.PERFORMER, Role.REPRESENTATIVE):
            return self.party
        if self.role is Role.UNION:
            return "union"
        return None

    @classmethod
    def parse(cls, text: str) -> Principal:
        """``operator``, ``union``, ``admin``, or ``ROLE:ID`` for the other roles.

        Raises ValueError naming what is expected.
        """
        role_text, _, party = text.strip().partition(":")
        try:
            role = Role(role_text)
        except ValueError:
            raise ValueError(
                f"{text!r} names no role (expected operator, union, admin, performer:ID,"
                " representative:ID or producer:ID)"
            ) from None
        return cls(role, party or None)


#: the installation operator at the terminal: sees and does everything (see the module doc)
OPERATOR = Principal(Role.OPERATOR)
