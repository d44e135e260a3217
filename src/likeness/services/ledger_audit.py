"""``likeness ledger audit``: check the registry tables against the ledger (issue #12).

The ledger is the source of truth for every record it names. :func:`audit_ledger` streams the
entries once, in index order, rebuilding the tables they describe (:mod:`.ledger_replay`), then
reads each table's rows and compares them column by column. It reports

- a row whose column differs from what the ledger says (table, record id, column, the ledger's
  value, the stored value, and the index of the entry that set it);
- a row the ledger created that is not stored (``missing row``);
- a stored row no entry created (``no ledger entry``);
- an entry that cannot be turned into rows (an unknown kind, a record lacking a field).

Every table of the schema is in exactly one of :data:`AUDITED` (compared row by row),
:data:`AGGREGATED` (rows that have no entry of their own, checked against the counts and
totals their entry holds) and :data:`NOT_AUDITED` (with the reason); a test keeps these in step
with the schema. Columns of audited tables that no entry determines are listed, with the
reason, in :data:`NOT_AUDITED_COLUMNS`.

Only those who see the whole ledger (the union and the operator) may run it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from likeness.domain.principals import Principal
from likeness.errors import InvalidInputError, LedgerIntegrityError
from likeness.services.ledger import LedgerStore, require_whole_ledger
from likeness.services.ledger_replay import replay
from likeness.services.ledger_rows import PRESENT, Expected, Row, json_digest

__all__ = [
    "AGGREGATED",
    "AUDITED",
    "NOT_AUDITED",
    "NOT_AUDITED_COLUMNS",
    "AuditReport",
    "Difference",
    "TableRows",
    "audit_ledger",
]

#: tables compared row by row, with the columns that key a row (joined with ":")
AUDITED: dict[str, tuple[str, ...]] = {
    "producers": ("id",),
    "productions": ("id",),
    "performers": ("id",),
    "representatives": ("id",),
    "replicas": ("id",),
    "replica_assets": ("replica_id", "location"),
    "production_titles": ("title",),
    "production_cast": ("production_id", "performer_id"),
    "consents": ("id",),
    "strikes": ("seq",),
    "consent_requests": ("id",),
    "use_decisions": ("key",),
    "uses": ("id",),
    "pay_lines": ("id",),
    "payments": ("line_id",),
    "residual_runs": ("id",),
    "accounts": ("name",),
    "api_tokens": ("id",),
    "replica_enrolments": ("replica_id",),
    "use_outputs": ("sha256", "use_id"),
    "findings": ("id",),
}

#: tables whose rows have no entry each: checked against what their run's entry says
AGGREGATED: dict[str, str] = {
    "residual_lines": "the residual-run-recorded entry holds the number of lines and the totals"
    " of fixed_residual and bonus, not each line: compared as count and sums per run",
    "residual_years": "the residual-run-recorded entry holds the number of production years"
    " and the total fund, not each year: compared as count and sum per run",
}

#: tables the audit does not check, and why
NOT_AUDITED: dict[str, str] = {
    "notices": "the outbox: a notice has no entry of its own when written (only its sending,"
    " notice-sent, is ledgered), and its delivery columns change with every attempt",
    "sign_in_failures": "counters of failed sign-ins per name; never ledgered",
    "ledger_state": "part of the ledger itself: `likeness ledger verify` checks it",
    "ledger_entries": "the ledger itself: `likeness ledger verify` checks it",
    "ledger_nodes": "part of the ledger itself: `likeness ledger verify` checks it",
    "ledger_checkpoints": "part of the ledger itself: `likeness ledger verify` checks it",
    "ledger_cosignatures": "part of the ledger itself: `likeness ledger verify` checks it",
    "replica_embeddings": "derived data: the face and voice vectors the models compute from the"
    " replica's asset files; replica_enrolments (audited) names the asset set and models that"
    " made them, and `likeness enrol --force` computes them again",
}

_CLOCK = "the service's clock when it was stored; the entry's time comes from the ledger's"
#: columns of audited tables that no entry determines, and why
NOT_AUDITED_COLUMNS: dict[str, dict[str, str]] = {
    "consents": {"seq": "the order rows were stored in, not a fact any entry states"},
    "consent_requests": {"seq": "the order rows were stored in, not a fact any entry states"},
    "use_decisions": {"recorded_at": _CLOCK},
    "uses": {"recorded_at": _CLOCK},
    "replica_enrolments": {"enrolled_at": _CLOCK},
    "use_outputs": {"registered_at": _CLOCK},
    "findings": {"found_at": _CLOCK},
    "payments": {"recorded_at": _CLOCK},
    "residual_runs": {"recorded_at": _CLOCK},
    "pay_lines": {
        "use_id, subject, what, quantity, residual_run_id, basis": "on a correction of a"
        " residual line only: the entry does not repeat them and the residual line has no"
        " entry of its own (a residual run's own lines are counted per run)",
    },
    "accounts": {
        "password_hash": "secrets are never ledgered",
        "created_at": _CLOCK,
        "email": "account-added does not say whether an address was given, and"
        " account-email-changed says set or cleared, never the address: compared as set or"
        " not set after an account-email-changed entry only",
    },
    "api_tokens": {
        "secret_hash": "secrets are never ledgered",
        "created_at": _CLOCK,
        "last_used_at": "changes on every use of the token; never ledgered",
        "revoked_at": "token-revoked says that, not when: compared as set or not set",
    },
}

#: columns whose stored text is JSON, compared as digests of their canonical JSON
_JSON = {
    ("use_decisions", "request"),
    ("use_decisions", "decision"),
    ("replica_enrolments", "skipped"),
}
#: columns an entry says only are set or not
_PRESENCE = {("accounts", "email"), ("api_tokens", "revoked_at")}


class TableRows(Protocol):
    """The stored rows of a table (``storage.table_rows.SqlTableRows`` implements it)."""

    def rows(self, table: str) -> Iterator[Mapping[str, Any]]:
        """Every row of ``table`` as column name -> value, streamed."""
        ...


@dataclass(frozen=True)
class Difference:
    """One way the tables and the ledger disagree.

    :param problem: ``differs``, ``missing row``, ``no ledger entry`` or ``unreplayable``.
    :param index: the entry that set the value (or created the row); None for a stored row no
        entry names.
    """

    table: str
    record: str
    field: str | None
    ledger: Any
    stored: Any
    index: int | None
    problem: str

    def to_json(self) -> dict[str, Any]:
        """The difference as JSON data (values as strings, dates in ISO 8601)."""
        return {
            "table": self.table,
            "record": self.record,
            "field": self.field,
            "ledger": _shown(self.ledger),
            "stored": _shown(self.stored),
            "index": self.index,
            "problem": self.problem,
        }

    def __str__(self) -> str:
        where = f"{self.table} {self.record}"
        if self.problem == "differs":
            return (
                f"{where} {self.field}: ledger says {_said(self.ledger)} (entry {self.index}),"
                f" stored {_said(self.stored)}"
            )
        if self.problem == "missing row":
            return f"{where}: missing row (created by entry {self.index})"
        if self.problem == "no ledger entry":
            return f"{where}: no ledger entry"
        return f"ledger entry {self.index} ({self.record}): cannot be replayed: {self.stored}"


def _shown(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _said(value: Any) -> str:
    """A value in a message: text quoted (it may hold spaces), anything else as JSON shows it."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    shown = _shown(value)
    return (
        "null" if shown is None else str(shown).lower() if isinstance(shown, bool) else str(shown)
    )


