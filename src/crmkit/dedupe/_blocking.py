"""Blocking: which pairs of records are worth scoring at all.

Each blocking key maps a record to zero or more key values; records sharing a value form a
block, and every pair inside a block is a candidate. Key values are turned into integers
once per field and transform, so a block is a run of equal integers after one sort; only
records whose value is shared by 2 to ``max_block`` records (counted in C by a Counter) are
sorted at all. Pairs are encoded as one integer (``low * n + high``) in an
:class:`array.array`: millions of them cost 8 bytes each, and the union over keys sorts
them a sixteenth at a time (parts by lower row), never holding a set of every pair.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Mapping
from itertools import compress, count, product
from typing import Any

import jellyfish

from ._blocking_report import BlockingReport, KeyReport
from ._compare import phone_tail
from ._coverage import choose_keys, coverage_of
from ._features import Table
from ._keys import BlockingKey
from ._rules import MatchRules

__all__ = [
    "candidate_pairs",
    "key_codes",
    "key_fields",
    "transform_of",
]


def key_fields(rules: MatchRules) -> list[str]:
    """Return the fields the blocking keys read, and those they stand in for."""
    return [name for key in rules.blocking for name in (*key.fields, *key.instead_of)]


def _metaphone(text: str) -> str:
    if not text.isascii():
        return text
    return " ".join(jellyfish.metaphone(w) for w in text.split())


def transform_of(name: str) -> Callable[[str], str]:
    """Return the function a blocking transform applies to one text value."""
    if name == "first_letter":
        return lambda s: s[:1]
    if name == "prefix4":
        return lambda s: s[:4]
    if name == "sorted_words":
        return lambda s: " ".join(sorted(s.split())) if " " in s else s
    if name == "phonetic":
        return _metaphone
    if name == "last_digits":
        return phone_tail
    if name == "day_month":
        return _day_month
    return lambda s: s


def _day_month(text: str) -> str:
    # "1980-04-03" and "1980-03-04" give one key; anything not a date stays as it is
    year, _, rest = text.partition("-")
    month, _, day = rest.partition("-")
    if not (month and day):
        return text
    low, high = sorted((month, day))
    return f"{year}-{low}-{high}"


class _Codes:
    """One field under one transform as integers: ``str(keys[code])`` is the key text."""

    __slots__ = ("keys", "multi", "per_row")

    def __init__(self, column: list[object], transform: Callable[[str], str] | None) -> None:
        # *transform* None: the value itself is the key (no text to build per record).
        # Names and cities repeat a great deal: work once per distinct value, and let C
        # hash the column and map it back to codes.
        self.multi = False
        distinct: dict[object, Any] = dict.fromkeys(column, -1)
        if transform is None and not any(v.__class__ is tuple for v in distinct):
            # nearly all distinct values: number them in C, in place (only values change,
            # so updating the dict while reading its keys is safe, and a second dict of a
            # million entries is never made)
            distinct.update(zip(distinct, count()))
            self.keys: list[object] = list(distinct)
            if None in distinct:
                distinct[None] = -1
            self.per_row = list(map(distinct.__getitem__, column))
            return
        texts: dict[object, int] = {}
        setdefault = texts.setdefault

        def code(value: object) -> int:
            text: object = value
            if transform is not None:
                text = transform(value if isinstance(value, str) else str(value))
            return setdefault(text, len(texts)) if text else -1

        for value in distinct:
            if value is None:
                continue
            if isinstance(value, tuple):
                codes = tuple(dict.fromkeys(c for c in map(code, value) if c >= 0))
                if len(codes) > 1:
                    self.multi = True
                    distinct[value] = codes
                elif codes:
                    distinct[value] = codes[0]
            else:
                distinct[value] = code(value)
        self.per_row = list(map(distinct.__getitem__, column))
        self.keys = list(texts)


def _field_codes(table: Table, name: str, transform: str) -> _Codes:
    cache = table.cache
    found = cache.get((name, transform))
    if not isinstance(found, _Codes):
        function = None if transform == "exact" else transform_of(transform)
        found = cache[(name, transform)] = _Codes(table.columns[name], function)
    return found


def _parts(key: BlockingKey) -> list[tuple[str, str]]:
    return [(f, key.transform(i)) for i, f in enumerate(key.fields)]


def key_codes(
    table: Table, key: BlockingKey
) -> tuple[list[int] | None, list[int], Callable[[int], str]]:
    """Return (rows, codes, decode) of *key*: one integer per key value of a record.

    ``rows`` is None when ``codes`` holds one value per record (``-1``: no value);
    otherwise ``rows[k]`` is the record of ``codes[k]``. ``decode`` turns a code into text.
    """
    fields = [_field_codes(table, f, t) for f, t in _parts(key)]
    if len(fields) == 1 and not fields[0].multi:
        keys = fields[0].keys
        return None, fields[0].per_row, lambda code: str(keys[code])
    sizes = [len(f.keys) or 1 for f in fields]
    if not any(f.multi for f in fields):
        codes = fields[0].per_row
        for f, size in zip(fields[1:], sizes[1:], strict=True):
            codes = [
                a * size + b if a >= 0 and b >= 0 else -1
                for a, b in zip(codes, f.per_row, strict=True)
            ]
        return None, codes, _decoder(fields, sizes)
    rows: list[int] = []
    flat: list[int] = []
    for row, values in enumerate(zip(*(f.per_row for f in fields), strict=True)):
        if -1 in values:
            continue
        options = [v if isinstance(v, tuple) else (v,) for v in values]
        for combo in product(*options):
            code = 0
            for c, size in zip(combo, sizes, strict=True):
                code = code * size + c
            rows.append(row)
            flat.append(code)
    return rows, flat, _decoder(fields, sizes)


def _decoder(fields: list[_Codes], sizes: list[int]) -> Callable[[int], str]:
    def decode(code: int) -> str:
        parts = []
        for f, size in zip(reversed(fields), reversed(sizes), strict=True):
            code, part = divmod(code, size)
            parts.append(str(f.keys[part]))
        return " + ".join(reversed(parts))

    return decode


#: Candidate pairs are kept in this many arrays by their lower row, so the union over keys
#: is a sort of one part at a time, not a set of every pair at once.
_PARTS = 16


def _emit(
    order: list[int],
    codes: Mapping[int, int] | list[int],
    rows: list[int] | None,
    n: int,
    out: list[array[int]],
) -> int:
    """Append the pairs of every run of equal codes in *order*; return the number of runs.

    A pair ``low * n + high`` goes to ``out[low * len(out) // n]``.
    """
    parts = len(out)
    blocks = 0
    size = len(order)
    start = 0
    while start < size:
        code = codes[order[start]]
        end = start + 1
        while end < size and codes[order[end]] == code:
            end += 1
        run = order[start:end] if rows is None else sorted({rows[k] for k in order[start:end]})
        start = end
        if len(run) < 2:
            continue
        blocks += 1
        if len(run) == 2:
            out[run[0] * parts // n].append(run[0] * n + run[1])
            continue
        for x in range(len(run) - 1):
            low = run[x]
            base = low * n
            out[low * parts // n].extend([base + r for r in run[x + 1 :]])
    return blocks


#: Rows to pair up (sorted by key code), each row's code, the record of each entry when
#: a record has several codes, and the skipped blocks (key text, records).
_Found = tuple[list[int], Mapping[int, int] | list[int], list[int] | None, list[tuple[str, int]]]


def _single_values(table: Table, key: BlockingKey) -> _Found | None:
    """Blocks of a key on one field's exact values (e-mail, phone), or None for other keys.

    Such values are nearly all distinct: counting them as they are, and coding only the
    rows in a block, spares a list of a million codes and a second dict of the values.
    A phone's last digits are its whole number when every phone is a valid one (E.164,
    ``+...``): two valid numbers are one only when equal.
    """
    if len(key.fields) != 1 or key.transform(0) not in ("exact", "last_digits"):
        return None
    column = table.columns[key.fields[0]]
    counts = Counter(column)
    if any(v.__class__ is tuple for v in counts):
        return None
    counts.pop(None, None)
    if key.transform(0) == "last_digits" and not all(v[:1] == "+" for v in counts):
        return None
    limit = key.max_block
    big = [(str(v), size) for v, size in counts.items() if size > limit]
    code_of = {v: k for k, v in enumerate(v for v, size in counts.items() if 1 < size <= limit)}
    del counts
    wanted = list(compress(range(len(column)), map(code_of.__contains__, column)))
    keyed = {row: code_of[column[row]] for row in wanted}
    wanted.sort(key=keyed.__getitem__)
    return wanted, keyed, None, sorted(big, key=lambda s: (-s[1], s[0]))


def _coded(table: Table, key: BlockingKey) -> _Found:
    """Blocks of any key, through integer codes of its fields' values."""
    rows, keyed, decode = key_codes(table, key)
    limit = key.max_block
    big: list[tuple[int, int]] = []
    shared: set[int] = set()
    for code, size in _counted(keyed, rows).items():
        if size > 1 and code >= 0:
            if size > limit:
                big.append((code, size))
            else:
                shared.add(code)
    skipped = sorted(((decode(c), size) for c, size in big), key=lambda s: (-s[1], s[0]))
    # which entries to sort, picked in C: most values are held by one record only
    wanted = list(compress(range(len(keyed)), map(shared.__contains__, keyed)))
    wanted.sort(key=keyed.__getitem__)
    return wanted, keyed, rows, skipped


