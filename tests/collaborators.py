"""The collaborators the tests pass to use cases: the packaged rate tables and rule sets, and
the wall clock (tests that pin a time pass ``now=`` or their own ``Collaborators``)."""

from __future__ import annotations

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from likeness.bootstrap import collaborators

DEPS = collaborators()

#: Argon2id at its cheapest, so that tests which set many passwords stay fast (the installation
#: uses pwdlib's recommended parameters)
CHEAP_HASHER = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
