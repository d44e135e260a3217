"""Notices (SPEC §11) in the ``notices`` table: the outbox.

A notice row is inserted in the transaction of the change it reports. Delivery columns change
afterwards, by the sender (see :meth:`SqlNoticeRepository.claim_due`). Times are naive UTC in
the database and timezone-aware here.

Claims: a sender takes a pending notice by setting ``claimed_by`` and ``claimed_until`` with one
conditional ``UPDATE`` per row, whose ``WHERE`` repeats the test that made it a candidate (still
pending, due, and unclaimed or its claim lapsed). The database runs each such ``UPDATE``
atomically: on PostgreSQL a second updater of the row waits for the first to commit and then
re-checks the ``WHERE`` (and finds the claim taken); on SQLite the writer holds the one write
lock. So a row count of 1 means the claim is ours and no other sender holds it. Every later
change (:meth:`~SqlNoticeRepository.mark_sent` and the others) applies only while the row is
still claimed by the same claimer, and releases the claim.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    and_,
    false,
    func,
    insert,
    or_,
    select,
    update,
)

from likeness.domain.notices import Delivery, Notice, NoticeKind
from likeness.domain.principals import Role
from likeness.storage import tables as t

_N = t.notices.c
#: the longest ``last_error`` kept (a mail server's answer can be long; the gist is first)
MAX_ERROR_LENGTH = 1000


def to_db(value: dt.datetime | None) -> dt.datetime | None:
    """Naive UTC for a ``DateTime`` column."""
    return None if value is None else value.astimezone(dt.UTC).replace(tzinfo=None)


def from_db(value: dt.datetime | None) -> dt.datetime | None:
    """Timezone-aware UTC from a ``DateTime`` column."""
    return None if value is None else value.replace(tzinfo=dt.UTC)


def notice_from_row(row: Row[Any]) -> Notice:
    """The notice of one ``notices`` row."""
    created = from_db(row.created_at)
    assert created is not None  # the column is NOT NULL
    return Notice(
        kind=NoticeKind(row.kind),
        recipient=row.recipient,
        recipient_role=Role(row.recipient_role),
        subject=row.subject,
        message=row.message,
        created_at=created,
        data=json.loads(row.data),
        performer=row.performer,
        id=row.id,
        delivery=Delivery(row.delivery),
        attempts=row.attempts,
        sent_at=from_db(row.sent_at),
        next_attempt_at=from_db(row.next_attempt_at),
        last_error=row.last_error,
    )


class SqlNoticeRepository:
    """Notices, newest last."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, notice: Notice) -> int:
        """Store a new notice (delivery pending); return its id."""
        result = self._conn.execute(
            insert(t.notices)
            .values(
                kind=notice.kind.value,
                recipient=notice.recipient,
                recipient_role=notice.recipient_role.value,
                performer=notice.performer,
                subject=notice.subject,
                message=notice.message,
                data=json.dumps(notice.data, sort_keys=True, separators=(",", ":")),
                created_at=to_db(notice.created_at),
                delivery=notice.delivery.value,
                attempts=notice.attempts,
                next_attempt_at=to_db(notice.next_attempt_at),
                last_error=notice.last_error,
                sent_at=to_db(notice.sent_at),
            )
            .returning(_N.id)
        )
        return int(result.scalar_one())

    def get(self, notice_id: int) -> Notice | None:
        """The notice with this id, or None."""
        row = self._conn.execute(select(t.notices).where(_N.id == notice_id)).first()
        return None if row is None else notice_from_row(row)

    def list(
        self,
        *,
        recipients: Collection[tuple[Role, str]] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> tuple[Sequence[Notice], int]:
        """A page of notices, newest first, and how many there are in all: those addressed to
        any of ``recipients`` (role and party id; None: every notice)."""
        where = []
        if recipients is not None:
            pairs = [and_(_N.recipient_role == r.value, _N.recipient == p) for r, p in recipients]
            where.append(or_(false(), *pairs))
        total = self._conn.execute(select(func.count()).select_from(t.notices).where(*where))
        query = select(t.notices).where(*where).order_by(_N.id.desc()).offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [notice_from_row(r) for r in self._conn.execute(query)], int(total.scalar_one())

    # ---- delivery: claims by senders (see the module docstring) --------------------------

    def claim_due(
        self, now: dt.datetime, claimer: str, lease_until: dt.datetime, limit: int
    ) -> Sequence[Notice]:
        """Claim for ``claimer`` until ``lease_until`` up to ``limit`` pending notices that are
        due at ``now`` (never tried, or their retry time has come) and that no sender holds
        (never claimed, or the claim lapsed); return those claimed, oldest first.

        A notice another sender claims at the same moment is not returned: each candidate is
        claimed with its own conditional ``UPDATE``, and only a row count of 1 makes it ours.
        """
        if limit < 1:
            return []
        at = to_db(now)
        due = and_(
            _N.delivery == Delivery.PENDING.value,
            or_(_N.next_attempt_at.is_(None), _N.next_attempt_at <= at),
            or_(_N.claimed_until.is_(None), _N.claimed_until <= at),
        )
        candidates = select(_N.id).where(due).order_by(_N.id).limit(limit)
        if self._conn.dialect.name == "postgresql":
            # not needed for correctness (the UPDATE below decides), but two senders then pick
            # different rows instead of queueing for the same ones
            candidates = candidates.with_for_update(skip_locked=True)
        ids = list(self._conn.execute(candidates).scalars())
        claimed = []
        for notice_id in ids:
            result = self._conn.execute(
                update(t.notices)
                .where(_N.id == notice_id, due)
                .values(claimed_by=claimer, claimed_until=to_db(lease_until))
            )
            if result.rowcount == 1:
                claimed.append(notice_id)
        if not claimed:
            return []
        rows = self._conn.execute(select(t.notices).where(_N.id.in_(claimed)).order_by(_N.id))
        return [notice_from_row(r) for r in rows]

    def _settle(self, notice_id: int, claimer: str, **values: Any) -> bool:
        """Apply ``values`` and release the claim, if ``claimer`` still holds it on a pending
        notice; whether it did."""
        held: ColumnElement[bool] = and_(
            _N.id == notice_id,
            _N.claimed_by == claimer,
            _N.delivery == Delivery.PENDING.value,
        )
        result = self._conn.execute(
            update(t.notices).where(held).values(claimed_by=None, claimed_until=None, **values)
        )
        return bool(result.rowcount == 1)

    def mark_sent(self, notice_id: int, claimer: str, at: dt.datetime) -> bool:
        """Record the notice as sent at ``at`` (one more attempt), if ``claimer`` still holds
        it; False when it does not (the claim lapsed and another sender took it)."""
        return self._settle(
            notice_id,
            claimer,
            delivery=Delivery.SENT.value,
            sent_at=to_db(at),
            attempts=_N.attempts + 1,
            next_attempt_at=None,
        )

    def mark_failed(self, notice_id: int, claimer: str, error: str, retry_at: dt.datetime) -> bool:
        """Record a failed attempt (``error``, one line) and when to try again, if ``claimer``
        still holds the notice; it stays pending."""
        return self._settle(
            notice_id,
            claimer,
            attempts=_N.attempts + 1,
            last_error=error[:MAX_ERROR_LENGTH],
            next_attempt_at=to_db(retry_at),
        )

    def mark_no_address(self, notice_id: int, claimer: str, at: dt.datetime) -> bool:
        """Record that the recipient has no email address (as of ``at``), if ``claimer`` still
        holds the notice: it is never tried again, and stays shown in the API and portal."""
        when = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return self._settle(
            notice_id,
            claimer,
            delivery=Delivery.NO_ADDRESS.value,
            next_attempt_at=None,
            last_error=f"no enabled account of the recipient had an email address at {when}",
        )

    def release(self, notice_ids: Collection[int], claimer: str) -> int:
        """Give up ``claimer``'s claims on these notices, unchanged otherwise, so that the next
        pass takes them at once; how many it still held."""
        if not notice_ids:
            return 0
        result = self._conn.execute(
            update(t.notices)
            .where(
                _N.id.in_(list(notice_ids)),
                _N.claimed_by == claimer,
                _N.delivery == Delivery.PENDING.value,
            )
            .values(claimed_by=None, claimed_until=None)
        )
        return int(result.rowcount)
