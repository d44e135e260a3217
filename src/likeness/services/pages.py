"""One page of a list, with the total, for the API's list routes (limit/offset)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from likeness.errors import InvalidInputError

T = TypeVar("T")

#: the most items one page holds
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Page(Generic[T]):
    """``items`` from ``offset`` on, at most ``limit`` of them, out of ``total``."""

    items: list[T]
    total: int
    limit: int
    offset: int


def page_of(items: Sequence[T], limit: int, offset: int) -> Page[T]:
    """The page of ``items`` (already filtered to what the caller sees)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInputError(f"limit {limit} is out of range (expected 1 to {MAX_LIMIT})")
    if offset < 0:
        raise InvalidInputError(f"offset {offset} is negative (expected 0 or more)")
    return Page(list(items[offset : offset + limit]), len(items), limit, offset)


def every(fetch: Callable[..., Page[T]]) -> list[T]:
    """Every item of a paged list: ``fetch(limit=, offset=)`` page after page, so nothing past
    the first page is dropped (a total or a chart over a list needs all of it)."""
    found: list[T] = []
    while True:
        page = fetch(limit=MAX_LIMIT, offset=len(found))
        found.extend(page.items)
        if not page.items or len(found) >= page.total:
            return found