@dataclass
class AuditReport:
    """What :func:`audit_ledger` found: how many entries and stored rows it read, and every
    difference (none when the tables are as the ledger says)."""

    entries: int = 0
    records: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True when no difference was found."""
        return not self.differences


def _entries(store: LedgerStore) -> Iterator[tuple[int, str, str, Mapping[str, Any]]]:
    """Each entry's index, kind, actor and record, one body at a time (parsed and dropped).

    Whether the bodies are canonical and hash to the tree is ``ledger verify``'s question; the
    audit only reads them (re-encoding each body to check it would triple the audit's time).
    """
    for index, body, _ in store.read():
        try:
            data = json.loads(body)
            kind, actor, record = data["kind"], data["actor"], data["record"]
            if not (isinstance(kind, str) and isinstance(actor, str) and isinstance(record, dict)):
                raise TypeError("kind, actor and record are not text, text and an object")
        except (ValueError, KeyError, TypeError) as exc:
            raise LedgerIntegrityError(
                f"entry {index}: body is not a ledger entry ({exc}); run `likeness ledger verify`",
                index,
            ) from None
        yield index, kind, actor, record


def audit_ledger(principal: Principal, store: LedgerStore, tables: TableRows) -> AuditReport:
    """Compare every audited table with the ledger and return what differs.

    :raises NotFoundError: unless ``principal`` sees the whole ledger (union, operator).
    :raises LedgerIntegrityError: when a stored body is not a well-formed entry (run
        ``likeness ledger verify``).

    >>> report = audit_ledger(OPERATOR, uow.ledger, uow.table_rows)  # doctest: +SKIP
    >>> report.clean
    True
    """
    require_whole_ledger(principal)
    state = replay(_entries(store))
    report = AuditReport(entries=state.entries)
    report.differences.extend(
        Difference("ledger_entries", p.kind, None, None, p.message, p.index, "unreplayable")
        for p in state.problems
    )
    by_run_index: dict[int, int] = defaultdict(int)
    for table, key_columns in AUDITED.items():
        expected = state.tables.pop(table, {})
        for row in tables.rows(table):
            report.records += 1
            key = ":".join(str(row[c]) for c in key_columns)
            wanted = expected.pop(key, None)
            if wanted is not None:
                report.differences.extend(_compare(table, key, wanted, row))
            elif table == "pay_lines" and row.get("ledger_index") in state.residual_runs:
                by_run_index[int(row["ledger_index"])] += 1
            else:
                report.differences.append(
                    Difference(table, key, None, None, None, None, "no ledger entry")
                )
        report.differences.extend(
            Difference(table, key, None, None, None, wanted.index, "missing row")
            for key, wanted in expected.items()
        )
    for index, totals in state.residual_runs.items():
        counted = by_run_index.get(index, 0)
        if counted != totals["pay_lines"]:
            report.differences.append(
                Difference(
                    "pay_lines",
                    f"of residual run {totals['run']}",
                    "count",
                    totals["pay_lines"],
                    counted,
                    index,
                    "differs",
                )
            )
    report.records += _aggregated(state, tables, report.differences)
    return report


def _compare(table: str, key: str, wanted: Row, row: Mapping[str, Any]) -> Iterator[Difference]:
    for column, value in wanted.values.items():
        stored = row[column]
        if (table, column) in _JSON:
            stored = _digest(stored)
        elif (table, column) in _PRESENCE:
            stored = None if stored is None else PRESENT
        if stored != value or (value is None) != (stored is None):
            yield Difference(
                table, key, column, value, row[column], wanted.index_of(column), "differs"
            )


def _digest(text: Any) -> str:
    try:
        return json_digest(json.loads(text))
    except (TypeError, ValueError, InvalidInputError):  # not JSON, or JSON with a float
        return "(not canonical JSON)"


def _aggregated(state: Expected, tables: TableRows, found: list[Difference]) -> int:
    """Check residual lines and years against their run's entry; return the rows read."""
    runs = {totals["run"]: (index, totals) for index, totals in state.residual_runs.items()}
    read = 0
    sums: dict[tuple[str, str], list[Any]] = {}
    for table, columns, count_of in (
        ("residual_lines", ("fixed_residual", "bonus"), "lines"),
        ("residual_years", ("fund",), "production_years"),
    ):
        for row in tables.rows(table):
            read += 1
            run = str(row["run_id"])
            if run not in runs:
                key = ":".join(str(row[c]) for c in row if c not in columns)
                found.append(Difference(table, key, None, None, None, None, "no ledger entry"))
                continue
            acc = sums.setdefault((table, run), [0] + [Decimal("0.00")] * len(columns))
            acc[0] += 1
            for i, column in enumerate(columns, 1):
                if isinstance(row[column], Decimal):
                    acc[i] += row[column]
                else:  # a value the database cannot decode: named, and left out of the sum
                    key = ":".join(str(row[c]) for c in row if c not in columns)
                    found.append(
                        Difference(table, key, column, None, row[column], runs[run][0], "differs")
                    )
        for run, (index, totals) in runs.items():
            acc = sums.get((table, run), [0] + [Decimal("0.00")] * len(columns))
            said = [totals[count_of]] + [
                totals[
                    {"fixed_residual": "total_fixed", "bonus": "total_bonus"}.get(c, "total_fund")
                ]
                for c in columns
            ]
            for name, ledger, stored in zip(
                ["count", *(f"sum({c})" for c in columns)], said, acc, strict=True
            ):
                if ledger != stored:
                    found.append(
                        Difference(
                            table, f"of residual run {run}", name, ledger, stored, index, "differs"
                        )
                    )
    return read
