"""Rebuild the registry tables from the ledger alone (issue #12: the ledger is the source of
truth for the records it names).

:func:`replay` reads entries in index order, one at a time, and writes what each one says into
an :class:`Expected` state: for every audited table, the rows the entries create, keyed as
:mod:`likeness.services.ledger_audit` reads them, each column with the index of the entry that
set it. Values are kept in the types the database hands back (``datetime.date``, ``Decimal``,
``bool``, ``int``, ``str``), so the audit compares them with ``==``. The two JSON columns of
``use_decisions`` are kept as SHA-256 digests of their canonical JSON, so that a replay of many
decisions does not hold every decision body a second time.

This module is pure: no storage, no clock. Columns an entry does not determine are simply not
set here (see ``NOT_AUDITED_COLUMNS`` in :mod:`likeness.services.ledger_audit` for why each one
is left out); a column that is not set is not compared.

>>> state = replay([(0, "producer-registered", "operator", {"id": "S1", "name": "Studio One"})])
>>> state.tables["producers"]["S1"].values
{'name': 'Studio One'}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from likeness.errors import InvalidInputError
from likeness.services.ledger_replay_media import MEDIA_KINDS
from likeness.services.ledger_replay_money import MONEY_KINDS
from likeness.services.ledger_rows import (
    PRESENT,
    Apply,
    Expected,
    Record,
    Unreplayable,
    day,
    joined,
    moment,
    money,
)

__all__ = ["KNOWN_KINDS", "replay"]


def _compensation(record: Record) -> dict[str, Any]:
    comp = record.get("compensation")
    return {
        "compensation_amount": None if comp is None else money(comp["amount"]),
        "compensation_per": None if comp is None else comp["per"],
        "compensation_currency": None if comp is None else comp["currency"],
    }


# ---- the registry (SPEC §2) ----------------------------------------------------------------


def _producer(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create("producers", str(r["id"]), index, {"name": r["name"]})


def _production(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create(
        "productions",
        str(r["id"]),
        index,
        {
            "title": r["title"],
            "producer_id": r["producer"],
            "kind": r["kind"],
            "agreement": r["agreement"],
            "principal_photography": day(r.get("principal_photography")),
            "platform": r.get("platform"),
        },
    )


def _performer(state: Expected, index: int, actor: str, r: Record) -> None:
    ident = str(r["id"])
    state.create(
        "performers",
        ident,
        index,
        {
            "name": r["name"],
            "category": r["category"],
            "born": day(r["born"]),
            "died": day(r.get("died")),
            "union_member_id": r.get("union_member_id"),
            "weekly_salary": money(r.get("weekly_salary")),
            "day_rate": money(r.get("day_rate")),
        },
    )
    for position, rep in enumerate(r.get("representatives", ())):
        state.create(
            "representatives",
            str(rep["id"]),
            index,
            {
                "performer_id": ident,
                "position": position,
                "kind": rep["kind"],
                "may_consent": bool(rep.get("may_consent", False)),
                "name": rep.get("name"),
            },
        )


def asset_key(replica: str, location: str) -> str:
    """The key of a ``replica_assets`` row."""
    return f"{replica}:{location}"


def _replica(state: Expected, index: int, actor: str, r: Record) -> None:
    ident = str(r["id"])
    state.create(
        "replicas",
        ident,
        index,
        {
            "performer_id": r["performer"],
            "kind": r["kind"],
            "media": joined(r["media"]),
            "made_in": r.get("made_in"),
            "made_on": day(r.get("made_on")),
        },
    )
    for asset in r.get("assets", ()):
        _asset(state, index, ident, state.next_position("replica_assets", ident), asset)


def _asset(state: Expected, index: int, replica: str, position: int, a: Record) -> None:
    state.create(
        "replica_assets",
        asset_key(replica, str(a["location"])),
        index,
        {"position": position, "size": int(a["size"]), "sha256": a["sha256"]},
    )


def _replica_asset(state: Expected, index: int, actor: str, r: Record) -> None:
    replica = str(r["replica"])
    state.row("replicas", replica)  # the replica must be registered first
    _asset(state, index, replica, state.next_position("replica_assets", replica), r)


def _title(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create(
        "production_titles",
        str(r["title"]),
        index,
        {
            "production_id": r["production"],
            "runtime_minutes": int(r["runtime_minutes"]),
            "premiere": day(r["premiere"]),
        },
    )


def _cast(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create(
        "production_cast",
        f"{r['production']}:{r['performer']}",
        index,
        {"residual_base": money(r["residual_base"])},
    )


# ---- consents, strikes, consent requests (SPEC §2, §5, §11) ---------------------------------


def _consent(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create(
        "consents",
        str(r["id"]),
        index,
        {
            "replica_id": r.get("replica"),
            "performer_id": r.get("performer"),
            "given_by": r["given_by"],
            "signed_on": day(r["signed_on"]),
            "separately_signed": bool(r["separately_signed"]),
            "productions": joined(r["productions"]),
            "uses": joined(r["uses"]),
            "description": r["description"],
            "valid_from": day(r.get("valid_from")),
            "valid_until": day(r.get("valid_until")),
            **_compensation(r),
            "lifetime_only": bool(r["lifetime_only"]),
            "revoked_on": day(r.get("revoked_on")),
            "problems": joined(r.get("problems", ())),
            "suspended_on": day(r.get("suspended_on")),
            "request_id": r.get("request"),
        },
    )


def _revoked(state: Expected, index: int, actor: str, r: Record) -> None:
    state.update("consents", str(r["consent"]), index, {"revoked_on": day(r["revoked_on"])})


def _suspended(state: Expected, index: int, actor: str, r: Record) -> None:
    state.update("consents", str(r["consent"]), index, {"suspended_on": day(r["suspended_on"])})


def _strike_values(r: Record) -> dict[str, Any]:
    against = r["against"]
    return {
        "against": None if against == "all" else joined(against),
        "start": day(r["from"]),
        "until": day(r.get("until")),
    }


def _strike(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create("strikes", str(r["id"]), index, _strike_values(r))


def _strike_ended(state: Expected, index: int, actor: str, r: Record) -> None:
    state.update("strikes", str(r["id"]), index, {"until": day(r["until"])})


def _request(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create(
        "consent_requests",
        str(r["id"]),
        index,
        {
            "producer_id": r["producer"],
            "about": r["about"],
            "replica_id": r.get("replica"),
            "performer_id": r.get("performer"),
            "productions": joined(r["productions"]),
            "uses": joined(r["uses"]),
            "description": r["description"],
            "valid_from": day(r.get("valid_from")),
            "valid_until": day(r.get("valid_until")),
            **_compensation(r),
            "lifetime_only": bool(r["lifetime_only"]),
            "respond_by": day(r["respond_by"]),
            "created_on": day(r["created_on"]),
            **_answer(r),
        },
    )


def _request_moved(state: Expected, index: int, actor: str, r: Record) -> None:
    state.update(
        "consent_requests",
        str(r["request"]),
        index,
        _answer(r),
    )


def _answer(r: Record) -> dict[str, Any]:
    """A consent request's state and answer, as its creation and each later step record it."""
    return {
        "state": r["state"],
        "answered_by": r.get("answered_by"),
        "answered_on": day(r.get("answered_on")),
        "reason": r.get("reason"),
        "consent_id": r.get("consent"),
    }


