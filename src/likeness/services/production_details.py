"""Registering a production's titles and cast (SPEC §6.1), and listing them.

Only whoever may register the production registers its titles and cast: the operator, or the
production's producer (:func:`likeness.services.access.may`). A production the principal may
not see is refused exactly like one that does not exist. Each registration writes its ledger
entry (``title-registered``, ``cast-registered``) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from likeness.domain.principals import Principal
from likeness.domain.productions import CastMember, Production, ProductionTitle
from likeness.errors import ForbiddenError, RecordInvalidError
from likeness.interchange.documents import to_jsonable
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
from likeness.services.records import production_record
from likeness.services.registry import get_production
from likeness.services.unit_of_work import UnitOfWork

#: what a refusal to register a title or cast member says about who may
WHO_REGISTERS = "the production's producer and the operator register its titles and cast"


def registrable_production(
    uow: UnitOfWork, principal: Principal, production_id: str, label: str
) -> Production:
    """The production a title or cast member of ``label`` names, if ``principal`` may register
    for it: :class:`RecordInvalidError` naming the ``production`` field when it does not exist
    or is not visible, :class:`ForbiddenError` when visible but not the principal's to add to."""
    production = uow.productions.get(production_id)
    permission = (
        None
        if production is None
        else may(principal, Action.REGISTER, production_record(production))
    )
    if production is None or permission is None or not permission.visible:
        raise RecordInvalidError(label, "production", production_id, "the id of a production")
    if not permission.allowed:
        raise ForbiddenError(
            f"{principal.actor} may not register {label} ({WHO_REGISTERS})",
            errors=permission.reasons,
        )
    return production


def add_title(uow: UnitOfWork, principal: Principal, data: Mapping[str, Any]) -> ProductionTitle:
    """Register one title given in the file format (``production``, ``title``,
    ``runtime_minutes``, ``premiere``) with its ledger entry, and commit."""
    label = title_label(data, 0)
    rec = parse_record(TitleRecord, data, label)
    registrable_production(uow, principal, rec.production, label)
    title = build_checked(label, partial(title_from_record, rec))
    if uow.titles.existing([title.title]):
        raise RecordInvalidError(label, "title", title.title, "a title id no production has yet")
    uow.titles.add(title)
    uow.ledger.append("title-registered", principal.actor, to_jsonable(title_document(title)))
    uow.commit()
    return title


def add_cast(uow: UnitOfWork, principal: Principal, data: Mapping[str, Any]) -> CastMember:
    """Register one cast member given in the file format (``production``, ``performer``,
    ``residual_base``) with its ledger entry, and commit."""
    label = cast_label(data, 0)
    rec = parse_record(CastRecord, data, label)
    registrable_production(uow, principal, rec.production, label)
    if not uow.performers.existing([rec.performer]):
        raise RecordInvalidError(label, "performer", rec.performer, "the id of a performer")
    member = build_checked(label, partial(cast_from_record, rec))
    if uow.cast.existing([(member.production, member.performer)]):
        raise RecordInvalidError(
            label,
            "performer",
            member.performer,
            f"a performer not yet in the cast of {member.production}",
        )
    uow.cast.add(member)
    uow.ledger.append("cast-registered", principal.actor, to_jsonable(cast_document(member)))
    uow.commit()
    return member


def list_titles(uow: UnitOfWork, principal: Principal, production_id: str) -> list[dict[str, Any]]:
    """The titles of a production ``principal`` sees, as JSON-ready documents, by title id;
    :class:`NotFoundError` when there is no such production or it is not visible."""
    get_production(uow, principal, production_id)
    return [to_jsonable(title_document(t)) for t in uow.titles.of_production(production_id)]


def list_cast(uow: UnitOfWork, principal: Principal, production_id: str) -> list[dict[str, Any]]:
    """The cast of a production ``principal`` sees, as JSON-ready documents, by performer id;
    :class:`NotFoundError` when there is no such production or it is not visible."""
    get_production(uow, principal, production_id)
    return [to_jsonable(cast_document(m)) for m in uow.cast.of_production(production_id)]
