"""The collaborators the tests pass to use cases: the packaged rate tables and rule sets, and
the wall clock (tests that pin a time pass ``now=`` or their own ``Collaborators``)."""

from __future__ import annotations

from likeness.bootstrap import collaborators

DEPS = collaborators()
