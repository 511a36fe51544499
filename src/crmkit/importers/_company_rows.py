"""Companies as an import sees them: a row's cells to a :class:`Company`, matched by domain or name.

A company row matches a stored company with its domain, else with its name's match key
(``ACME Ltd.`` is ``Acme Limited``), so importing a company list twice, or a list that
spells the names differently, adds no company the second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Final

from crmkit.contacts import COMPANY_FIELDS, Company, EmailEntry, PhoneEntry
from crmkit.errors import ErrorCode, ValidationError
from crmkit.storage import Repository, Store
from crmkit.values import Address, normalize_domain

from . import _cells
from ._locale import LocaleOptions
from ._mapping import ColumnMapping
from ._object_fields import COMPANY_SYNONYMS, schema_synonyms
from ._object_kind import Cells, Combine, coerced_custom, combined, custom_fields, problem_of
from ._rows import Problem

__all__ = ["CompanyKind", "split_list"]

_KEPT_AS_CUSTOM: Final = ("notes", "source_id")
_LISTS: Final = {
    "emails": lambda e: e.address.match_key,
    "phones": lambda p: p.number.e164,
    "tags": lambda t: t,
}


def split_list(text: str) -> list[str]:
    """The entries of a cell holding several (``a@x.com; b@y.com``, ``vip, partner``)."""
    return [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]


class CompanyKind:
    """Companies: built from a row, matched by domain, then by name."""

    name = "company"
    synonyms = COMPANY_SYNONYMS

    def __init__(self, store: Store, locale: LocaleOptions) -> None:
        self._store = store
        self._locale = locale
        self._fields = custom_fields(store.schema("company"), COMPANY_FIELDS)
        self.custom = schema_synonyms(self._fields.schema, self._fields.money)

    def repository(self) -> Repository[Company]:
        """The store's companies."""
        return self._store.companies

    def build(self, cells: Cells) -> Company | list[Problem]:
        """The company of a row, or its problems (no name, a bad domain, e-mail or phone)."""
        problems: list[Problem] = []
        text = {field: value for field, (_, value) in cells.items()}
        if not text.get("name"):
            reason = "a company needs a name"
            problems.append(Problem("<row>", "", reason, ErrorCode.REQUIRED_VALUE))
        domain = None
        if text.get("domain"):
            try:
                domain = normalize_domain(text["domain"])
            except ValidationError as exc:
                problems.append(Problem(cells["domain"][0], text["domain"], exc.reason, exc.code))
        emails: list[EmailEntry] = []
        for piece in split_list(text.get("email", "")):
            found = _cells.email(piece)
            if isinstance(found, _cells.Refusal):
                problems.append(Problem(cells["email"][0], piece, found.reason, found.code))
            else:
                emails.append(EmailEntry(address=found, primary=not emails))
        phones: list[PhoneEntry] = []
        for piece in [p.strip() for p in text.get("phone", "").split(";") if p.strip()]:
            number = _cells.read_phone(piece, self._locale, ())
            if isinstance(number, _cells.Refusal):
                reason = f"invalid phone: {number.reason}"
                problems.append(Problem(cells["phone"][0], piece, reason, number.code))
            else:
                phones.append(PhoneEntry(number=number, primary=not phones))
        custom: dict[str, object] = {f: text[f] for f in _KEPT_AS_CUSTOM if text.get(f)}
        custom.update(coerced_custom(self._fields, cells, self._locale.locale, problems))
        if problems:
            return problems
        lines: tuple[str, ...] = (text["address"],) if text.get("address") else ()
        address = Address(
            lines=lines,  # type: ignore[arg-type]  # attrs types the tuple converter loosely
            city=text.get("city", ""),
            region=text.get("state", ""),
            postal_code=text.get("postal_code", ""),
            country=text.get("country", ""),
        )
        fields: dict[str, Any] = {
            "name": text["name"],
            "legal_name": text.get("legal_name", ""),
            "domain": domain,
            "industry": text.get("industry"),
            "emails": emails,
            "phones": phones,
            "addresses": () if address.is_blank() else (address,),
            "tags": split_list(text.get("tags", "")),
            "owner_id": text.get("owner"),
            "custom": custom,
        }
        try:
            return Company(**fields)
        except ValidationError as exc:
            return [problem_of(exc, cells)]

    def key(self, record: Company) -> str | None:
        """``d:`` and the domain, else ``n:`` and the name's match key."""
        if record.domain:
            return "d:" + record.domain
        return "n:" + record.match_key

    def stored(self, records: Sequence[Company]) -> dict[str, Company]:
        """The stored companies with the batch's domains and names, by :meth:`key`."""
        found: dict[str, Company] = {}
        domains = sorted({r.domain for r in records if r.domain})
        for domain, hits in self._store.companies.find_by_keys("domain", domains).items():
            found["d:" + domain] = hits[0]
        names = sorted({r.match_key for r in records})
        for name, hits in self._store.companies.find_by_keys("company", names).items():
            found["n:" + name] = hits[0]
        # a row with a domain the store lacks may still name a stored company
        for record in records:
            if record.domain and "d:" + record.domain not in found:
                hit = found.get("n:" + record.match_key)
                if hit is not None and not hit.domain:
                    found["d:" + record.domain] = hit
        return found

    def keep(self, key: str, record: Company) -> None:
        """Nothing to remember: each batch looks its companies up in the store."""

    def changed(self, old: Company, new: Company, how: Combine) -> Company:
        """*old* with the row's values merged in (or overwriting, for ``update``)."""
        return combined(old, new, how, lists=_LISTS)

    def use_mapping(self, mapping: ColumnMapping) -> None:
        """Nothing to learn: the kind's fields are fixed."""

    def writing(self) -> AbstractContextManager[None]:
        """Writes happen as usual."""
        return nullcontext()

    def finish(self, records: Sequence[Company]) -> list[Company | list[Problem]]:
        """The records as they are: a company links to nothing here."""
        return list(records)
