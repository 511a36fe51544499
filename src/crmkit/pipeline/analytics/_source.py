"""Deals straight from a store, page by page, for the analytics that take any iterable."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from crmkit.errors import ValidationError

if TYPE_CHECKING:
    from crmkit.expr import Expression
    from crmkit.pipeline._deal import Deal
    from crmkit.storage import Repository, Store

__all__ = ["deals_of"]

_MAX_PAGE = 10_000  # the largest page a store hands out


def deals_of(
    store: Store | Repository[Deal],
    where: str | Expression | None = None,
    *,
    page_size: int = 1000,
) -> Iterator[Deal]:
    """Stream the deals of a store query, page by page, for :func:`funnel` and the rest.

    Pages follow the store's keyset cursor in id order, so memory holds one page at a time
    however many deals match, and a SQL store runs *where* in the database. A
    :class:`~crmkit.permissions.SecuredStore` works too: the user's deals, redacted.

    Args:
        store: a store (its ``deals`` are read) or a deal repository.
        where: a filter in the expression language (``"owner_id = 'ali'"``); None for all.
        page_size: deals fetched per query, from 1 to 10,000.

    Returns:
        A lazy iterator: the store is queried as it is consumed.

    Raises:
        ValidationError: if *store* has no deals to read, or *page_size* is out of range.
        FormulaError: (while iterating) for a filter the store cannot run.
    """
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise ValidationError(page_size, "expected a whole number of deals", field="page_size")
    if not 1 <= page_size <= _MAX_PAGE:
        raise ValidationError(
            page_size, f"expected a page size from 1 to {_MAX_PAGE}", field="page_size"
        )
    repository: Any = store if getattr(store, "kind", None) == "deal" else None
    if repository is None:
        repository = getattr(store, "deals", None)
        if getattr(repository, "kind", None) != "deal" or not callable(
            getattr(repository, "find", None)
        ):
            raise ValidationError(
                type(store).__name__,
                "expected a store or a deal repository",
                field="store",
            )
    return _pages(repository, where, page_size)


def _pages(repository: Any, where: str | Expression | None, page_size: int) -> Iterator[Deal]:
    after = None
    while True:
        page = repository.find(where, order_by="id", limit=page_size, after=after)
        yield from page
        after = page.next_after
        if after is None:
            return
