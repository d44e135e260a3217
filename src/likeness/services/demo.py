"""Loading the demo data: the stories of the seeds, told as records.

The demo file holds a world (performers, producers, productions, replicas), consents (an
invalid one is kept for the record, as the 2023 studio proposal must be), strikes, suspensions
of consent during a video-game strike, and use requests recorded under fixed keys, some allowed
and some denied.

It also adds one account per party (:func:`demo_accounts`): every living performer, every
representative, every producer, the union and an admin, each with the password
``demo-password-<name>`` and the email address ``<name>@demo.likeness.example`` (where its
notices are sent when email is on). These passwords and addresses are for the demo only:
anyone who reads this can sign in with them, and ``.example`` domains receive no mail, so
never load the demo into a real installation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pwdlib import PasswordHash

from likeness.domain.principals import Principal, Role
from likeness.domain.world import World
from likeness.errors import InvalidInputError
from likeness.interchange.parsing import parse_strike
from likeness.services import registry
from likeness.services.accounts import add_account, set_password
from likeness.services.collaborators import Collaborators
from likeness.services.consent_requests import create_request
from likeness.services.consents import grant_consent, parse_consent_document, suspend_consent
from likeness.services.production_details import add_cast, add_title
from likeness.services.strikes import declare_strike
from likeness.services.unit_of_work import UnitOfWork
from likeness.services.uses import record_use

#: what every demo password starts with (the account name follows)
DEMO_PASSWORD_PREFIX = "demo-password-"
#: the domain of every demo email address (``.example`` is reserved: it receives no mail)
DEMO_EMAIL_DOMAIN = "demo.likeness.example"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """An account the demo adds, with its (public, demo-only) password and email address."""

    name: str
    role: Role
    party: str | None

    @property
    def password(self) -> str:
        """``demo-password-<name>``: demo only, never for a real installation."""
        return f"{DEMO_PASSWORD_PREFIX}{self.name}"

    @property
    def email(self) -> str:
        """``<name>@demo.likeness.example``: demo only, public, and it receives no mail."""
        return f"{self.name}@{DEMO_EMAIL_DOMAIN}"


def demo_accounts(world: World) -> list[DemoAccount]:
    """One account per party of ``world``: ``performer-<id>`` for each living performer,
    ``<kind>-<id>`` for each representative (``estate-E3``), ``producer-<id>`` for each
    producer, then ``union`` and ``admin``. A deceased performer gets none: their estate or
    the union acts for them."""
    found = [
        DemoAccount(f"performer-{p.id}", Role.PERFORMER, p.id)
        for p in world.performers.values()
        if p.died is None
    ]
    found += [
        DemoAccount(f"{rep.kind}-{rep.id}", Role.REPRESENTATIVE, rep.id)
        for p in world.performers.values()
        for rep in p.representatives
    ]
    found += [DemoAccount(f"producer-{p}", Role.PRODUCER, p) for p in world.producers]
    return [*found, DemoAccount("union", Role.UNION, None), DemoAccount("admin", Role.ADMIN, None)]


def add_demo_accounts(
    uow: UnitOfWork,
    principal: Principal,
    world: World,
    *,
    deps: Collaborators,
    hasher: PasswordHash | None = None,
) -> list[DemoAccount]:
    """Add the :func:`demo_accounts` of ``world`` with their demo passwords and addresses
    (each commits); a name already taken is left alone. The accounts added, in order."""
    accounts = [a for a in demo_accounts(world) if uow.accounts.get(a.name) is None]
    for account in accounts:
        add_account(
            uow,
            principal,
            account.name,
            account.role,
            account.party,
            email=account.email,
            now=deps.clock(),
        )
        set_password(uow, principal, account.name, account.password, hasher=hasher)
    return accounts


@dataclass(frozen=True, slots=True)
class DemoLoaded:
    """What :func:`load_demo` loaded: a one-line summary and the accounts it added."""

    summary: str
    accounts: list[DemoAccount]


def load_demo(
    uow: UnitOfWork,
    principal: Principal,
    document: Mapping[str, Any],
    *,
    deps: Collaborators,
    hasher: PasswordHash | None = None,
) -> DemoLoaded | None:
    """Register the demo world, its consents and its uses into an empty registry, and say
    what was loaded; None when the registry already holds data (nothing is loaded then).
    The operator only: it registers performers and producers. The accounts of
    :func:`demo_accounts` are added too (``hasher`` as for
    :func:`~likeness.services.accounts.set_password`)."""
    if not registry.load_world(uow).is_empty():
        return None
    world = registry.import_world(uow, principal, document)
    for title in document.get("titles") or []:
        add_title(uow, principal, title)
    for member in document.get("cast") or []:
        add_cast(uow, principal, member)
    consents = document.get("consents") or []
    for i, raw in enumerate(consents):
        consent = parse_consent_document(raw, f"consents[{i}]")
        grant_consent(uow, principal, consent, store_invalid=True, deps=deps)
    strikes = document.get("strikes") or []
    for i, raw in enumerate(strikes):
        declare_strike(uow, principal, parse_strike(raw, f"strikes[{i}]"))
    for i, item in enumerate(document.get("suspensions") or []):
        if not isinstance(item, Mapping) or not {"consent", "suspended_on", "by"} <= set(item):
            raise InvalidInputError(f"demo suspensions[{i}]: expected consent, suspended_on and by")
        suspend_consent(
            uow, principal, str(item["consent"]), item["suspended_on"], str(item["by"]), deps=deps
        )
    allowed = 0
    uses = document.get("uses") or []
    for i, item in enumerate(uses):
        if not isinstance(item, Mapping) or "key" not in item or "request" not in item:
            raise InvalidInputError(f"demo uses[{i}]: expected a mapping with key and request")
        result = record_use(uow, principal, item["request"], str(item["key"]), deps=deps)
        allowed += result.record.decision.allowed
    requests = document.get("consent_requests") or []
    for i, item in enumerate(requests):
        if not isinstance(item, Mapping):
            raise InvalidInputError(f"demo consent_requests[{i}]: expected a mapping")
        create_request(uow, principal, item, deps=deps)
    accounts = add_demo_accounts(uow, principal, world, deps=deps, hasher=hasher)
    summary = (
        f"{len(world.performers)} performers, {len(world.producers)} producers, "
        f"{len(world.productions)} productions, {len(world.replicas)} replicas, "
        f"{len(consents)} consents, {len(strikes)} strikes, {len(uses)} use requests"
        f" ({allowed} allowed), {len(requests)} consent requests, {len(accounts)} accounts"
    )
    return DemoLoaded(summary, accounts)
