"""`every` reads a paged list to its end: totals and charts over a list never stop at a page."""

from __future__ import annotations

from likeness.services.pages import MAX_LIMIT, every, page_of


def test_every_item_past_the_first_page_is_read_once_in_order():
    items = list(range(2 * MAX_LIMIT + 17))
    calls: list[tuple[int, int]] = []

    def fetch(*, limit: int, offset: int):
        calls.append((limit, offset))
        return page_of(items, limit, offset)

    assert every(fetch) == items
    assert calls == [(MAX_LIMIT, 0), (MAX_LIMIT, MAX_LIMIT), (MAX_LIMIT, 2 * MAX_LIMIT)]


def test_an_empty_list_takes_one_call():
    assert every(lambda *, limit, offset: page_of([], limit, offset)) == []


def test_a_list_that_shrinks_while_read_ends_without_looping():
    items = list(range(MAX_LIMIT + 5))

    def fetch(*, limit: int, offset: int):
        page = page_of(items, limit, offset)
        del items[-10:]  # rows go away between pages
        return page

    assert len(every(fetch)) == MAX_LIMIT