# ---- accounts and tokens (SPEC §10) ---------------------------------------------------------


def _account(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create(
        "accounts",
        str(r["name"]),
        index,
        {"role": r["role"], "party": r.get("party"), "disabled": False},
    )


def _account_disabled(state: Expected, index: int, actor: str, r: Record) -> None:
    state.update("accounts", str(r["name"]), index, {"disabled": True})


def _account_email(state: Expected, index: int, actor: str, r: Record) -> None:
    # the entry says set or cleared, never the address: compared as set or not set
    change = r["email"]
    if change not in ("set", "cleared"):
        raise ValueError(f"email {change!r} (expected set or cleared)")
    state.update("accounts", str(r["name"]), index, {"email": PRESENT if change == "set" else None})


def _token(state: Expected, index: int, actor: str, r: Record) -> None:
    state.create(
        "api_tokens",
        str(r["id"]),
        index,
        {"account": r["account"], "expires_at": moment(r.get("expires_at")), "revoked_at": None},
    )


def _token_revoked(state: Expected, index: int, actor: str, r: Record) -> None:
    # the entry says that, not when: the column is compared as set or not set
    state.update("api_tokens", str(r["id"]), index, {"revoked_at": PRESENT})


def _nothing(state: Expected, index: int, actor: str, r: Record) -> None:
    """Entries about tables the audit does not rebuild (see NOT_AUDITED_TABLES)."""


_KINDS: dict[str, Apply] = {
    "producer-registered": _producer,
    "production-registered": _production,
    "performer-registered": _performer,
    "replica-registered": _replica,
    "replica-asset-registered": _replica_asset,
    "title-registered": _title,
    "cast-registered": _cast,
    "consent-granted": _consent,
    "consent-revoked": _revoked,
    "consent-suspended": _suspended,
    "strike-declared": _strike,
    "strike-ended": _strike_ended,
    "consent-request-created": _request,
    **{
        f"consent-request-{s}": _request_moved
        for s in ("granted", "refused", "withdrawn", "expired")
    },
    "account-added": _account,
    "account-disabled": _account_disabled,
    "account-email-changed": _account_email,
    "token-created": _token,
    "token-revoked": _token_revoked,
    "notice-sent": _nothing,
    **MONEY_KINDS,
    **MEDIA_KINDS,
}


#: every kind of entry the replay turns into rows (or knows to leave: ``notice-sent``)
KNOWN_KINDS = frozenset(_KINDS)


def replay(entries: Iterable[tuple[int, str, str, Record]]) -> Expected:
    """The tables as ``entries`` (``(index, kind, actor, record)`` in index order) say they
    are. An entry of an unknown kind, or one whose record lacks what its kind needs, is kept
    in :attr:`Expected.problems` and the replay goes on."""
    state = Expected()
    for index, kind, actor, record in entries:
        state.entries += 1
        apply = _KINDS.get(kind)
        if apply is None:
            state.problems.append(
                Unreplayable(index, kind, f"kind {kind!r} is not known to the audit")
            )
            continue
        try:
            apply(state, index, actor, record)
        except KeyError as exc:
            message = f"its record has no {exc.args[0]!r}"
            state.problems.append(Unreplayable(index, kind, message))
        except (TypeError, ValueError, AttributeError, InvalidInputError) as exc:
            state.problems.append(Unreplayable(index, kind, str(exc)))
    return state
