"""``likeness import``: a world file into the registry, streamed, all or nothing.

Every key of a SPEC §9 world is stored (performers, producers, productions, replicas, strikes,
consents), each record with its ledger entry, in one transaction: the first bad record raises
an error naming it and nothing is stored. Records are checked and inserted in batches of
:data:`BATCH` as they are read, so a file of a million records needs no more memory than one of
a thousand; consents are checked once the whole file is read (a strike later in the file may
make one invalid), and held until then.

A scenario's questions and notes (``name``, ``description``, ``notes``, ``requests``) are not
registry data: they are counted and reported as not imported, never stored. ``uses`` is
refused (a use is a decision with pay lines: ``likeness use record`` records one), and so is
any other key, naming it and the keys expected.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from itertools import islice
from typing import Any, TypeVar

from likeness.domain.principals import Principal, Role
from likeness.errors import ForbiddenError, InvalidInputError, RecordInvalidError
from likeness.interchange.documents import to_jsonable
from likeness.interchange.parsing import parse_strike
from likeness.interchange.records import build_checked, label_of, parse_record
from likeness.interchange.report import consent_to_document
from likeness.interchange.schemas import ConsentRecord, consent_from_record
from likeness.interchange.stream import Section
from likeness.rulesets import RULE_SET_IDS
from likeness.services.access import Action, Record, RecordKind, may, may_register
from likeness.services.collaborators import Collaborators
from likeness.services.consent_world import consent_problems
from likeness.services.import_production_details import ProductionDetailsImporter
from likeness.services.import_registry import (
    BATCH,
    DATA_SECTIONS,
    ImportResult,
)
from likeness.services.registration_checks import (
    check_new_consent,
)
from likeness.services.strikes import strike_document
from likeness.services.unit_of_work import UnitOfWork

#: keys of a scenario file that are not registry data: read, counted, reported, never stored
SCENARIO_ONLY = ("name", "description", "notes", "requests")
#: every key a world file may have
EXPECTED_KEYS = ("agreement", *DATA_SECTIONS, *SCENARIO_ONLY)

T = TypeVar("T")


def _batches(items: Iterator[Any], size: int = BATCH) -> Iterator[list[tuple[int, Any]]]:
    numbered = enumerate(items)
    while batch := list(islice(numbered, size)):
        yield batch


class _Importer(ProductionDetailsImporter):
    def strikes(self, batch: list[tuple[int, Any]]) -> None:
        permission = may(self.principal, Action.DECLARE_STRIKE, Record(RecordKind.STRIKE, "new"))
        if not permission.allowed:
            raise ForbiddenError(
                f"{self.principal.actor} may not declare a strike (the union declares strikes)",
                errors=permission.reasons,
            )
        for i, raw in batch:
            strike = parse_strike(raw, label_of("strike", raw, i))
            stored = dataclasses.replace(strike, id=self.uow.strikes.add(strike))
            self.uow.ledger.append("strike-declared", self.principal.actor, strike_document(stored))
            self.result.counts["strikes"] += 1

    def consents_(self, batch: list[tuple[int, Any]]) -> None:
        if self.principal.role is not Role.OPERATOR:
            raise ForbiddenError(
                f"{self.principal.actor} may not import consents (the operator imports them;"
                " a party gives its own with `likeness consent add`)"
            )
        for i, raw in batch:
            label = label_of("consent", raw, i)
            rec = parse_record(ConsentRecord, raw, label)
            if rec.id in self.consent_ids:
                raise RecordInvalidError(label, "id", rec.id, "an id no consent has yet")
            self.consent_ids.add(rec.id)
            consent = build_checked(label, partial(consent_from_record, rec))
            kept_invalid = rec.expect is not None and rec.expect.valid is False
            self.consents.append((label, consent, kept_invalid))

    def finish_consents(self) -> None:
        """Check and store the consents, now that every strike of the file is known."""
        for label, consent, kept_invalid in self.consents:
            if consent.replica is not None and self.uow.replicas.get(consent.replica) is None:
                raise RecordInvalidError(label, "replica", consent.replica, "the id of a replica")
            if consent.performer is not None and self.uow.performers.get(consent.performer) is None:
                raise RecordInvalidError(
                    label, "performer", consent.performer, "the id of a performer"
                )
            if self.uow.consents.get(consent.id) is not None:
                raise RecordInvalidError(label, "id", consent.id, "an id no consent has yet")
            replica = None if consent.replica is None else self.uow.replicas.get(consent.replica)
            subject = consent.performer or (None if replica is None else replica.performer)
            check_new_consent(
                self.uow, consent, None if subject is None else self.uow.performers.get(subject)
            )
            problems = consent_problems(self.uow, consent, deps=self.deps)
            if problems and not kept_invalid:
                raise InvalidInputError(
                    f"{label} is invalid (expected a consent that passes SPEC §5, or"
                    " `expect: {valid: false}` on it to keep it for the record); its problems:",
                    errors=problems,
                )
            self.uow.consents.add(consent, problems)
            self.uow.ledger.append(
                "consent-granted",
                self.principal.actor,
                to_jsonable(consent_to_document(consent, problems)),
            )
            self.result.counts["consents"] += 1

    # ---- dispatch -------------------------------------------------------------------------

    def take(self, section: Section) -> None:
        key = section.key
        if key == "uses":
            raise InvalidInputError(
                f"{self.source}: line {section.line}: key 'uses' cannot be imported (a use is a"
                " decision with its pay lines: record each with `likeness use record`)"
            )
        if key not in EXPECTED_KEYS:
            raise InvalidInputError(
                f"{self.source}: line {section.line}: unknown key {key!r}"
                f" (expected one of {', '.join(EXPECTED_KEYS)})"
            )
        if key in SCENARIO_ONLY:
            self.result.skipped[key] = (
                None if section.records is None else sum(1 for _ in section.records)
            )
            return
        if key == "agreement":
            if self.result.counts["productions"]:
                raise InvalidInputError(
                    f"{self.source}: line {section.line}: agreement comes after productions"
                    " (expected it before the productions it applies to)"
                )
            if section.value not in RULE_SET_IDS:
                raise RecordInvalidError(
                    self.source, "agreement", section.value, f"one of {', '.join(RULE_SET_IDS)}"
                )
            self.agreement = section.value
            return
        self.data_keys.append(key)
        if section.records is None:
            if section.value is None:
                return  # ``strikes:`` with nothing under it: an empty list
            raise RecordInvalidError(
                key, "section", type(section.value).__name__, "a list of records"
            )
        handle = {
            "producers": self.producers,
            "productions": self.productions_,
            "performers": self.performers,
            "replicas": self.replicas,
            "titles": self.titles_,
            "cast": self.cast_,
            "strikes": self.strikes,
            "consents": self.consents_,
        }[key]
        for batch in _batches(section.records):
            handle(batch)


def import_sections(
    uow: UnitOfWork,
    principal: Principal,
    sections: Iterable[Section],
    *,
    deps: Collaborators,
    source: str,
    today: dt.date | None = None,
) -> ImportResult:
    """Store every record of ``sections`` with its ledger entry, then commit; all or nothing.

    Raises :class:`RecordInvalidError` / :class:`InvalidInputError` naming the first bad record
    or key, :class:`ForbiddenError` when ``principal`` may not register a record, and
    :class:`InvalidInputError` ("nothing to import") when no section holds registry data;
    a birth or death after ``today`` (the UTC date by default) is refused.
    Nothing is written unless it returns.
    """
    registers = may_register(principal)
    if not registers.allowed:
        raise ForbiddenError(
            f"{principal.actor} may not register records", errors=registers.reasons
        )
    day = today or dt.datetime.now(dt.UTC).date()
    importer = _Importer(uow, principal, deps, source, day)
    for section in sections:
        importer.take(section)
    if not importer.data_keys:
        raise InvalidInputError(
            f"{source}: nothing to import (expected at least one of {', '.join(DATA_SECTIONS)})"
        )
    importer.finish_consents()
    uow.commit()
    return importer.result


def summary(result: ImportResult, source: str) -> Iterator[str]:
    """The lines ``likeness import`` prints: what was stored, then what was not and why."""
    counts: Mapping[str, int] = result.counts
    yield "imported " + ", ".join(f"{n} {key}" for key, n in counts.items()) + f" from {source}"
    if result.skipped:
        parts = [key if n is None else f"{key} ({n})" for key, n in result.skipped.items()]
        yield (
            f"not imported: {', '.join(parts)}: a scenario's questions and notes, not registry"
            f" data (`likeness scenario run {source}` decides its requests)"
        )
