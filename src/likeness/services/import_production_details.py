"""The ``titles`` and ``cast`` sections of ``likeness import`` (SPEC §6.1): each batch parsed,
checked (title ids unique across productions, a performer once per cast, the production and
performer registered and visible, who may register for the production) and stored with its
ledger entries, as :mod:`.import_registry` does for the world sections."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, TypeVar

from likeness.domain.productions import CastMember, ProductionTitle
from likeness.errors import ForbiddenError, RecordInvalidError
from likeness.interchange.production_details import (
    CastRecord,
    TitleRecord,
    cast_document,
    cast_from_record,
    cast_label,
    title_document,
    title_from_record,
    title_label,
)
from likeness.interchange.records import build_checked, parse_record
from likeness.services.access import Action, may
from likeness.services.import_registry import RegistryImporter
from likeness.services.production_details import WHO_REGISTERS
from likeness.services.records import production_record

T = TypeVar("T")


class ProductionDetailsImporter(RegistryImporter):
    """Adds the ``titles`` and ``cast`` sections to the world sections of an import."""

    def _productions_of(self, parsed: Sequence[tuple[str, Any]]) -> None:
        """Refuse the first record naming a production that is not registered or not visible,
        or one the principal may not register for."""
        missing = self._missing(
            "productions", {r.production for _, r in parsed}, self.uow.productions.existing
        )
        for label, r in parsed:
            if r.production in missing:
                raise RecordInvalidError(
                    label, "production", r.production, "the id of a production"
                )
            production = self._production(r.production)
            assert production is not None  # registered: checked just above
            permission = may(self.principal, Action.REGISTER, production_record(production))
            if not permission.allowed:
                raise ForbiddenError(
                    f"{self.principal.actor} may not register {label} ({WHO_REGISTERS})",
                    errors=permission.reasons,
                )

    def titles_(self, batch: list[tuple[int, Any]]) -> None:
        parsed = []
        for i, raw in batch:
            label = title_label(raw, i)
            parsed.append((label, parse_record(TitleRecord, raw, label)))
        self._productions_of(parsed)
        known = self.uow.titles.existing([r.title for _, r in parsed])
        items: list[ProductionTitle] = []
        mine: set[str] = set()
        for label, r in parsed:
            if r.title in known or r.title in mine:
                raise RecordInvalidError(
                    label, "title", r.title, "a title id no production has yet"
                )
            mine.add(r.title)
            items.append(build_checked(label, partial(title_from_record, r)))
        self._store(
            "title-registered",
            items,
            self.uow.titles.add_many,
            title_document,
            "titles",
            seen=False,
        )

    def cast_(self, batch: list[tuple[int, Any]]) -> None:
        parsed = []
        for i, raw in batch:
            label = cast_label(raw, i)
            parsed.append((label, parse_record(CastRecord, raw, label)))
        self._productions_of(parsed)
        performers = self._missing(
            "performers", {r.performer for _, r in parsed}, self.uow.performers.existing
        )
        known = self.uow.cast.existing([(r.production, r.performer) for _, r in parsed])
        items: list[CastMember] = []
        mine: set[tuple[str, str]] = set()
        for label, r in parsed:
            if r.performer in performers:
                raise RecordInvalidError(label, "performer", r.performer, "the id of a performer")
            pair = (r.production, r.performer)
            if pair in known or pair in mine:
                raise RecordInvalidError(
                    label,
                    "performer",
                    r.performer,
                    f"a performer not yet in the cast of {r.production}",
                )
            mine.add(pair)
            items.append(build_checked(label, partial(cast_from_record, r)))
        self._store(
            "cast-registered", items, self.uow.cast.add_many, cast_document, "cast", seen=False
        )
