"""Notices (SPEC §11) in the ``notices`` table: the outbox.

A notice row is inserted in the transaction of the change it reports. Delivery columns change
afterwards, by the sender (see :meth:`SqlNoticeRepository.claim_due`). Times are naive UTC in
the database and timezone-aware here.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Row, and_, false, func, insert, or_, select

from likeness.domain.notices import Delivery, Notice, NoticeKind
from likeness.domain.principals import Role
from likeness.storage import tables as t

_N = t.notices.c


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