def _counted(keyed: list[int], rows: list[int] | None) -> Counter[int]:
    """Records per code (a record with one code twice counts once)."""
    if rows is None:
        return Counter(keyed)
    counts = Counter(dict.fromkeys(keyed, 0))
    for _, code in {(r, c) for r, c in zip(rows, keyed, strict=True)}:
        counts[code] += 1
    return counts


def candidate_pairs(table: Table, rules: MatchRules) -> tuple[array[int], BlockingReport]:
    """Return the distinct candidate pairs, sorted, as ``low * n + high``, and the report.

    Only the keys the records' coverage enables run (see ``_coverage``).
    """
    n = len(table)
    parts: list[array[int]] = [array("q") for _ in range(_PARTS)]
    reports = []
    coverage = coverage_of(table.columns, key_fields(rules))
    choices = choose_keys(rules.blocking, table.columns, coverage)
    # a field's codes are kept only while a later key still reads them
    uses = Counter(used for c in choices if c.enabled for used in _parts(c.key))
    for choice in choices:
        key = choice.key
        if not choice.enabled:
            reports.append(_idle(key.name, choice.reason))
            continue
        found = _single_values(table, key)
        if found is None:
            found = _coded(table, key)
        for used in _parts(key):
            uses[used] -= 1
            if not uses[used]:
                table.cache.pop(used, None)
        wanted, keyed, rows, skipped = found
        before = sum(map(len, parts))
        blocks = _emit(wanted, keyed, rows, n, parts)
        reports.append(
            KeyReport(
                name=key.name,
                blocks=blocks,
                pairs=sum(map(len, parts)) - before,
                skipped=tuple(skipped[:20]),
                skipped_records=sum(s for _, s in skipped),
            )
        )
    # the key codes hold an int object per record and key: free them before scoring
    table.cache.clear()
    # the parts hold ranges of lower rows in order: sorting each one sorts them all
    unique: array[int] = array("q")
    for k, part in enumerate(parts):
        parts[k] = array("q")
        unique.extend(sorted(set(part)))
        del part
    ran = [c.key for c in choices if c.enabled]
    enabled = tuple(
        (f, tuple(k.name for k in ran if f in k.fields))
        for f in dict.fromkeys(f for k in rules.blocking for f in k.fields)
    )
    report = BlockingReport(
        records=n,
        keys=tuple(reports),
        candidate_pairs=len(unique),
        fields=enabled,
        coverage=tuple(coverage.items()),
    )
    return unique, report


def _idle(name: str, reason: str) -> KeyReport:
    return KeyReport(
        name=name, blocks=0, pairs=0, skipped=(), skipped_records=0, enabled=False, reason=reason
    )
