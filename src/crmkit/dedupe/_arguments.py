"""Checks of the arguments the public dedupe and merge functions take from callers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from crmkit.contacts import Company, Contact
from crmkit.errors import ConfigError, ValidationError

__all__ = ["check_companies", "check_store", "listed_records"]


def listed_records(records: object, field: str = "records") -> list[Any]:
    """Return *records* as a list, refusing what is not a collection of records.

    Raises:
        ValidationError: for None, a single record, text, or anything not iterable.
    """
    if isinstance(records, list):
        return records
    if isinstance(records, str | bytes | Mapping | Contact | Company) or not isinstance(
        records, Iterable
    ):
        raise ValidationError(
            type(records).__name__, "expected a list of contacts or of companies", field=field
        )
    return list(records)


def check_companies(companies: object) -> None:
    """Refuse a *companies* argument that is neither None nor names by contact id.

    Raises:
        ValidationError: for anything but None or a mapping.
    """
    if companies is not None and not isinstance(companies, Mapping):
        raise ValidationError(
            type(companies).__name__,
            "expected company names by contact id (a mapping) or None",
            field="companies",
        )


def check_store(store: object, *needs: str) -> None:
    """Refuse a *store* that lacks what a :class:`~crmkit.storage.Store` offers.

    Args:
        store: what the caller passed as the store.
        needs: the store attributes the caller is about to use.

    Raises:
        ConfigError: at path ``store`` when an attribute is missing.
    """
    for name in needs:
        if not hasattr(store, name):
            raise ConfigError("store", f"expected a crmkit Store, got {type(store).__name__}")
