"""The batch loop of a contact import: match each batch against the store, then write it.

Each batch is one transaction: its contacts are matched against the store through its
indexed key lookup (and so against the earlier batches of the same file), merged into or
updating what they match, and written with the store's bulk path, together with an undo
log record naming what was created and what each changed contact looked like before.
"""

from __future__ import annotations

from collections import Counter
from typing import Final

from crmkit.contacts import Contact
from crmkit.dedupe import MatchRules, match_against
from crmkit.errors import ErrorCode
from crmkit.storage import Store

from ._contact_merge import merged_contact, updated_contact, values_not_kept
from ._links import company_links
from ._mapping import ColumnMapping
from ._options import OnDuplicate
from ._problems import Problem
from ._rejects import RejectsSpool
from ._report import ProblemTally, Rejection, reason_kind
from ._rows import RowResult
from ._undo import write_log

__all__ = ["KEYS", "ContactJob"]

#: The keys an import matches rows by, and the prefix of each in a row's keys.
KEYS: Final = {"email": "e:", "phone": "p:"}
_PREFIXES: Final = frozenset(KEYS.values())
_KIND_OF: Final = {prefix: kind for kind, prefix in KEYS.items()}
_KEEP_REJECTIONS: Final = 1000
_NOT_KEPT: Final = ErrorCode.VALUE_NOT_KEPT
# the fields a full-name column feeds
_NAME_PARTS: Final = frozenset({"prefix", "first_name", "middle_name", "last_name", "suffix"})


