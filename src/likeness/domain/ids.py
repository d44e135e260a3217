"""Identifier types, one per entity, so that mypy catches an id passed in the wrong place."""

from __future__ import annotations

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
