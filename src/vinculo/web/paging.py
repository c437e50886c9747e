"""Pages of a list without counting it: for searches over large tables, where the count
costs more than the page (a word search over 100,000 opportunities: 20 ms to count the
9,000 matches on PostgreSQL, under 1 ms to read the first 50 in order).

One more row than a page is read: it says whether a next page exists. The total is known
only when the list ends on the page read; the pager then shows it, and otherwise "Page N"
with its neighbours."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections, transaction

__all__ = ["OpenPage", "open_page", "rows_by_ids", "serial"]


class _OpenPaginator:
    """What the pager template reads of a paginator: ``num_pages`` (the pages known so
    far) and ``count`` (None while the list goes on)."""

    def __init__(self, num_pages: int, count: int | None) -> None:
        self.num_pages = num_pages
        self.count = count


class OpenPage:
    """A page of an uncounted list, with the methods of Django's ``Page`` the templates use."""

    open = True

    def __init__(self, rows: list[Any], number: int, size: int) -> None:
        self._more = len(rows) > size
        self.object_list = rows[:size]
        self.number = number
        ends_here = not self._more and (self.object_list or number == 1)
        count = (number - 1) * size + len(self.object_list) if ends_here else None
        self.paginator = _OpenPaginator(number + (1 if self._more else 0), count)

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def _number(value: Any) -> int:
    """A page number as ``Paginator.get_page`` reads it: anything not a positive number
    of reasonable size is the first page."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= 1_000_000 else 1


def open_page(rows: Any, number: Any, size: int, *, ids_first: bool = False) -> OpenPage:
    """Page ``number`` (as the query string gives it) of ``rows`` (an ordered queryset),
    read without a count. A page past the end is empty and says so (``count`` is then
    unknown: the pager offers the previous page). With ``ids_first``, the page's ids are
    read first and then their rows (:func:`rows_by_ids`)."""
    page = _number(number)
    start = (page - 1) * size
    read = (
        rows_by_ids(rows, start, start + size + 1) if ids_first else rows[start : start + size + 1]
    )
    return OpenPage(list(read), page, size)


@contextmanager
def serial(alias: str = "default") -> Iterator[None]:
    """On PostgreSQL, the queries inside run without parallel workers
    (``max_parallel_workers_per_gather`` 0 in a transaction, then as it was): a page's
    walk down an index stops after a few thousand entries, but the planner prices the
    walk to the end and launches workers, whose start costs more than the walk (a
    country's list at a million profiles: 13 ms with two workers, 4 ms without; a common
    surname in an officer's scope: 94 ms and 18 ms) and whose CPU the other requests then
    wait for."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        yield
        return
    setting = "max_parallel_workers_per_gather"
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        # put back explicitly: inside an outer transaction, SET LOCAL would last to its end
        cursor.execute("SELECT current_setting(%s), set_config(%s, '0', true)", [setting] * 2)
        before = cursor.fetchone()[0]
        try:
            yield
        finally:
            cursor.execute("SELECT set_config(%s, %s, true)", [setting, before])


def rows_by_ids(rows: Any, start: int, stop: int) -> list[Any]:
    """``rows[start:stop]`` (an ordered queryset) read in two steps: the ids in order,
    then the rows of those ids. Where the order and the filters are answered from indexes
    alone (the name index, an index of the filter's rows), the first step reads no table
    rows, and only the page's rows are read after it (a country's researchers in name
    order at a million profiles: 5 ms instead of 15-25 ms, PostgreSQL). The ids are read
    without parallel workers (:func:`serial`)."""
    with serial(rows.db):
        ids = list(rows.values_list("pk", flat=True)[start:stop])
    found = rows.model._default_manager.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