class ContactJob:
    """One contact import's counts, rejects and batches (see :func:`import_file`)."""

    def __init__(
        self,
        store: Store,
        *,
        key: str,
        on_duplicate: OnDuplicate,
        dry_run: bool,
        actor: str,
        import_id: str,
        rules: MatchRules | None,
        mapping: ColumnMapping,
    ) -> None:
        self.store = store
        self.rules = rules
        self.mapping = mapping
        self.key = key
        self.prefix = KEYS[key]
        self.on_duplicate = on_duplicate
        self.dry_run = dry_run
        self.actor = actor
        self.import_id = import_id
        self.rows_read = 0
        self.counts: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.skip_reasons: Counter[str] = Counter()
        self.rejections: list[Rejection] = []
        self.spool: RejectsSpool | None = None
        self.flagged = ProblemTally()

    def skip(self, reason: str) -> None:
        self.counts["skipped"] += 1
        self.skip_reasons[reason] += 1

    def reject(self, result: RowResult) -> None:
        self.counts["rejected"] += 1
        # one reason a row, so that the counts add up to the rows rejected
        self.reasons[reason_kind(result.problems[0].reason)] += 1
        if len(self.rejections) < _KEEP_REJECTIONS:
            first = result.problems[0]
            self.rejections.append(
                Rejection(result.number, first.column, first.value, first.reason, first.code)
            )
        if self.spool is not None:
            self.spool.add(result)

    def _ruled(
        self,
        rows: list[tuple[RowResult, Contact]],
        firsts: list[str | None],
        existing: dict[str, Contact],
        hits: set[str],
    ) -> dict[str, Contact]:
        """The stored contact the match rules pair with each row that no key matched.

        The rules score the stored contacts sharing an e-mail or a phone with the row; the
        batch's own lookup already found every such key, so a row none of whose keys is
        stored has no candidate and is not looked up again.
        """
        if self.rules is None:
            return {}
        unmatched = [
            contact
            for (result, contact), k in zip(rows, firsts, strict=True)
            if (k is None or k not in existing) and any(key in hits for key in result.keys)
        ]
        if not unmatched:
            return {}
        found: dict[str, Contact] = {}
        for matches in match_against(unmatched, self.store, self.rules):
            best = matches.best
            if best is not None and isinstance(best.record, Contact):
                found[matches.record.id] = best.record
        return found

    def _not_kept(self, result: RowResult, match: Contact, contact: Contact) -> None:
        """Report the row's values a merge leaves out, each under its column."""
        problems = []
        for field, given, kept in values_not_kept(match, contact):
            columns = self.mapping.columns_for(field)
            if not columns and field in _NAME_PARTS:
                columns = self.mapping.columns_for("name")
            reason = (
                f"not kept: the stored contact keeps {kept!r} (a merge fills blanks only;"
                ' on_duplicate="update" replaces it)'
            )
            problem = Problem(columns[0] if columns else field, given, reason, _NOT_KEPT, field)
            problems.append(problem)
        if problems:
            self.flagged.take(result.number, problems, counted=bool(result.problems))

    def _match_key(self, keys: tuple[str, ...]) -> str | None:
        """The row's key of the chosen type, else its first key of the other type."""
        other: str | None = None
        for k in keys:
            if k.startswith(self.prefix):
                return k
            if other is None and k[:2] in _PREFIXES:
                other = k
        return other

    def flush(self, rows: list[tuple[RowResult, Contact]]) -> None:
        if not rows:
            return
        # the batch's keys, in one lookup per key type: a row without the chosen key is
        # matched by the other one (so that re-running an import never creates it twice),
        # and the match rules take their candidates from the same lookups. The chosen type
        # goes first; a row it matched needs none of its other keys, so they are not looked
        # up (nor their contacts loaded a second time).
        firsts = [self._match_key(result.keys) for result, _ in rows]
        existing: dict[str, Contact] = {}
        for prefix in (self.prefix, *(p for p in _PREFIXES if p != self.prefix)):
            wanted = {
                k[2:]
                for (r, _), first in zip(rows, firsts, strict=True)
                if first not in existing
                for k in r.keys
                if k.startswith(prefix)
            }
            if wanted:
                kind = _KIND_OF[prefix]
                for key, found in self.store.contacts.find_by_keys(kind, sorted(wanted)).items():
                    if found:
                        existing[prefix + key] = found[0]
        hits = set(existing)
        ruled = self._ruled(rows, firsts, existing, hits)
        before: dict[str, Contact] = {}
        created: dict[str, Contact] = {}
        changed: dict[str, Contact] = {}
        for (result, contact), k in zip(rows, firsts, strict=True):
            match = existing.get(k) if k is not None else None
            if match is None and contact.id in ruled:
                stored = ruled[contact.id]
                match = changed.get(stored.id, stored)
            if match is None or self.on_duplicate == "create":
                created[contact.id] = contact
                if k is not None:
                    existing[k] = contact
                self.counts["created"] += 1
                continue
            if self.on_duplicate == "skip":
                self.skip("duplicate of an existing contact")
                continue
            new = (
                merged_contact(match, contact)
                if self.on_duplicate == "merge"
                else updated_contact(match, contact)
            )
            if self.on_duplicate == "merge":
                self._not_kept(result, match, contact)
            if new is match:
                self.skip("already up to date")
                continue
            if match.id in created:
                created[match.id] = new
            else:
                before.setdefault(match.id, match)
                changed[match.id] = new
            if k is not None:
                existing[k] = new
            self.counts["merged" if self.on_duplicate == "merge" else "updated"] += 1
        if self.dry_run:
            return

        with self.store.transaction():
            # new and changed contacts go through the bulk path together: one statement per
            # table for the whole batch rather than one round of statements per contact
            writes = [*created.values(), *changed.values()]
            if writes:
                self.store.contacts.bulk_upsert(writes, key="id", actor=self.actor)
            links = company_links(self.store, writes)
            if links:
                self.store.affiliations.bulk_upsert(links, key="id", actor=self.actor)
            self.counts["linked"] += len(links)
            write_log(
                self.store,
                self.import_id,
                kind="contact",
                created=created,
                before=before.values(),
                linked=[link.id for link in links],
                actor=self.actor,
            )
